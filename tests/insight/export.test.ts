// The regulator's CSV and the half-year returns, through the CLI a compliance officer runs,
// checked against figures worked out by hand from regulator-fixture.ts.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cnReturn, cnReturnCsv, parseHalf } from '../../app/insight/returns.server';
import { exportTickets, EXPORT_COLUMNS } from '../../app/insight/ticket-export.server';
import { createSlaHook } from '../../app/sla/timers.server';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import { changeStatus } from '../../app/tickets/status.server';
import { openDb, writeTransaction } from '../../db/client';
import { insertCaseReview } from '../../db/store/triage';
import { parseCsv } from '../support/csv-parse';
import { addStaff, insightContext, openComplaint } from '../support/insight-fixtures';
import { buildRegulatorFixture, TRICKY_SUBJECT } from './regulator-fixture';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../cli/index.ts');

async function redress(dbPath: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: `file:${dbPath}`, DB_SYNC: 'normal' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function readCsv(path: string): Record<string, string>[] {
  const text = readFileSync(path, 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

describe('exports', () => {
  it('writes the tickets CSV, the FCA return and the China return with hand-checked figures', async () => {
    const ctx = insightContext({ file: true });
    const f = buildRegulatorFixture(ctx);
    // Case reviews: #1 upheld with redress, #3 not upheld, #2 withdrawn (closed, not decided).
    const reviewer = addStaff(ctx.db, { email: 'review@bank.example', role: 'compliance', language: 'en' });
    const review = (ticketId: number, outcome: string, redressMinor: number | null) =>
      writeTransaction(ctx.db, (tx) =>
        insertCaseReview(tx, { ticketId, outcome, redressMinor, currency: redressMinor === null ? null : 'CNY', rootCause: 'process_defect', lesson: '-', reviewerId: reviewer, now: new Date('2026-06-01T00:00:00Z') }),
      );
    review(f.one.ticketId, 'upheld', 500_000);
    review(f.three.ticketId, 'not_upheld', null);
    review(f.two.ticketId, 'withdrawn', null);
    ctx.db.$client.close();
    const dbPath = join(ctx.dir, 'db.sqlite');

    const csvPath = join(ctx.dir, 'tickets.csv');
    const fcaPath = join(ctx.dir, 'fca.csv');
    const cnPath = join(ctx.dir, 'cn.csv');
    // Two commands at once (each CLI start costs more than its work); the China return is
    // written in-process, through the same functions its command calls.
    const [exported, fcaRun] = await Promise.all([
      redress(dbPath, 'export:tickets', '--from', '2026-01-01', '--to', '2026-06-30', '--out', csvPath),
      redress(dbPath, 'export:return', '--half', '2026H1', '--regime', 'fca', '--out', fcaPath),
    ]);
    const db = openDb({ url: `file:${dbPath}`, migrate: false });
    const half = parseHalf('2026H1')!;
    writeFileSync(cnPath, cnReturnCsv(half, cnReturn(db, half)));
    db.$client.close();
    expect(exported).toMatchObject({ code: 0, stdout: `Wrote 6 tickets opened 2026-01-01 to 2026-06-30 to ${csvPath}.\n` });
    const rows = readCsv(csvPath);
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(rows.map((r) => r.reference)).toEqual([f.one, f.two, f.three, f.four, f.eight, f.five].map((t) => t.reference));
    expect(rows[0]).toEqual({
      reference: f.one.reference,
      received_at: '2026-01-10T08:00:00.000Z',
      channel: 'web',
      source: 'client',
      kind: 'complaint',
      product: 'wealth',
      cause: 'mis_selling',
      summary: TRICKY_SUBJECT,
      status: 'resolved',
      customer_age_band: '',
      vulnerability: 'no',
      acknowledged_at: '2026-01-10T08:05:00.000Z',
      resolved_at: '2026-01-20T08:00:00.000Z',
      business_days: '',
      calendar_days: '10.0',
      within_time_limit: 'yes',
      outcome: 'upheld',
      redress: '5000.00',
      redress_currency: 'CNY',
      root_cause: 'process_defect',
    });
    expect(rows[1]).toMatchObject({ channel: 'sms', acknowledged_at: '', calendar_days: '73.0', within_time_limit: 'no' });
    expect(rows[2]).toMatchObject({ channel: 'phone', source: 'staff', calendar_days: '1.0', within_time_limit: 'yes' });
    expect(rows[3]).toMatchObject({ kind: 'feedback', summary: `'=HYPERLINK("http://evil.example","click")`, status: 'closed', calendar_days: '1.0' });
    expect(rows[5]).toMatchObject({ received_at: '2026-06-30T23:30:00.000Z', resolved_at: '2026-07-02T00:00:00.000Z' });
    // Open for months by now: past the 15-day limit.
    expect(rows[4]).toMatchObject({ kind: 'enquiry', status: 'new', resolved_at: '', calendar_days: '', within_time_limit: 'no' });

    expect(fcaRun).toMatchObject({ code: 0 });
    const fca = readCsv(fcaPath).map((r) => [
      r.product_group,
      r.opened,
      r.closed,
      r.closed_within_3_days,
      r.closed_within_8_weeks,
      r.closed_after_8_weeks,
      r.upheld_share,
      r.redress_paid,
    ]);
    // Opened: complaints #1 #2 #3 #5 (feedback #4 and enquiry #8 are not complaints).
    // Closed: #1 (10 days), #2 (73), #3 (1), #7 (16); #5 closed in July.
    // Upheld share of decided complaints: #1 upheld, #3 not (#2 withdrawn, #7 not reviewed).
    expect(fca).toEqual([
      ['banking_cards', '1', '1', '0', '0', '1', '', '0.00'],
      ['credit', '0', '1', '0', '1', '0', '', ''],
      ['insurance', '1', '1', '1', '1', '0', '0', '0.00'],
      ['investments', '2', '1', '0', '1', '0', '1', '5000.00'],
      ['other', '0', '0', '0', '0', '0', '', ''],
      ['total', '4', '4', '1', '3', '1', '0.5', '5000.00'],
    ]);

    expect(readCsv(cnPath).map((r) => Object.values(r))).toEqual([
      ['2026H1', '网络渠道', '银行理财', '营销方式和手段', '1'],
      ['2026H1', '网络渠道', '代理销售业务（基金）', '营销方式和手段', '1'],
      ['2026H1', '短信', '信用卡', '定价收费', '1'],
      ['2026H1', '电话', '代理销售业务（保险）', '合同条款', '1'],
      ['2026H1', '合计', '', '', '4'],
    ]);

  });

  it('fills age band, vulnerability, business days and the case review from the profile, the SLA calendar and the review', async () => {
    const ctx = insightContext();
    const now = new Date('2026-03-20T00:00:00Z');
    ensureSlaPresets(ctx.db, new Date('2026-01-01T00:00:00Z'));
    ctx.hooks.unshift(createSlaHook(ctx));
    const staff = addStaff(ctx.db, { email: 'reviewer@bank.example', role: 'compliance', language: 'zh' });
    // Received Friday 2026-03-06 10:00 Beijing time; resolved Thursday 2026-03-12: the working days
    // after the day of receipt are Mon 9, Tue 10, Wed 11 and Thu 12.
    const reviewed = openComplaint(ctx, { at: new Date('2026-03-06T02:00:00Z'), product: 'wealth', email: 'elder@example.com' });
    const plain = openComplaint(ctx, { at: new Date('2026-03-07T02:00:00Z'), product: 'cards', email: 'young@example.com' });
    const customerOf = (ticketId: number) => ctx.db.$client.prepare('select customer_id from tickets where id = ?').pluck().get(ticketId) as number;
    const profile = ctx.db.$client.prepare(
      'insert into customer_profiles (customer_id, birth_date, age_band, vulnerable, updated_at) values (?, ?, ?, ?, ?)',
    );
    profile.run(customerOf(reviewed.ticketId), '1958-03-07', null, 0, now.getTime()); // 67 on the day of receipt
    profile.run(customerOf(plain.ticketId), null, '25-34', 0, now.getTime());
    ctx.db.$client.prepare("insert into ticket_flags (ticket_id, flag, detail, created_at) values (?, 'vulnerable', 'age 65+', ?)").run(reviewed.ticketId, now.getTime());
    changeStatus(ctx, { ticketId: reviewed.ticketId, to: 'resolved', actor: { type: 'staff', id: String(staff) }, now: new Date('2026-03-12T07:00:00Z') });
    writeTransaction(ctx.db, (tx) =>
      insertCaseReview(tx, {
        ticketId: reviewed.ticketId,
        outcome: 'upheld',
        redressMinor: 1_250_050,
        currency: 'CNY',
        rootCause: 'misleading_information',
        lesson: '销售时未说明风险',
        reviewerId: staff,
        now: new Date('2026-03-12T07:00:00Z'),
      }),
    );

    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString('utf8');
        done();
      },
    });
    await exportTickets(ctx.db, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z'), out, now });
    const [header, ...rows] = parseCsv(text.slice(1));
    const byRef = new Map(rows.map((r) => [r[0], Object.fromEntries(header!.map((h, i) => [h, r[i]!]))]));
    expect(byRef.get(reviewed.reference)).toMatchObject({
      customer_age_band: '65-74',
      vulnerability: 'yes',
      business_days: '4',
      calendar_days: '6.2',
      outcome: 'upheld',
      redress: '12500.50',
      redress_currency: 'CNY',
      root_cause: 'misleading_information',
    });
    // No review yet and not finished: the band as imported, the rest empty rather than guessed.
    expect(byRef.get(plain.reference)).toMatchObject({
      customer_age_band: '25-34',
      vulnerability: 'no',
      business_days: '',
      outcome: '',
      redress: '',
      redress_currency: '',
      root_cause: '',
    });
  });

  it('pages by (created, id), so tickets opened in the same millisecond are each written once, and waits for a slow reader', async () => {
    const ctx = insightContext();
    const at = new Date('2026-03-01T00:00:00Z');
    const refs = Array.from({ length: 7 }, (_, i) => openComplaint(ctx, { at, product: 'cards', email: `same-ms-${i}@example.com` }).reference);
    let text = '';
    let writes = 0;
    // A reader that takes its time and holds only a few bytes: every page waits for 'drain'.
    const slow = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, done) {
        writes++;
        text += chunk.toString('utf8');
        setImmediate(done);
      },
    });
    const progress: number[] = [];
    const { rows } = await exportTickets(ctx.db, {
      from: at,
      to: new Date('2026-03-02T00:00:00Z'),
      out: slow,
      now: at,
      pageSize: 3,
      onProgress: (n) => progress.push(n),
    });
    expect(rows).toBe(7);
    expect(progress).toEqual([3, 6, 7]);
    expect(writes).toBe(4);
    expect(parseCsv(text.slice(1)).slice(1).map((r) => r[0])).toEqual(refs);
  });
});
