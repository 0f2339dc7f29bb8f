// The arithmetic of one timer, pure: how long its target is on its own clock, when it is due,
// when each warning fires, and what it must do next. Everything is counted from the start on
// the timer's clock, so a pause of p (measured on that clock) moves the due time and every
// later warning by exactly p: due = start + budget + paused, warning = start + budget − R + paused.
import type { SlaClock } from '../../db/sla-constants';
import { addBusinessTime, endOfBusinessDay, measureBusinessTime, type BusinessCalendar } from './calendar';
import { isBusinessUnit, type Duration, type Warning } from './policy';

export type Clock = { kind: 'calendar' } | { kind: 'business'; calendar: BusinessCalendar };

const UNIT_MS: Record<string, number> = {
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
  weeks: 7 * 86_400_000,
  business_minutes: 60_000,
  business_hours: 3_600_000,
};

export function clockKindOf(duration: Duration): SlaClock {
  return isBusinessUnit(duration.unit) ? 'business' : 'calendar';
}

export function addOnClock(clock: Clock, from: Date, ms: number): Date {
  return clock.kind === 'calendar' ? new Date(from.getTime() + ms) : addBusinessTime(clock.calendar, from, ms);
}

export function measureOnClock(clock: Clock, from: Date, to: Date): number {
  return clock.kind === 'calendar' ? Math.max(0, to.getTime() - from.getTime()) : measureBusinessTime(clock.calendar, from, to);
}

/**
 * A target's length on its clock, counted from `startedAt`. Business days end at close of
 * business on the n-th working day after the day of receipt, so their length depends on the start.
 */
export function budgetOf(clock: Clock, startedAt: Date, duration: Duration): number {
  if (duration.unit === 'business_days') {
    if (clock.kind !== 'business') throw new Error('business_days need a business clock');
    return measureBusinessTime(clock.calendar, startedAt, endOfBusinessDay(clock.calendar, startedAt, Math.ceil(duration.amount)));
  }
  return Math.round(duration.amount * UNIT_MS[duration.unit]!);
}

export function warningLabel(w: Warning): string {
  return 'percent' in w ? `${w.percent}%` : `${w.before.amount} ${w.before.unit.replace('_', ' ')} before`;
}

/** Clock time left before the due time when the warning fires. */
function remainingAtWarning(w: Warning, budgetMs: number): number {
  return 'percent' in w ? Math.round((budgetMs * (100 - w.percent)) / 100) : Math.round(w.before.amount * UNIT_MS[w.before.unit]!);
}

export interface TimerClockState {
  startedAt: Date;
  budgetMs: number;
  /** Paused time so far on the timer's clock, not counting a pause still running. */
  pausedTotalMs: number;
}

export interface ScheduledWarning {
  offset: string;
  at: Date;
}

export interface Schedule {
  dueAt: Date;
  /** In firing order; a warning that would fire at or before the start (longer than the target) is dropped. */
  warnings: ScheduledWarning[];
}

export function scheduleOf(clock: Clock, state: TimerClockState, warnings: Warning[]): Schedule {
  const due = addOnClock(clock, state.startedAt, state.budgetMs + state.pausedTotalMs);
  const list = warnings
    .map((w) => ({ w, elapsed: state.budgetMs - remainingAtWarning(w, state.budgetMs) }))
    .filter((x) => x.elapsed > 0 && x.elapsed < state.budgetMs)
    .sort((a, b) => a.elapsed - b.elapsed)
    .map((x) => ({ offset: warningLabel(x.w), at: addOnClock(clock, state.startedAt, x.elapsed + state.pausedTotalMs) }));
  return { dueAt: due, warnings: list };
}

/** The next instant a running timer must act: its next unfired warning, else its due time. */
export function nextActionAt(schedule: Schedule, warningsFired: number): Date {
  return schedule.warnings[warningsFired]?.at ?? schedule.dueAt;
}
