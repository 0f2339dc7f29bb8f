// Timers follow the ticket: started when it is created, paused while it waits (for the client,
// or for an external appraisal under CN-NFRA), resumed with their due time moved by exactly the
// paused time on their own clock, met by the acknowledgement, the first staff reply and the
// resolution, and resumed (not restarted) when a resolved ticket is reopened. Every change is
// written with its event inside the caller's transaction; the sweep (sweep.server.ts) fires
// warnings and breaches.
import { writeTransaction, type Tx } from '../../db/client';
import type { ActorType, TicketStatus } from '../../db/constants';
import type { SlaPauseReason } from '../../db/sla-constants';
import {
  enabledPolicies,
  flagNamesOf,
  insertTimers,
  messageAuthorType,
  timersOfTicket,
  updateTimerGuarded,
  type NewTimer,
  type TimerRow,
} from '../../db/store/sla';
import { appendEvent, findTicketById } from '../../db/store/tickets';
import type { TicketChange, TicketContext, TicketHook } from '../tickets/context';
import { Invalid, NotFound } from '../tickets/errors';
import { choosePolicy } from './policy';
import { parsedPolicyDefinition, SlaRegistry } from './registry.server';
import { budgetOf, clockKindOf, measureOnClock, nextActionAt, scheduleOf, type Clock } from './schedule';
import { catchUp, scheduleOfTimer } from './fire.server';

export interface SlaActor {
  type: ActorType;
  id?: string | null;
}
const SYSTEM: SlaActor = { type: 'system' };

function event(tx: Tx, row: TimerRow, type: string, data: Record<string, unknown>, at: Date, actor: SlaActor = SYSTEM): void {
  appendEvent(tx, { ticketId: row.ticketId, type, actorType: actor.type, actorId: actor.id ?? null, data: { target: row.target, ...data }, at });
}

/** Starts one timer per target of the first matching policy. A ticket that has timers keeps them. */
export function startTimers(tx: Tx, ticketId: number, now: Date): TimerRow[] {
  const existing = timersOfTicket(tx, ticketId);
  if (existing.length > 0) return existing;
  const ticket = findTicketById(tx, ticketId);
  if (!ticket) throw new NotFound(`No ticket ${ticketId}`);
  const candidates = enabledPolicies(tx).map((p) => ({ ...p, definition: parsedPolicyDefinition(p.definition) }));
  const policy = choosePolicy(candidates, { ...ticket, flags: flagNamesOf(tx, ticketId) });
  if (!policy) return [];
  const reg = new SlaRegistry(tx);
  const rows: NewTimer[] = policy.definition.targets.map((target) => {
    const kind = clockKindOf(target.duration);
    const calendarName = kind === 'business' ? policy.definition.calendar : null;
    const clock: Clock = reg.clock(kind, calendarName);
    const budgetMs = budgetOf(clock, now, target.duration);
    const schedule = scheduleOf(clock, { startedAt: now, budgetMs, pausedTotalMs: 0 }, target.warnings);
    return {
      ticketId,
      target: target.target,
      policyId: policy.id,
      policyVersion: policy.version,
      clock: kind,
      calendarName,
      startedAt: now,
      budgetMs,
      dueAt: schedule.dueAt,
      state: 'running',
      nextActionAt: nextActionAt(schedule, 0),
      updatedAt: now,
    };
  });
  insertTimers(tx, rows);
  const started = timersOfTicket(tx, ticketId);
  for (const row of started) {
    event(tx, row, 'sla.started', { policy: policy.key, version: policy.version, clock: row.clock, dueAt: row.dueAt.toISOString() }, now);
  }
  return started;
}

function pauseTimer(tx: Tx, row: TimerRow, reason: SlaPauseReason, now: Date, actor: SlaActor, note?: string): TimerRow {
  if (row.state === 'paused') {
    // An appraisal outranks waiting for the client: the pause goes on, for the stronger reason.
    if (reason === 'appraisal' && row.pauseReason !== 'appraisal') {
      const next = { ...row, pauseReason: reason, updatedAt: now };
      updateTimerGuarded(tx, row, { pauseReason: reason, updatedAt: now });
      event(tx, row, 'sla.paused', { reason, note: note ?? null, pausedSince: row.pausedSince!.toISOString() }, now, actor);
      return next;
    }
    return row;
  }
  if (row.state !== 'running') return row;
  const patch = { state: 'paused' as const, pausedSince: now, pauseReason: reason, nextActionAt: null, updatedAt: now };
  if (!updateTimerGuarded(tx, row, patch)) return row;
  event(tx, row, 'sla.paused', { reason, note: note ?? null }, now, actor);
  return { ...row, ...patch };
}

function resumeTimer(tx: Tx, reg: SlaRegistry, row: TimerRow, now: Date, actor: SlaActor): TimerRow {
  if (row.state !== 'paused' || !row.pausedSince) return row;
  const pausedMs = measureOnClock(reg.clock(row.clock, row.calendarName), row.pausedSince, now);
  const pausedTotalMs = row.pausedTotalMs + pausedMs;
  const schedule = scheduleOfTimer(reg, row, pausedTotalMs);
  const patch = {
    state: 'running' as const,
    pausedSince: null,
    pauseReason: null,
    pausedTotalMs,
    dueAt: schedule.dueAt,
    nextActionAt: nextActionAt(schedule, row.warningsFired),
    updatedAt: now,
  };
  if (!updateTimerGuarded(tx, row, patch)) return row;
  event(tx, row, 'sla.resumed', { reason: row.pauseReason, pausedMs, dueAt: schedule.dueAt.toISOString() }, now, actor);
  return { ...row, ...patch };
}

function meetTimer(tx: Tx, reg: SlaRegistry, row: TimerRow, now: Date, via: string, actor: SlaActor = SYSTEM): TimerRow {
  if (row.metAt || row.state === 'met') return row;
  const pausedTotalMs =
    row.state === 'paused' && row.pausedSince ? row.pausedTotalMs + measureOnClock(reg.clock(row.clock, row.calendarName), row.pausedSince, now) : row.pausedTotalMs;
  const late = row.state === 'breached';
  const patch = { state: late ? ('breached' as const) : ('met' as const), metAt: now, pausedSince: null, pauseReason: null, pausedTotalMs, nextActionAt: null, updatedAt: now };
  if (!updateTimerGuarded(tx, row, patch)) return row;
  const policy = reg.policy(row.policyId, row.policyVersion);
  event(tx, row, 'sla.met', { policy: policy.key, via, late, dueAt: row.dueAt.toISOString() }, now, actor);
  return { ...row, ...patch };
}

/** A reopened ticket's resolution timer picks up where it stopped: the resolved spell counts as a pause. */
function reopenTimer(tx: Tx, reg: SlaRegistry, row: TimerRow, now: Date): TimerRow {
  if (row.target !== 'resolution' || !row.metAt) return row;
  const pausedMs = measureOnClock(reg.clock(row.clock, row.calendarName), row.metAt, now);
  const pausedTotalMs = row.pausedTotalMs + pausedMs;
  const schedule = scheduleOfTimer(reg, row, pausedTotalMs);
  const running = row.state === 'met';
  const patch = {
    state: running ? ('running' as const) : row.state,
    metAt: null,
    pausedTotalMs,
    dueAt: running ? schedule.dueAt : row.dueAt,
    nextActionAt: running ? nextActionAt(schedule, row.warningsFired) : null,
    updatedAt: now,
  };
  if (!updateTimerGuarded(tx, row, patch)) return row;
  event(tx, row, 'sla.resumed', { reason: 'reopened', pausedMs, dueAt: patch.dueAt.toISOString() }, now);
  return { ...row, ...patch };
}

const DONE: readonly TicketStatus[] = ['resolved', 'closed'];

/** Brings every timer of the ticket in line with its status. */
function followStatus(ctx: TicketContext, tx: Tx, reg: SlaRegistry, ticketId: number, now: Date): void {
  const timers = timersOfTicket(tx, ticketId);
  if (timers.length === 0) return;
  const ticket = findTicketById(tx, ticketId)!;
  for (let row of timers) {
    row = catchUp(ctx, tx, reg, row, now);
    if (DONE.includes(ticket.status)) {
      // A decision answers everything still open, so no acknowledgement timer breaches on a resolved case.
      meetTimer(tx, reg, row, now, ticket.status);
      continue;
    }
    row = reopenTimer(tx, reg, row, now);
    const pauses = reg.policy(row.policyId, row.policyVersion).definition.pauseStatuses.includes(ticket.status);
    if (pauses) pauseTimer(tx, row, 'pending', now, SYSTEM);
    else if (row.state === 'paused' && row.pauseReason === 'pending') resumeTimer(tx, reg, row, now, SYSTEM);
  }
}

function meetTargets(ctx: TicketContext, tx: Tx, reg: SlaRegistry, ticketId: number, targets: string[], now: Date, via: string): void {
  for (const row of timersOfTicket(tx, ticketId)) {
    if (targets.includes(row.target)) meetTimer(tx, reg, catchUp(ctx, tx, reg, row, now), now, via);
  }
}

/**
 * The SLA engine's TicketHook for a context: push it onto that context's hooks (server/main.ts,
 * the CLI, tests). It needs the context itself to hand warnings and breaches it fires while
 * catching up to the other hooks.
 */
export function createSlaHook(ctx: TicketContext): TicketHook {
  return (tx: Tx, change: TicketChange) => {
    if (change.trigger === 'sla.warning' || change.trigger === 'sla.breached') return;
    const reg = new SlaRegistry(tx);
    if (change.trigger === 'ticket.created') {
      startTimers(tx, change.ticketId, change.now);
    } else if (change.trigger === 'reply.sent' && change.messageId !== undefined) {
      const author = messageAuthorType(tx, change.messageId);
      // A public reply from staff both acknowledges the client and is the first response.
      if (author === 'staff' || author === 'api') meetTargets(ctx, tx, reg, change.ticketId, ['acknowledge', 'first_response'], change.now, 'reply');
    }
    followStatus(ctx, tx, reg, change.ticketId, change.now);
  };
}

/** Adds the SLA hook to a context once; returns the context. */
export function withSlaHook<C extends TicketContext>(ctx: C): C {
  ctx.hooks.push(createSlaHook(ctx));
  return ctx;
}

/**
 * The acknowledgement reached the client (its outbox row was sent): the acknowledge target is
 * met at that moment. Called from the dispatcher's result callback; a second call is a no-op.
 */
export function recordAcknowledgementSent(ctx: TicketContext, input: { ticketId: number; at: Date }): void {
  writeTransaction(ctx.db, (tx) => meetTargets(ctx, tx, new SlaRegistry(tx), input.ticketId, ['acknowledge'], input.at, 'ack.sent'));
}

function resolutionTimer(tx: Tx, ticketId: number): TimerRow {
  const row = timersOfTicket(tx, ticketId).find((t) => t.target === 'resolution');
  if (!row) throw new Invalid('This ticket has no resolution deadline to pause.');
  return row;
}

/**
 * CN-NFRA: time spent on an external appraisal, test or assessment does not count. Staff
 * record its start with the reason; recording it again while it runs changes nothing.
 */
export function startAppraisalPause(ctx: TicketContext, input: { ticketId: number; reason: string; staffId: number; now: Date }): void {
  const reason = input.reason.trim();
  if (reason.length === 0) throw new Invalid('Say what is being appraised, tested or assessed.');
  writeTransaction(ctx.db, (tx) => {
    if (!findTicketById(tx, input.ticketId)) throw new NotFound(`No ticket ${input.ticketId}`);
    const reg = new SlaRegistry(tx);
    const row = catchUp(ctx, tx, reg, resolutionTimer(tx, input.ticketId), input.now);
    if (!reg.policy(row.policyId, row.policyVersion).definition.appraisalPause) {
      throw new Invalid('This ticket’s SLA policy does not stop the clock for an external appraisal.');
    }
    if (row.state === 'paused' && row.pauseReason === 'appraisal') return;
    if (row.state !== 'running' && row.state !== 'paused') throw new Invalid('The resolution deadline is no longer running.');
    pauseTimer(tx, row, 'appraisal', input.now, { type: 'staff', id: String(input.staffId) }, reason);
  });
}

/** The appraisal is over: the clock runs again, unless the ticket is still waiting for the client. */
export function endAppraisalPause(ctx: TicketContext, input: { ticketId: number; staffId: number; now: Date }): void {
  writeTransaction(ctx.db, (tx) => {
    const ticket = findTicketById(tx, input.ticketId);
    if (!ticket) throw new NotFound(`No ticket ${input.ticketId}`);
    const reg = new SlaRegistry(tx);
    const row = resolutionTimer(tx, input.ticketId);
    if (row.state !== 'paused' || row.pauseReason !== 'appraisal') return;
    const actor = { type: 'staff' as const, id: String(input.staffId) };
    if (reg.policy(row.policyId, row.policyVersion).definition.pauseStatuses.includes(ticket.status)) {
      updateTimerGuarded(tx, row, { pauseReason: 'pending', updatedAt: input.now });
      event(tx, row, 'sla.paused', { reason: 'pending', note: 'appraisal finished; still waiting for the client' }, input.now, actor);
      return;
    }
    resumeTimer(tx, reg, row, input.now, actor);
  });
}
