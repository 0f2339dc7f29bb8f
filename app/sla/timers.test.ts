import { describe, expect, it } from 'vitest';
import { staffUsers, tickets } from '../../db/schema';
import { outboxOfTicket } from '../../db/store/outbox';
import { timersOfTicket } from '../../db/store/sla';
import { eventsOf } from '../../db/store/tickets';
import { testContext, webMessage } from '../../tests/support/ticket-context';
import type { TicketChange } from '../tickets/context';
import { intake } from '../tickets/intake.server';
import { replyToClient } from '../tickets/reply.server';
import { changeStatus } from '../tickets/status.server';
import { extendDeadline } from './extension.server';
import { enablePolicy, updatePolicyDefinition } from './policies.server';
import { PRESET_POLICIES } from './presets';
import { ensureSlaPresets } from './seed.server';
import { expectedDecisionBy, slaListCondition, slaListFilterSchema, slaSummaryForTicket } from './summary.server';
import { runSlaSweep, startSlaSweeper, type SweepResult } from './sweep.server';
import { endAppraisalPause, recordAcknowledgementSent, startAppraisalPause, withSlaHook } from './timers.server';

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;
// Monday 2 March 2026, 09:00 in Shanghai.
const RECEIVED = at('2026-03-02T09:00:00+08:00');

function setup() {
  const ctx = withSlaHook(testContext());
  ensureSlaPresets(ctx.db, RECEIVED);
  const seen: TicketChange[] = [];
  ctx.hooks.push((_tx, change) => {
    if (change.trigger.startsWith('sla.')) seen.push(change);
  });
  return { ctx, seen };
}

function addStaff(ctx: ReturnType<typeof setup>['ctx'], role: 'agent' | 'supervisor' | 'compliance' | 'admin', email: string, language: 'zh' | 'en' = 'zh') {
  return ctx.db
    .insert(staffUsers)
    .values({ email, name: email.split('@')[0]!, role, language, passwordHash: 'x', createdAt: RECEIVED })
    .returning({ id: staffUsers.id })
    .get().id;
}

function complaint(ctx: ReturnType<typeof setup>['ctx'], receivedAt = RECEIVED, kind: 'complaint' | 'feedback' = 'complaint') {
  return intake(ctx, webMessage({ receivedAt, text: '理财产品被当作存款卖给我。' }), { kind });
}

const timer = (ctx: ReturnType<typeof setup>['ctx'], ticketId: number, target: string) =>
  timersOfTicket(ctx.db, ticketId).find((t) => t.target === target)!;
const slaEvents = (ctx: ReturnType<typeof setup>['ctx'], ticketId: number) =>
  eventsOf(ctx.db, ticketId)
    .filter((e) => e.type.startsWith('sla.'))
    .map((e) => ({ type: e.type, at: e.at.toISOString(), ...(JSON.parse(e.data) as Record<string, unknown>) }) as Record<string, unknown>);

describe('SLA timers', () => {
  it('starts the CN-NFRA timers for a complaint and the service standard for feedback', () => {
    const { ctx } = setup();
    const c = complaint(ctx);
    expect(timersOfTicket(ctx.db, c.ticketId).map((t) => [t.target, t.clock, t.dueAt.toISOString()])).toEqual([
      // Close of business on the next working day, and 15 calendar days.
      ['first_response', 'business', '2026-03-03T09:30:00.000Z'],
      ['resolution', 'calendar', '2026-03-17T01:00:00.000Z'],
    ]);
    expect(slaEvents(ctx, c.ticketId).map((e) => [e.type, e.target, e.policy])).toEqual([
      ['sla.started', 'first_response', 'cn-nfra'],
      ['sla.started', 'resolution', 'cn-nfra'],
    ]);
    const f = complaint(ctx, RECEIVED, 'feedback');
    expect(timersOfTicket(ctx.db, f.ticketId).map((t) => [t.target, t.dueAt.toISOString()])).toEqual([
      ['acknowledge', '2026-03-02T02:00:00.000Z'],
      ['first_response', '2026-03-03T09:30:00.000Z'],
      ['resolution', '2026-03-09T09:30:00.000Z'],
    ]);
  });

  it('picks policies in their explicit order, skipping disabled ones', () => {
    const { ctx } = setup();
    enablePolicy(ctx.db, { key: 'uk-psd2', enabled: true, now: RECEIVED });
    const payments = intake(ctx, webMessage({ receivedAt: RECEIVED }), { kind: 'complaint', product: 'payments' });
    // CN-NFRA (position 10) comes before UK-PSD2 (20) and matches every complaint.
    expect(timersOfTicket(ctx.db, payments.ticketId)[0]!.policyId).toBe(1);
    enablePolicy(ctx.db, { key: 'cn-nfra', enabled: false, now: RECEIVED });
    const next = intake(ctx, webMessage({ receivedAt: RECEIVED }), { kind: 'complaint', product: 'payments' });
    expect(slaEvents(ctx, next.ticketId)[0]).toMatchObject({ policy: 'uk-psd2' });
    const other = intake(ctx, webMessage({ receivedAt: RECEIVED }), { kind: 'complaint', product: 'loans' });
    expect(timersOfTicket(ctx.db, other.ticketId)).toEqual([]);
  });

  it('keeps running timers on their policy version when the policy changes', () => {
    const { ctx } = setup();
    const before = complaint(ctx);
    const def = structuredClone(PRESET_POLICIES.find((p) => p.key === 'cn-nfra')!.definition);
    def.targets[1]!.duration = { amount: 10, unit: 'days' };
    expect(updatePolicyDefinition(ctx.db, { key: 'cn-nfra', definition: def, now: RECEIVED }).version).toBe(2);
    const after = complaint(ctx);
    expect(timer(ctx, before.ticketId, 'resolution')).toMatchObject({ policyVersion: 1, dueAt: new Date(RECEIVED.getTime() + 15 * DAY) });
    expect(timer(ctx, after.ticketId, 'resolution')).toMatchObject({ policyVersion: 2, dueAt: new Date(RECEIVED.getTime() + 10 * DAY) });
  });

  it('pauses while pending and moves the due time by exactly the paused time, on each clock', () => {
    const { ctx } = setup();
    const c = complaint(ctx);
    const staff = { type: 'staff' as const, id: '1' };
    // Pending from Monday 12:00 to Tuesday 10:00 (Shanghai): 22 calendar hours, 5.5 business hours.
    changeStatus(ctx, { ticketId: c.ticketId, to: 'pending', actor: staff, now: at('2026-03-02T12:00:00+08:00') });
    expect(timer(ctx, c.ticketId, 'resolution')).toMatchObject({ state: 'paused', pauseReason: 'pending', nextActionAt: null });
    intake(ctx, webMessage({ threadHints: [{ kind: 'reference', reference: c.reference }], receivedAt: at('2026-03-03T10:00:00+08:00') }));
    const resolution = timer(ctx, c.ticketId, 'resolution');
    expect(resolution).toMatchObject({ state: 'running', pausedTotalMs: 22 * 3_600_000 });
    expect(resolution.dueAt).toEqual(new Date(RECEIVED.getTime() + 15 * DAY + 22 * 3_600_000));
    const first = timer(ctx, c.ticketId, 'first_response');
    expect(first.pausedTotalMs).toBe(5.5 * 3_600_000);
    // Tuesday 17:30 plus 5.5 business hours: Wednesday 09:00–12:00, then 13:00–15:30.
    expect(first.dueAt).toEqual(at('2026-03-04T15:30:00+08:00'));
    expect(slaEvents(ctx, c.ticketId).filter((e) => e.type === 'sla.resumed').map((e) => [e.target, e.pausedMs])).toEqual([
      ['first_response', 5.5 * 3_600_000],
      ['resolution', 22 * 3_600_000],
    ]);
  });

  it('is met by the acknowledgement, the first staff reply and the resolution; a reopened ticket resumes', () => {
    const { ctx } = setup();
    const f = complaint(ctx, RECEIVED, 'feedback');
    recordAcknowledgementSent(ctx, { ticketId: f.ticketId, at: at('2026-03-02T09:00:05+08:00') });
    recordAcknowledgementSent(ctx, { ticketId: f.ticketId, at: at('2026-03-02T09:30:00+08:00') });
    expect(timer(ctx, f.ticketId, 'acknowledge')).toMatchObject({ state: 'met', metAt: at('2026-03-02T09:00:05+08:00') });

    replyToClient(ctx, { ticketId: f.ticketId, text: 'Thank you, we are looking into it.', author: { type: 'staff', staffId: null }, now: at('2026-03-02T15:00:00+08:00') });
    expect(timer(ctx, f.ticketId, 'first_response')).toMatchObject({ state: 'met' });

    const staff = { type: 'staff' as const, id: '1' };
    changeStatus(ctx, { ticketId: f.ticketId, to: 'resolved', actor: staff, now: at('2026-03-03T09:00:00+08:00') });
    const resolved = timer(ctx, f.ticketId, 'resolution');
    expect(resolved).toMatchObject({ state: 'met', nextActionAt: null });
    // Reopened a business day later: the resolved spell (7.5 business hours) does not count.
    changeStatus(ctx, { ticketId: f.ticketId, to: 'open', actor: staff, now: at('2026-03-04T09:00:00+08:00') });
    const reopened = timer(ctx, f.ticketId, 'resolution');
    expect(reopened).toMatchObject({ state: 'running', metAt: null, startedAt: RECEIVED, pausedTotalMs: 7.5 * 3_600_000 });
    // Due at close on Monday 9 March; 7.5 business hours later is close on Tuesday 10 March.
    expect(reopened.dueAt).toEqual(at('2026-03-10T17:30:00+08:00'));
    expect(slaEvents(ctx, f.ticketId).map((e) => `${e.type}:${e.target}`)).toEqual([
      'sla.started:acknowledge',
      'sla.started:first_response',
      'sla.started:resolution',
      'sla.met:acknowledge',
      'sla.met:first_response',
      'sla.met:resolution',
      'sla.resumed:resolution',
    ]);
  });

  it('works off a backlog one batch per turn of the event loop, so other work runs between batches', async () => {
    const { ctx } = setup();
    for (let i = 0; i < 5; i++) complaint(ctx);
    const late = at('2026-04-01T00:00:00Z');
    const log: string[] = [];
    const done = new Promise<void>((resolve) => {
      let swept = 0;
      const sweeper = startSlaSweeper(ctx, {
        intervalMs: 60_000,
        batchSize: 3,
        clock: () => late,
        onSweep: (r: SweepResult) => {
          log.push(`batch ${r.timers}`);
          // Something else asks for the event loop after each batch: it must get it before the next one.
          setImmediate(() => log.push('other work'));
          swept += r.timers;
          if (swept === 10) {
            sweeper.stop();
            setImmediate(resolve);
          }
        },
      });
    });
    await done;
    // Ten timers (two per complaint) in batches of 3, with the other work in between.
    expect(log.slice(0, 7)).toEqual(['batch 3', 'other work', 'batch 3', 'other work', 'batch 3', 'other work', 'batch 1']);
    expect(runSlaSweep(ctx, { now: late })).toEqual({ timers: 0, warnings: 0, breaches: 0 });
  });

  it('fires each warning at its offset and the breach once, at their true times, and hands them to the hooks', () => {
    const { ctx, seen } = setup();
    const lead = addStaff(ctx, 'supervisor', 'lead@bank.example', 'en');
    const c = complaint(ctx);
    expect(runSlaSweep(ctx, { now: at('2026-03-02T12:00:00+08:00') })).toEqual({ timers: 0, warnings: 0, breaches: 0 });
    // Long after everything: all warnings and both breaches, each at its own instant.
    const late = at('2026-04-01T00:00:00Z');
    expect(runSlaSweep(ctx, { now: late })).toEqual({ timers: 2, warnings: 4, breaches: 2 });
    expect(runSlaSweep(ctx, { now: late })).toEqual({ timers: 0, warnings: 0, breaches: 0 });
    const fired = slaEvents(ctx, c.ticketId).filter((e) => e.type !== 'sla.started');
    expect(fired.map((e) => [e.type, e.target, e.offset ?? null, e.at])).toEqual([
      ['sla.warning', 'first_response', '50%', '2026-03-02T09:30:00.000Z'],
      ['sla.breached', 'first_response', null, '2026-03-03T09:30:00.000Z'],
      ['sla.warning', 'resolution', '50%', '2026-03-09T13:00:00.000Z'],
      ['sla.warning', 'resolution', '80%', '2026-03-14T01:00:00.000Z'],
      ['sla.warning', 'resolution', '1 days before', '2026-03-16T01:00:00.000Z'],
      ['sla.breached', 'resolution', null, '2026-03-17T01:00:00.000Z'],
    ]);
    expect(seen.map((s) => [s.trigger, s.data?.target, s.data?.offset, s.data?.policy])).toContainEqual(['sla.warning', 'resolution', '80%', 'cn-nfra']);
    expect(seen.filter((s) => s.trigger === 'sla.breached')).toHaveLength(2);
    // A lead exists, yet the sweep itself tells nobody: staff hear of SLA events only through the
    // escalation rules that act on these hooks (tests/sla/server.test.ts counts those notices).
    expect(lead).toBeGreaterThan(0);
    expect(outboxOfTicket(ctx.db, c.ticketId).map((o) => o.purpose)).toEqual(['ack']);
  });

  it('fires warnings one by one as time moves', () => {
    const { ctx } = setup();
    const c = complaint(ctx);
    runSlaSweep(ctx, { now: at('2026-03-10T00:00:00Z') });
    expect(timer(ctx, c.ticketId, 'resolution')).toMatchObject({ state: 'running', warningsFired: 1, nextActionAt: at('2026-03-14T01:00:00Z') });
    runSlaSweep(ctx, { now: at('2026-03-14T01:00:00Z') });
    expect(timer(ctx, c.ticketId, 'resolution').warningsFired).toBe(2);
  });

  it('writes a breach the sweep had not reached yet before a change swallows it', () => {
    const { ctx, seen } = setup();
    const c = complaint(ctx);
    // Resolved two hours after the due time, with no sweep in between.
    changeStatus(ctx, { ticketId: c.ticketId, to: 'resolved', actor: { type: 'staff', id: '1' }, now: at('2026-03-17T03:00:00Z') });
    const events = slaEvents(ctx, c.ticketId).filter((e) => e.target === 'resolution' && e.type !== 'sla.started');
    expect(events.map((e) => [e.type, e.at, e.late ?? null])).toEqual([
      ['sla.warning', '2026-03-09T13:00:00.000Z', null],
      ['sla.warning', '2026-03-14T01:00:00.000Z', null],
      ['sla.warning', '2026-03-16T01:00:00.000Z', null],
      ['sla.breached', '2026-03-17T01:00:00.000Z', null],
      ['sla.met', '2026-03-17T03:00:00.000Z', true],
    ]);
    expect(timer(ctx, c.ticketId, 'resolution')).toMatchObject({ state: 'breached', metAt: at('2026-03-17T03:00:00Z') });
    expect(seen.filter((s) => s.trigger === 'sla.breached').map((s) => s.data?.target)).toEqual(['first_response', 'resolution']);
  });

  it('pauses the NFRA decision clock for an external appraisal', () => {
    const { ctx } = setup();
    const agent = addStaff(ctx, 'agent', 'agent@bank.example');
    const c = complaint(ctx);
    startAppraisalPause(ctx, { ticketId: c.ticketId, reason: '委托第三方鉴定签名笔迹', staffId: agent, now: at('2026-03-05T01:00:00Z') });
    startAppraisalPause(ctx, { ticketId: c.ticketId, reason: 'again', staffId: agent, now: at('2026-03-06T01:00:00Z') });
    // The client writes in meanwhile: that does not end an appraisal.
    intake(ctx, webMessage({ threadHints: [{ kind: 'reference', reference: c.reference }], receivedAt: at('2026-03-07T01:00:00Z') }));
    expect(timer(ctx, c.ticketId, 'resolution')).toMatchObject({ state: 'paused', pauseReason: 'appraisal' });
    endAppraisalPause(ctx, { ticketId: c.ticketId, staffId: agent, now: at('2026-03-12T01:00:00Z') });
    expect(timer(ctx, c.ticketId, 'resolution')).toMatchObject({ state: 'running', pausedTotalMs: 7 * DAY, dueAt: new Date(RECEIVED.getTime() + 22 * DAY) });
    const paused = slaEvents(ctx, c.ticketId).filter((e) => e.type === 'sla.paused');
    expect(paused).toEqual([expect.objectContaining({ target: 'resolution', reason: 'appraisal', note: '委托第三方鉴定签名笔迹' })]);

    const feedback = complaint(ctx, RECEIVED, 'feedback');
    expect(() => startAppraisalPause(ctx, { ticketId: feedback.ticketId, reason: 'x', staffId: agent, now: RECEIVED })).toThrow(/does not stop the clock/);
  });

  it('extends an NFRA deadline step by step, with the right roles, and tells the client in their language', () => {
    const { ctx } = setup();
    const agent = addStaff(ctx, 'agent', 'agent@bank.example');
    const supervisor = addStaff(ctx, 'supervisor', 'sup@bank.example');
    const compliance = addStaff(ctx, 'compliance', 'cco@bank.example');
    const c = complaint(ctx);
    const now = at('2026-03-10T02:00:00Z');
    expect(() => extendDeadline(ctx, { ticketId: c.ticketId, step: 2, reason: 'x', recordedBy: supervisor, approvedBy: compliance, now })).toThrow(/step 1 must come first/);
    expect(() => extendDeadline(ctx, { ticketId: c.ticketId, step: 1, reason: 'x', recordedBy: agent, approvedBy: agent, now })).toThrow(/approved by/);
    expect(() => extendDeadline(ctx, { ticketId: c.ticketId, step: 1, reason: ' ', recordedBy: agent, approvedBy: supervisor, now })).toThrow(/reason/);

    const r = extendDeadline(ctx, { ticketId: c.ticketId, step: 1, reason: '需调取三年交易记录并核查录音', recordedBy: agent, approvedBy: supervisor, now });
    expect(r).toEqual({ dueAt: new Date(RECEIVED.getTime() + 30 * DAY), clientNotified: ['email'] });
    // The 50% warning of the longer deadline (day 15) is still ahead; none of it was due before.
    expect(timer(ctx, c.ticketId, 'resolution')).toMatchObject({ extensionStep: 1, warningsFired: 0, nextActionAt: at('2026-03-17T01:00:00Z') });
    const notice = outboxOfTicket(ctx.db, c.ticketId).find((o) => o.purpose === 'sla.extension')!;
    expect(notice.recipient).toBe('li.wei@example.com');
    expect(notice.body).toContain('需调取三年交易记录并核查录音');
    expect(notice.body).toContain('2026年4月1日');
    expect(() => extendDeadline(ctx, { ticketId: c.ticketId, step: 2, reason: '再延长', recordedBy: agent, approvedBy: compliance, now })).toThrow(/roles/);
    const r2 = extendDeadline(ctx, { ticketId: c.ticketId, step: 2, reason: '需外部机构评估', recordedBy: supervisor, approvedBy: compliance, now });
    expect(r2.dueAt).toEqual(new Date(RECEIVED.getTime() + 60 * DAY));
    const extended = slaEvents(ctx, c.ticketId).filter((e) => e.type === 'sla.extended');
    expect(extended.map((e) => [e.step, e.approverId, e.clientNotified])).toEqual([
      [1, supervisor, ['email']],
      [2, compliance, ['email']],
    ]);
  });

  it('summarises timers for the API and the tracking page, and filters the list', () => {
    const { ctx } = setup();
    const c = complaint(ctx);
    const other = complaint(ctx, at('2026-03-09T09:00:00+08:00'));
    const now = at('2026-03-10T00:00:00Z');
    runSlaSweep(ctx, { now });
    const summary = slaSummaryForTicket(ctx.db, c.ticketId, now);
    expect(summary.map((s) => [s.target, s.policy, s.state, s.remainingMs])).toEqual([
      ['first_response', 'cn-nfra', 'breached', at('2026-03-03T09:30:00Z').getTime() - now.getTime()],
      ['resolution', 'cn-nfra', 'running', at('2026-03-17T01:00:00Z').getTime() - now.getTime()],
    ]);
    expect(summary[1]!.warnings).toEqual([
      { offset: '50%', at: '2026-03-09T13:00:00.000Z', fired: true },
      { offset: '80%', at: '2026-03-14T01:00:00.000Z', fired: false },
      { offset: '1 days before', at: '2026-03-16T01:00:00.000Z', fired: false },
    ]);
    expect(expectedDecisionBy(ctx.db, c.ticketId)).toEqual({ dueAt: at('2026-03-17T01:00:00Z'), paused: false });

    const ids = (query: Record<string, string>) => {
      const filter = slaListFilterSchema.parse(query);
      return ctx.db.select({ id: tickets.id }).from(tickets).where(slaListCondition(filter, now)).orderBy(tickets.id).all().map((r) => r.id);
    };
    expect(ids({ sla: 'breached' })).toEqual([c.ticketId]);
    // other's first-response warning (50%, Monday 9 March 17:30) has fired too.
    expect(ids({ sla: 'warning' })).toEqual([c.ticketId, other.ticketId]);
    expect(ids({ sla: 'paused' })).toEqual([]);
    // other's first response is due at 2026-03-10T09:30Z, within 10 hours.
    expect(ids({ dueWithin: 'PT10H' })).toEqual([other.ticketId]);
    expect(ids({ dueWithin: 'P8D' })).toEqual([c.ticketId, other.ticketId]);
    expect(slaListFilterSchema.safeParse({ dueWithin: '4 hours' }).error?.issues[0]?.message).toMatch(/ISO 8601/);
    expect(slaListFilterSchema.safeParse({ sla: 'late' }).success).toBe(false);
  });
});
