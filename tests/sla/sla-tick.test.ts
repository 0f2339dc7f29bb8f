// `redress sla:tick --at …` run as real child processes against a database file that tickets
// were opened on through intake(): warnings at each offset, breaches exactly once even with two
// sweeps running at the same time, and an NFRA extension's client notice.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { extendDeadline } from '../../app/sla/extension.server';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import { slaSummaryForTicket } from '../../app/sla/summary.server';
import { runSlaSweep } from '../../app/sla/sweep.server';
import { withSlaHook } from '../../app/sla/timers.server';
import { intake } from '../../app/tickets/intake.server';
import { changeStatus } from '../../app/tickets/status.server';
import { staffUsers, tickets } from '../../db/schema';
import { outboxOfTicket } from '../../db/store/outbox';
import { eventsOf } from '../../db/store/tickets';
import { testContext, webMessage } from '../support/ticket-context';

const run = promisify(execFile);
const RECEIVED = new Date('2026-03-02T09:00:00+08:00');

function fileContext() {
  const ctx = withSlaHook(testContext({ file: true }));
  ensureSlaPresets(ctx.db, RECEIVED);
  return ctx;
}

async function tick(ctx: { dir: string }, args: string[]) {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'cli/index.ts', 'sla:tick', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: `file:${join(ctx.dir, 'db.sqlite')}`, DB_SYNC: 'normal', LOG_LEVEL: 'silent' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const slaEvents = (ctx: ReturnType<typeof fileContext>, ticketId: number, type?: string) =>
  eventsOf(ctx.db, ticketId)
    .filter((e) => (type ? e.type === type : e.type.startsWith('sla.')))
    .map((e) => ({ type: e.type, at: e.at.toISOString(), ...(JSON.parse(e.data) as { target: string; offset?: string }) }));

// Each case starts the CLI a few times (tsx, migrations): generous limits for a loaded machine.
describe('sla:tick', { timeout: 240_000 }, () => {
  it('fires each warning as time passes its offset, and the breach at the due time', async () => {
    const ctx = fileContext();
    const c = intake(ctx, webMessage({ receivedAt: RECEIVED }), { kind: 'complaint' });
    const resolutionWarnings = () => slaEvents(ctx, c.ticketId, 'sla.warning').filter((e) => e.target === 'resolution').map((e) => [e.offset, e.at]);

    // A minute before the resolution's 50% mark: only the first response has warned and breached.
    expect((await tick(ctx, ['--at', '2026-03-09T12:59:00Z'])).stdout).toContain('1 timers, 1 warnings, 1 breaches');
    expect(resolutionWarnings()).toEqual([]);
    expect((await tick(ctx, ['--at', '2026-03-09T13:00:00Z'])).stdout).toContain('1 timers, 1 warnings, 0 breaches');
    expect(resolutionWarnings()).toEqual([['50%', '2026-03-09T13:00:00.000Z']]);
    // Then straight to the due time: the two warnings missed meanwhile fire with their own times.
    await tick(ctx, ['--at', '2026-03-17T01:00:00+00:00']);
    expect(resolutionWarnings()).toEqual([
      ['50%', '2026-03-09T13:00:00.000Z'],
      ['80%', '2026-03-14T01:00:00.000Z'],
      ['1 days before', '2026-03-16T01:00:00.000Z'],
    ]);
    expect(slaEvents(ctx, c.ticketId, 'sla.breached').map((e) => [e.target, e.at])).toEqual([
      ['first_response', '2026-03-03T09:30:00.000Z'],
      ['resolution', '2026-03-17T01:00:00.000Z'],
    ]);
  });

  it('moves the due time by the time spent pending, and breaches only at the moved time', async () => {
    const ctx = fileContext();
    const c = intake(ctx, webMessage({ receivedAt: RECEIVED }), { kind: 'complaint' });
    // Waiting for the client from 4 March 01:00Z to 7 March 01:00Z: three days.
    changeStatus(ctx, { ticketId: c.ticketId, to: 'pending', actor: { type: 'staff', id: '1' }, now: new Date('2026-03-04T01:00:00Z') });
    intake(ctx, webMessage({ threadHints: [{ kind: 'reference', reference: c.reference }], receivedAt: new Date('2026-03-07T01:00:00Z') }));
    // The original due time (17 March 01:00Z) passes without a breach of the decision deadline.
    await tick(ctx, ['--at', '2026-03-19T12:00:00Z']);
    expect(slaEvents(ctx, c.ticketId, 'sla.breached').map((e) => e.target)).toEqual(['first_response']);
    await tick(ctx, ['--at', '2026-03-20T01:00:00Z']);
    expect(slaEvents(ctx, c.ticketId, 'sla.breached').map((e) => [e.target, e.at])).toEqual([
      ['first_response', '2026-03-03T09:30:00.000Z'],
      ['resolution', '2026-03-20T01:00:00.000Z'],
    ]);
    expect(slaEvents(ctx, c.ticketId).filter((e) => e.target === 'resolution').map((e) => e.type)).toEqual([
      'sla.started',
      'sla.paused',
      'sla.resumed',
      'sla.warning',
      'sla.warning',
      'sla.warning',
      'sla.breached',
    ]);
  });

  it('writes each breach exactly once when two sweeps run at the same time', async () => {
    const ctx = fileContext();
    const ids = Array.from({ length: 150 }, (_, i) =>
      intake(ctx, webMessage({ sender: { email: `client${i}@example.com` }, receivedAt: RECEIVED }), { kind: 'complaint' }).ticketId,
    );
    // Two processes, small batches, so their transactions interleave over the same timers.
    const [a, b] = await Promise.all([
      tick(ctx, ['--at', '2026-04-01T00:00:00Z', '--batch', '7']),
      tick(ctx, ['--at', '2026-04-01T00:00:00Z', '--batch', '7']),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const counts = [a.stdout, b.stdout].map((s) => Number(/(\d+) breaches/.exec(s)![1]));
    expect(counts[0]! + counts[1]!).toBe(300);
    for (const id of ids) {
      expect(slaEvents(ctx, id, 'sla.breached').map((e) => e.target)).toEqual(['first_response', 'resolution']);
      expect(slaEvents(ctx, id, 'sla.warning')).toHaveLength(4);
    }
    expect(runSlaSweep(ctx, { now: new Date('2026-04-02T00:00:00Z') })).toEqual({ timers: 0, warnings: 0, breaches: 0 });
  });

  it('extends an NFRA deadline, tells the client, and the sweep honours the new date', async () => {
    const ctx = fileContext();
    const staff = (role: 'agent' | 'supervisor', email: string) =>
      ctx.db.insert(staffUsers).values({ email, name: role, role, passwordHash: 'x', createdAt: RECEIVED }).returning().get().id;
    const agent = staff('agent', 'agent@bank.example');
    const supervisor = staff('supervisor', 'sup@bank.example');
    const c = intake(ctx, webMessage({ sender: { name: 'Alice Smith', email: 'alice@example.com' }, text: 'My card was charged twice.', receivedAt: RECEIVED }), {
      kind: 'complaint',
    });
    extendDeadline(ctx, { ticketId: c.ticketId, step: 1, reason: 'We are waiting for the card scheme’s records', recordedBy: agent, approvedBy: supervisor, now: new Date('2026-03-12T02:00:00Z') });

    const notice = outboxOfTicket(ctx.db, c.ticketId).find((o) => o.purpose === 'sla.extension')!;
    expect(notice).toMatchObject({ channel: 'email', recipient: 'alice@example.com', status: 'queued' });
    expect(notice.subject).toBe(`[${c.reference}] We need more time to decide on your complaint`);
    expect(notice.body).toContain('Why: We are waiting for the card scheme’s records');
    expect(notice.body).toContain('You will have our decision by 1 April 2026.');

    // Day 15 passes without a breach; day 30 breaches.
    await tick(ctx, ['--at', '2026-03-20T00:00:00Z']);
    expect(slaEvents(ctx, c.ticketId, 'sla.breached').map((e) => e.target)).toEqual(['first_response']);
    await tick(ctx, ['--at', '2026-04-01T01:00:00Z']);
    expect(slaEvents(ctx, c.ticketId, 'sla.breached').map((e) => [e.target, e.at])).toEqual([
      ['first_response', '2026-03-03T09:30:00.000Z'],
      ['resolution', '2026-04-01T01:00:00.000Z'],
    ]);
    expect(slaEvents(ctx, c.ticketId, 'sla.extended')[0]).toMatchObject({ step: 1, approverId: supervisor, clientNotified: ['email'] });
    expect(slaSummaryForTicket(ctx.db, c.ticketId, new Date('2026-04-02T00:00:00Z')).find((s) => s.target === 'resolution')).toMatchObject({
      state: 'breached',
      extensionStep: 1,
    });
  });

  it('runs the same hooks as the server: a breach escalates by the default rule, once, and notifies once', async () => {
    const ctx = fileContext();
    ctx.db.insert(staffUsers).values({ email: 'lead@bank.example', name: 'Lead', role: 'supervisor', language: 'en', passwordHash: 'x', createdAt: RECEIVED }).run();
    const c = intake(ctx, webMessage({ receivedAt: RECEIVED }), { kind: 'complaint' });
    const level = () => ctx.db.select({ level: tickets.level }).from(tickets).where(eq(tickets.id, c.ticketId)).get()!.level;
    const firings = () => eventsOf(ctx.db, c.ticketId).filter((e) => e.type === 'rule.fired').map((e) => e.actorId);
    const notices = () => outboxOfTicket(ctx.db, c.ticketId).filter((o) => o.purpose === 'escalation').map((o) => [o.recipient, o.subject]);

    // Past the first response's due time (3 March 09:30Z): its 50% warning and its breach.
    await tick(ctx, ['--at', '2026-03-04T00:00:00Z']);
    expect(firings()).toEqual(['sla-warning', 'sla-breach']);
    expect(level()).toBe(1);
    expect(eventsOf(ctx.db, c.ticketId).find((e) => e.type === 'ticket.escalated')).toMatchObject({ actorType: 'rule', actorId: 'sla-breach' });
    expect(notices()).toEqual([
      ['lead@bank.example', `[${c.reference}] SLA warning: first_response`],
      ['lead@bank.example', `[${c.reference}] SLA breached: first_response`],
    ]);
    // A later tick with nothing newly due changes nothing: no second escalation, no second notice.
    await tick(ctx, ['--at', '2026-03-05T00:00:00Z']);
    expect(level()).toBe(1);
    expect(firings()).toEqual(['sla-warning', 'sla-breach']);
    expect(notices()).toHaveLength(2);
  });

  it('refuses a bad --at with one clear line', async () => {
    const ctx = fileContext();
    const r = await tick(ctx, ['--at', 'tomorrow']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('redress sla:tick: --at: must be an ISO-8601 instant with a zone, such as 2026-05-01T09:00:00Z');
    const help = await tick(ctx, ['--help']);
    expect(help.stdout).toContain('Usage: redress sla:tick [--at ISO-8601]');
  });
});
