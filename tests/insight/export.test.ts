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
import { openDb } from '../../db/client';
import { parseCsv } from '../support/csv-parse';
import { insightContext, openComplaint } from '../support/insight-fixtures';
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
      vulnerability: '',
      acknowledged_at: '2026-01-10T08:05:00.000Z',
      resolved_at: '2026-01-20T08:00:00.000Z',
      business_days: '',
      calendar_days: '10.0',
      within_time_limit: 'yes',
      outcome: '',
      redress: '',
      root_cause: '',
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
    expect(fca).toEqual([
      ['banking_cards', '1', '1', '0', '0', '1', '', ''],
      ['credit', '0', '1', '0', '1', '0', '', ''],
      ['insurance', '1', '1', '1', '1', '0', '', ''],
      ['investments', '2', '1', '0', '1', '0', '', ''],
      ['other', '0', '0', '0', '0', '0', '', ''],
      ['total', '4', '4', '1', '3', '1', '', ''],
    ]);

    expect(readCsv(cnPath).map((r) => Object.values(r))).toEqual([
      ['2026H1', '网络渠道', '银行理财', '营销方式和手段', '1'],
      ['2026H1', '网络渠道', '代理销售业务（基金）', '营销方式和手段', '1'],
      ['2026H1', '短信', '信用卡', '定价收费', '1'],
      ['2026H1', '电话', '代理销售业务（保险）', '合同条款', '1'],
      ['2026H1', '合计', '', '', '4'],
    ]);

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
