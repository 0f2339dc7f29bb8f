// Business calendars: opening hours in an IANA time zone, holidays (whole or part days) and
// working days that fall on a weekend (China's 调休). Pure functions; the time is always passed
// in. Wall-clock hours are turned into UTC instants one local day at a time through Intl, so a
// day on which the clocks change still opens at 09:00 local time.
import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const shifts = z
  .array(z.tuple([hhmm, hhmm]))
  .refine((list) => list.every(([a, b]) => a < b), 'a shift must end after it starts (no shift crosses midnight)')
  .refine((list) => list.every((s, i) => i === 0 || list[i - 1]![1] <= s[0]), 'shifts must be in order and not overlap');

export const calendarSchema = z.object({
  zone: z.string().refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Asia/Shanghai'),
  /** Opening hours per weekday, 0 = Sunday … 6 = Saturday; split shifts are several pairs. */
  week: z.array(shifts).length(7),
  /** Days off. `open` makes it a part day: only those hours are worked. */
  holidays: z.array(z.object({ date: isoDate, name: z.string(), open: shifts.optional() })).default([]),
  /** Days worked although the week says closed (调休); `open` defaults to the usual weekday hours. */
  workdays: z.array(z.object({ date: isoDate, name: z.string(), open: shifts.optional() })).default([]),
});
export type CalendarDefinition = z.input<typeof calendarSchema>;

type Shift = [string, string];

/** A parsed calendar with its per-day cache of open intervals (UTC ms, half-open [start, end)). */
export interface BusinessCalendar {
  zone: string;
  week: Shift[][];
  holidays: Map<string, Shift[]>;
  workdays: Map<string, Shift[]>;
  /** The hours of a standard working day (the first weekday with hours), for "business days" in warnings. */
  dayMs: number;
  cache: Map<string, Array<[number, number]>>;
}

const DAY = 86_400_000;
/** No business duration spans more than this many days without an open hour: stops a closed calendar looping forever. */
const MAX_DAYS = 3700;

export function parseCalendar(input: unknown): BusinessCalendar {
  const def = calendarSchema.parse(input);
  const firstDay = def.week.find((s) => s.length > 0);
  if (!firstDay) throw new Error('A business calendar needs opening hours on at least one weekday');
  const standardWorkday = def.week[1]!.length > 0 ? def.week[1]! : firstDay;
  return {
    zone: def.zone,
    week: def.week as Shift[][],
    holidays: new Map(def.holidays.map((h) => [h.date, (h.open ?? []) as Shift[]])),
    workdays: new Map(def.workdays.map((w) => [w.date, (w.open ?? standardWorkday) as Shift[]])),
    dayMs: standardWorkday.reduce((sum, [a, b]) => sum + minutes(b) - minutes(a), 0) * 60_000,
    cache: new Map(),
  };
}

function minutes(t: string): number {
  return Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's wall clock at `instant`, as the UTC instant with the same fields. */
function wallClock(zone: string, instant: number): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
}

const offsets = new Map<string, number>();
/**
 * Offset of the zone from UTC at `instant`, in ms (positive east of Greenwich). Cached per
 * quarter hour (every zone changes its clocks on a quarter hour): Intl's formatToParts is the
 * slow part of calendar arithmetic, and a new ticket's three timers ask for hundreds of offsets.
 */
export function zoneOffset(zone: string, instant: number): number {
  const key = `${zone}|${Math.floor(instant / 900_000)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const second = Math.floor(instant / 1000) * 1000;
    offset = wallClock(zone, second) - second;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** The instant at which the zone's clocks show this local time. A time skipped by a DST jump maps past the jump. */
export function zonedInstant(zone: string, localAsUtc: number): number {
  const first = localAsUtc - zoneOffset(zone, localAsUtc);
  const second = localAsUtc - zoneOffset(zone, first);
  return second;
}

/** The zone's wall clock at `instant` as "YYYY-MM-DD HH:MM". */
export function localDateTime(zone: string, instant: number): string {
  return new Date(instant + zoneOffset(zone, instant)).toISOString().slice(0, 16).replace('T', ' ');
}

/** The local date (as YYYY-MM-DD) of an instant in the zone. */
export function localDate(zone: string, instant: number): string {
  return new Date(instant + zoneOffset(zone, instant)).toISOString().slice(0, 10);
}

function nextDate(date: string, days = 1): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * Business days taken from `from` to `to` on the calendar: the working days after the local day
 * of receipt, up to and including the local day `to` falls on (so a case resolved on the third
 * working day after receipt took 3, and one resolved the day it arrived took 0).
 */
export function businessDaysBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const last = localDate(cal.zone, to.getTime());
  let days = 0;
  let date = nextDate(localDate(cal.zone, from.getTime()));
  for (let i = 0; date <= last && i < MAX_DAYS; i++, date = nextDate(date)) if (shiftsOn(cal, date).length > 0) days++;
  return days;
}

/** The shifts worked on a local date: a holiday's part day, a 调休 workday, or the usual week. */
export function shiftsOn(cal: BusinessCalendar, date: string): Shift[] {
  const holiday = cal.holidays.get(date);
  if (holiday) return holiday;
  const workday = cal.workdays.get(date);
  if (workday) return workday;
  return cal.week[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
}

/** Open intervals of a local date as UTC instants [start, end). Cached: calendars are immutable once parsed. */
export function openIntervals(cal: BusinessCalendar, date: string): Array<[number, number]> {
  let hit = cal.cache.get(date);
  if (hit) return hit;
  const midnight = Date.parse(`${date}T00:00:00Z`);
  hit = shiftsOn(cal, date).map(([a, b]): [number, number] => [
    zonedInstant(cal.zone, midnight + minutes(a) * 60_000),
    zonedInstant(cal.zone, midnight + minutes(b) * 60_000),
  ]);
  if (cal.cache.size > 20_000) cal.cache.clear();
  cal.cache.set(date, hit);
  return hit;
}

/**
 * The instant reached after `durationMs` of open time from `from`. Zero returns `from`
 * unchanged; any positive duration ends inside open hours (the end of a shift counts as inside).
 */
export function addBusinessTime(cal: BusinessCalendar, from: Date, durationMs: number): Date {
  if (durationMs < 0) throw new RangeError('addBusinessTime takes a duration of zero or more');
  if (durationMs === 0) return from;
  const t = from.getTime();
  let remaining = durationMs;
  // Start a day early: an instant just after local midnight can belong to the previous UTC-ish day.
  let date = nextDate(localDate(cal.zone, t), -1);
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    for (const [start, end] of openIntervals(cal, date)) {
      if (end <= t) continue;
      const begin = Math.max(start, t);
      const available = end - begin;
      if (remaining <= available) return new Date(begin + remaining);
      remaining -= available;
    }
  }
  throw new RangeError(`The calendar has no open hours within ${MAX_DAYS} days`);
}

/** Open time between two instants, in ms; zero when `to` is not after `from`. */
export function measureBusinessTime(cal: BusinessCalendar, from: Date, to: Date): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let total = 0;
  let date = nextDate(localDate(cal.zone, a), -1);
  const last = nextDate(localDate(cal.zone, b), 1);
  for (; date <= last; date = nextDate(date)) {
    for (const [start, end] of openIntervals(cal, date)) {
      const lo = Math.max(start, a);
      const hi = Math.min(end, b);
      if (hi > lo) total += hi - lo;
    }
  }
  return total;
}

/** Whether the instant lies in open hours (a shift's end counts as open: it is when work finishes). */
export function isOpenAt(cal: BusinessCalendar, at: Date): boolean {
  const t = at.getTime();
  const date = localDate(cal.zone, t);
  for (const d of [nextDate(date, -1), date, nextDate(date)]) {
    if (openIntervals(cal, d).some(([s, e]) => t > s && t <= e)) return true;
  }
  return false;
}

/**
 * Close of business on the n-th working day after the local day of `from` ("by the end of the
 * third business day following receipt", DISP 1.5).
 */
export function endOfBusinessDay(cal: BusinessCalendar, from: Date, n: number): Date {
  let date = localDate(cal.zone, from.getTime());
  let counted = 0;
  for (let i = 0; i < MAX_DAYS; i++) {
    date = nextDate(date);
    const intervals = openIntervals(cal, date);
    if (intervals.length > 0 && ++counted >= n) return new Date(intervals.at(-1)![1]);
  }
  throw new RangeError(`The calendar has no open hours within ${MAX_DAYS} days`);
}
