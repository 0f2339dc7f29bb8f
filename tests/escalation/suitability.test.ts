// Suitability from an imported customer file: the CLI imports tests/fixtures/customers.csv
// (rejecting the bad rows with reasons, idempotently), then complaints about held products
// raise the suitability, assessment, age and repeat flags, and the default rules act on them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedEscalationDefaults } from '../../app/escalation/config.server';
import { importCustomersCsv } from '../../app/escalation/customer-import.server';
import { createEscalationHook } from '../../app/escalation/engine.server';
import { customerProfileOf } from '../../app/escalation/profile.server';
import type { TicketContext } from '../../app/tickets/context';
import { intake } from '../../app/tickets/intake.server';
import { openDb } from '../../db/client';
import { findTicketById, flagsOf } from '../../db/store/tickets';
import { testContext, webMessage } from '../support/ticket-context';
import { addStaff } from './staff';

const FIXTURE = join(import.meta.dirname, '../fixtures/customers.csv');
const now = new Date('2026-03-01T08:00:00Z');
let ctx: TicketContext & { dir: string };

function cli(args: string[], dbPath: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: `file:${dbPath}`, DB_SYNC: 'normal' },
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  const base = testContext({ file: true });
  const dbPath = join(base.dir, 'db.sqlite');
  base.db.$client.close();
  const csv = join(base.dir, 'customers.csv');
  copyFileSync(FIXTURE, csv);

  const first = cli(['customers:import', csv], dbPath);
  expect(first.stdout).toContain('Imported 6 of 11 rows');
  expect(first.stdout).toContain('5 new customers, 6 holdings; 5 rejected.');
  expect(first.status).toBe(1);
  const report = readFileSync(join(base.dir, 'customers.rejected.csv'), 'utf8');
  expect(report.split('\n')[0]).toBe('line,customer_number,reasons');
  expect(report).toContain('8,,customer_number is required');
  expect(report).toContain('9,C0007,"risk_level must be C1, C2, C3, C4 or C5"');
  expect(report).toMatch(/10,C0008,.*product_name is required for a holding.*product_risk is required for a holding/);
  expect(report).toContain('11,C0009,birth_date must be a date written YYYY-MM-DD');
  expect(report).toContain('12,C0010,email is not an email address');

  // Idempotent on customer number: the same file again creates nobody and duplicates nothing.
  const db = openDb({ url: `file:${dbPath}`, sync: 'normal' });
  const second = await importCustomersCsv({ db, path: csv, now, region: 'CN' });
  expect(second).toMatchObject({ rows: 11, imported: 6, customersCreated: 0, holdings: 6 });
  expect(db.$client.prepare('select count(*) from customers').pluck().get()).toBe(5);
  expect(db.$client.prepare('select count(*) from customer_holdings').pluck().get()).toBe(6);
  expect(db.$client.prepare("select value from customer_contacts where kind = 'phone' order by value").pluck().all()).toEqual([
    '+8613800138001',
    '+8613800138002',
  ]);

  ctx = { ...base, db, hooks: [createEscalationHook({ publicUrl: base.publicUrl })] };
  seedEscalationDefaults(db, now);
  addStaff(db, { email: 'compliance@bank.example', role: 'compliance', language: 'en' });
});

const complain = (email: string, text: string, product: Parameters<typeof intake>[2] extends infer F ? (F extends { product?: infer P } ? P : never) : never, at = now) =>
  intake(ctx, webMessage({ sender: { email }, text, receivedAt: at }), { kind: 'complaint', product });
const flags = (id: number) => Object.fromEntries(flagsOf(ctx.db, id).map((f) => [f.flag, f.detail]));

describe('suitability from the imported customer file', () => {
  it('a C1 customer complaining about an R4 fund: critical mismatch, compliance level 3', () => {
    const r = complain('wang.fang@example.com', '基金亏了很多，当初没说有这么大风险', 'funds');
    expect(flags(r.ticketId)['suitability-mismatch']).toBe('critical: FND001 稳健增长混合基金 (R4) above the customer\'s C1');
    expect(findTicketById(ctx.db, r.ticketId)!.level).toBe(3);
  });

  it('a product named in the text counts as held, without a product field', () => {
    const r = complain('chen.jie@example.com', 'The Global Tech Equity Fund lost 40%', null);
    expect(flags(r.ticketId)['suitability-mismatch']).toBe("FND010 Global Tech Equity Fund (R5) above the customer's C2");
  });

  it('an assessment older than a year and an age band of 65+: assessment-missing and vulnerable (at least high)', () => {
    const r = complain('zhang.wei@example.com', 'My wealth plan paid less than promised', 'wealth');
    expect(flags(r.ticketId)).toMatchObject({ 'assessment-missing': 'last assessed 2024-01-01, more than a year ago', vulnerable: 'aged 65 (band 65+)' });
    expect(flags(r.ticketId)['suitability-mismatch']).toBeUndefined();
    expect(findTicketById(ctx.db, r.ticketId)!.priority).toBe('high');
  });

  it('no assessment at all: assessment-missing', () => {
    const r = complain('zhao.lei@example.com', 'Balanced Fund fees are too high', 'funds');
    expect(flags(r.ticketId)).toMatchObject({ 'assessment-missing': 'no risk assessment on record' });
  });

  it('a product within the customer’s risk level raises nothing', () => {
    const r = complain('li.na@example.com', 'Claim on my Family Protection policy is slow', 'insurance');
    expect(flags(r.ticketId)).toEqual({});
    expect(findTicketById(ctx.db, r.ticketId)).toMatchObject({ level: 0, priority: 'normal' });
  });

  it('the third complaint in 90 days is flagged repeat', () => {
    const email = 'li.na@example.com';
    const day = 86_400_000;
    const second = intake(ctx, webMessage({ sender: { email }, text: 'Another problem', receivedAt: new Date(now.getTime() + day) }), { kind: 'complaint' });
    expect(flags(second.ticketId).repeat).toBeUndefined();
    // Resolve the earlier ones so the next message opens a new ticket rather than joining one.
    ctx.db.$client.prepare("update tickets set status = 'closed' where customer_id = ?").run(findTicketById(ctx.db, second.ticketId)!.customerId);
    const third = intake(ctx, webMessage({ sender: { email }, text: 'And again', receivedAt: new Date(now.getTime() + 2 * day) }), { kind: 'complaint' });
    expect(flags(third.ticketId)).toMatchObject({ repeat: '3 complaints in 90 days' });
  });

  it('gives the ticket’s customer profile for the API and the staff panel', () => {
    const r = complain('chen.jie@example.com', 'Fixed Deposit 1Y interest was wrong', 'deposits');
    const p = customerProfileOf(ctx.db, r.ticketId, now)!;
    expect(p).toMatchObject({ customerNumber: 'C0004', riskLevel: 'C2', assessedOn: '2025-09-01', age: 50, vulnerable: false, assessmentCurrent: true });
    expect(p.holdings.map((h) => [h.productCode, h.riskLevel, h.aboveRiskLevel])).toEqual([
      ['DEP001', 'R1', false],
      ['FND010', 'R5', true],
    ]);
  });
});

