import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessDaysBetween,
  endOfBusinessDay,
  isOpenAt,
  localDateTime,
  measureBusinessTime,
  parseCalendar,
  type CalendarDefinition,
} from './calendar';
import { PRESET_CALENDARS } from './presets';

const CN = parseCalendar(PRESET_CALENDARS.CN);
const UK = parseCalendar(PRESET_CALENDARS.UK);
const US = parseCalendar(PRESET_CALENDARS.US);
const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => new Date(iso);

describe('business calendar', () => {
  it('counts business days taken as working days after the day of receipt, holidays and 调休 included', () => {
    // Received Friday 6 March 2026 in Shanghai; Thursday the 12th is the 4th working day after it.
    expect(businessDaysBetween(CN, at('2026-03-06T10:00:00+08:00'), at('2026-03-12T15:00:00+08:00'))).toBe(4);
    expect(businessDaysBetween(CN, at('2026-03-06T10:00:00+08:00'), at('2026-03-06T16:00:00+08:00'))).toBe(0);
    // Received Friday 13 February: Saturday the 14th is a 调休 workday, the 15th–23rd Spring Festival.
    expect(businessDaysBetween(CN, at('2026-02-13T10:00:00+08:00'), at('2026-02-24T10:00:00+08:00'))).toBe(2);
    // Midnight in Shanghai is still the day before in UTC: the local date decides.
    expect(businessDaysBetween(CN, at('2026-03-09T00:30:00+08:00'), at('2026-03-10T00:30:00+08:00'))).toBe(1);
  });

  it('skips the lunch break of a split shift', () => {
    // Monday 2 March 2026, 11:00 in Shanghai: one hour before lunch, one after.
    expect(addBusinessTime(CN, at('2026-03-02T11:00:00+08:00'), 2 * H)).toEqual(at('2026-03-02T14:00:00+08:00'));
    expect(measureBusinessTime(CN, at('2026-03-02T11:30:00+08:00'), at('2026-03-02T13:30:00+08:00'))).toBe(H);
  });

  it('carries over the weekend, and starts counting at opening time', () => {
    expect(addBusinessTime(CN, at('2026-03-06T17:00:00+08:00'), H)).toEqual(at('2026-03-09T09:30:00+08:00'));
    expect(addBusinessTime(CN, at('2026-03-07T22:00:00+08:00'), 30 * M)).toEqual(at('2026-03-09T09:30:00+08:00'));
  });

  it('works China’s adjusted Saturday (调休) and skips the Spring Festival week', () => {
    // Friday 13 February → Saturday 14 February is a working day.
    expect(addBusinessTime(CN, at('2026-02-13T17:00:00+08:00'), H)).toEqual(at('2026-02-14T09:30:00+08:00'));
    // From Saturday 14 February's close, the next open hour is Tuesday 24 February (15–23 off).
    expect(addBusinessTime(CN, at('2026-02-14T17:00:00+08:00'), H)).toEqual(at('2026-02-24T09:30:00+08:00'));
    expect(measureBusinessTime(CN, at('2026-02-14T17:30:00+08:00'), at('2026-02-24T09:00:00+08:00'))).toBe(0);
  });

  it('opens only the listed hours on a part-day holiday', () => {
    const def: CalendarDefinition = {
      zone: 'Europe/London',
      week: [[], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], []],
      holidays: [{ date: '2026-12-24', name: 'Christmas Eve', open: [['09:00', '12:00']] }, { date: '2026-12-25', name: 'Christmas Day' }],
      workdays: [],
    };
    const cal = parseCalendar(def);
    // Thursday 24 December: 3 hours, then nothing until Monday 28 December.
    expect(measureBusinessTime(cal, at('2026-12-24T00:00:00Z'), at('2026-12-25T00:00:00Z'))).toBe(3 * H);
    expect(addBusinessTime(cal, at('2026-12-24T11:00:00Z'), 2 * H)).toEqual(at('2026-12-28T10:00:00Z'));
  });

  it('keeps 09:00 local across the spring and autumn clock changes in London', () => {
    // Friday 27 March 2026 is GMT; Monday 30 March is BST (09:00 BST = 08:00Z).
    expect(addBusinessTime(UK, at('2026-03-27T17:00:00Z'), H)).toEqual(at('2026-03-30T08:30:00Z'));
    expect(measureBusinessTime(UK, at('2026-03-27T00:00:00Z'), at('2026-03-31T00:00:00Z'))).toBe(2 * 8.5 * H);
    // Friday 23 October is BST, Monday 26 October is GMT again.
    expect(addBusinessTime(UK, at('2026-10-23T16:00:00Z'), H)).toEqual(at('2026-10-26T09:30:00Z'));
  });

  it('keeps 09:00 local across the clock changes in New York', () => {
    // Friday 6 March 2026, 16:00 EST (21:00Z) + 2h → Monday 9 March 10:00 EDT (14:00Z).
    expect(addBusinessTime(US, at('2026-03-06T21:00:00Z'), 2 * H)).toEqual(at('2026-03-09T14:00:00Z'));
    // Friday 30 October 16:00 EDT (20:00Z) + 2h → Monday 2 November 10:00 EST (15:00Z).
    expect(addBusinessTime(US, at('2026-10-30T20:00:00Z'), 2 * H)).toEqual(at('2026-11-02T15:00:00Z'));
  });

  it('crosses the year end and its bank holidays', () => {
    // Thursday 24 December 17:00 GMT; 25 and 28 December are bank holidays.
    expect(addBusinessTime(UK, at('2026-12-24T17:00:00Z'), H)).toEqual(at('2026-12-29T09:30:00Z'));
    // The CN calendar lists 2026 only, so 1 January 2027 (a Friday) counts as a working day.
    expect(addBusinessTime(CN, at('2026-12-31T17:00:00+08:00'), H)).toEqual(at('2027-01-01T09:30:00+08:00'));
  });

  it('finds the close of the n-th business day after the day of receipt (DISP 1.5)', () => {
    // Received Thursday 2 April 2026; Good Friday and Easter Monday are holidays.
    expect(endOfBusinessDay(UK, at('2026-04-02T10:00:00+01:00'), 3)).toEqual(at('2026-04-09T17:30:00+01:00'));
    // Received on a Saturday: Monday is the first business day following.
    expect(endOfBusinessDay(UK, at('2026-03-07T10:00:00Z'), 1)).toEqual(at('2026-03-09T17:30:00Z'));
  });

  it('refuses a calendar with no opening hours or a bad zone', () => {
    expect(() => parseCalendar({ zone: 'Asia/Shanghai', week: [[], [], [], [], [], [], []] })).toThrow(/opening hours/);
    expect(() => parseCalendar({ zone: 'Mars/Olympus', week: PRESET_CALENDARS.CN!.week })).toThrow(/IANA/);
  });
});

describe('business calendar properties', () => {
  const calendars = fc.constantFrom(CN, UK, US);
  const instant = fc.integer({ min: Date.parse('2025-12-01T00:00:00Z'), max: Date.parse('2027-01-31T00:00:00Z') }).map((t) => new Date(t));
  const duration = fc.integer({ min: 1, max: 120 * 60 }).map((minutes) => minutes * M);

  it('never lands outside open hours', () => {
    fc.assert(fc.property(calendars, instant, duration, (cal, t, d) => isOpenAt(cal, addBusinessTime(cal, t, d))), { numRuns: 300 });
  });

  it('adding a then b equals adding a + b', () => {
    fc.assert(
      fc.property(calendars, instant, duration, duration, (cal, t, a, b) => {
        expect(addBusinessTime(cal, addBusinessTime(cal, t, a), b)).toEqual(addBusinessTime(cal, t, a + b));
      }),
      { numRuns: 300 },
    );
  });

  it('measuring after adding gives back the duration', () => {
    fc.assert(
      fc.property(calendars, instant, duration, (cal, t, d) => {
        expect(measureBusinessTime(cal, t, addBusinessTime(cal, t, d))).toBe(d);
      }),
      { numRuns: 300 },
    );
  });
});

describe('local date and time', () => {
  it('writes an instant as the zone’s wall clock, across a clock change', () => {
    expect(localDateTime('Europe/London', Date.parse('2026-03-29T00:59:00Z'))).toBe('2026-03-29 00:59');
    expect(localDateTime('Europe/London', Date.parse('2026-03-29T01:00:00Z'))).toBe('2026-03-29 02:00');
    expect(localDateTime('Asia/Shanghai', Date.parse('2026-12-31T16:30:00Z'))).toBe('2027-01-01 00:30');
  });
});
