// The calendars and policies Redress ships with, each with the rule it follows written beside
// it. Seeded idempotently at start-up (app/sla/seed.server.ts): an existing row is never
// overwritten, so an administrator's edits survive upgrades. Holidays must be added each year
// when the authorities publish them (the State Council every November for China).
import type { CalendarDefinition } from './calendar';
import type { PolicyDefinition } from './policy';

const WEEKDAYS = (shifts: Array<[string, string]>): Array<Array<[string, string]>> => [[], shifts, shifts, shifts, shifts, shifts, []];

export const PRESET_CALENDARS: Record<string, CalendarDefinition> = {
  // Mainland China banking hours with the lunch break, and the 2026 public holidays and
  // adjusted working days (调休) from the State Council General Office's
  // notice on the 2026 holiday arrangements.
  CN: {
    zone: 'Asia/Shanghai',
    week: WEEKDAYS([
      ['09:00', '12:00'],
      ['13:00', '17:30'],
    ]),
    holidays: [
      ...['2026-01-01', '2026-01-02', '2026-01-03'].map((date) => ({ date, name: '元旦' })),
      ...['15', '16', '17', '18', '19', '20', '21', '22', '23'].map((d) => ({ date: `2026-02-${d}`, name: '春节' })),
      ...['2026-04-04', '2026-04-05', '2026-04-06'].map((date) => ({ date, name: '清明节' })),
      ...['01', '02', '03', '04', '05'].map((d) => ({ date: `2026-05-${d}`, name: '劳动节' })),
      ...['2026-06-19', '2026-06-20', '2026-06-21'].map((date) => ({ date, name: '端午节' })),
      ...['2026-09-25', '2026-09-26', '2026-09-27'].map((date) => ({ date, name: '中秋节' })),
      ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2026-10-${d}`, name: '国庆节' })),
    ],
    workdays: [
      { date: '2026-01-04', name: '元旦调休上班' },
      { date: '2026-02-14', name: '春节调休上班' },
      { date: '2026-02-28', name: '春节调休上班' },
      { date: '2026-05-09', name: '劳动节调休上班' },
      { date: '2026-09-20', name: '国庆节调休上班' },
      { date: '2026-10-10', name: '国庆节调休上班' },
    ],
  },
  // England and Wales bank holidays 2026 (gov.uk/bank-holidays); Boxing Day falls on a
  // Saturday, so the substitute day is Monday 28 December.
  UK: {
    zone: 'Europe/London',
    week: WEEKDAYS([['09:00', '17:30']]),
    holidays: [
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-04-03', name: 'Good Friday' },
      { date: '2026-04-06', name: 'Easter Monday' },
      { date: '2026-05-04', name: 'Early May bank holiday' },
      { date: '2026-05-25', name: 'Spring bank holiday' },
      { date: '2026-08-31', name: 'Summer bank holiday' },
      { date: '2026-12-25', name: 'Christmas Day' },
      { date: '2026-12-28', name: 'Boxing Day (substitute day)' },
    ],
    workdays: [],
  },
  // US federal holidays 2026 (OPM); Independence Day falls on a Saturday, observed Friday 3 July.
  US: {
    zone: 'America/New_York',
    week: WEEKDAYS([['09:00', '17:00']]),
    holidays: [
      { date: '2026-01-01', name: "New Year's Day" },
      { date: '2026-01-19', name: 'Martin Luther King Jr. Day' },
      { date: '2026-02-16', name: "Washington's Birthday" },
      { date: '2026-05-25', name: 'Memorial Day' },
      { date: '2026-06-19', name: 'Juneteenth' },
      { date: '2026-07-03', name: 'Independence Day (observed)' },
      { date: '2026-09-07', name: 'Labor Day' },
      { date: '2026-10-12', name: 'Columbus Day' },
      { date: '2026-11-11', name: 'Veterans Day' },
      { date: '2026-11-26', name: 'Thanksgiving Day' },
      { date: '2026-12-25', name: 'Christmas Day' },
    ],
    workdays: [],
  },
};

export interface PresetPolicy {
  key: string;
  name: string;
  regulation: string;
  position: number;
  enabled: boolean;
  definition: PolicyDefinition;
}

const anyStaff = ['agent', 'supervisor', 'compliance', 'admin'] as const;
const seniors = ['supervisor', 'compliance', 'admin'] as const;

export const PRESET_POLICIES: PresetPolicy[] = [
  {
    key: 'cn-nfra',
    name: 'CN-NFRA',
    regulation:
      '银行业保险业消费投诉处理管理办法 (CBIRC Order 2020 No. 3, now under the NFRA): decide within 15 days of accepting a complaint; ' +
      'complex cases may be extended to 30 days, and further by up to 30 days with senior approval, each time telling the ' +
      'client why; time spent on external appraisal, testing or assessment does not count. Internal ' +
      'target: contact the client within 1 business day.',
    position: 10,
    enabled: true,
    definition: {
      conditions: { kinds: ['complaint'] },
      calendar: 'CN',
      targets: [
        { target: 'first_response', duration: { amount: 1, unit: 'business_days' }, warnings: [{ percent: 50 }] },
        {
          target: 'resolution',
          duration: { amount: 15, unit: 'days' },
          warnings: [{ percent: 50 }, { percent: 80 }, { before: { amount: 1, unit: 'days' } }],
        },
      ],
      pauseStatuses: ['pending'],
      appraisalPause: true,
      extensionSteps: [
        {
          step: 1,
          name: '复杂投诉延长至30日 (complex case, 30 days)',
          target: 'resolution',
          extendTo: { amount: 30, unit: 'days' },
          recordedBy: [...anyStaff],
          approvedBy: [...seniors],
        },
        {
          step: 2,
          name: '经上级批准再延长30日 (senior approval, a further 30 days)',
          target: 'resolution',
          extendTo: { amount: 60, unit: 'days' },
          recordedBy: [...seniors],
          approvedBy: ['compliance', 'admin'],
        },
      ],
    },
  },
  {
    key: 'uk-psd2',
    name: 'UK-PSD2',
    regulation:
      'Payment Services Regulations 2017 reg. 101 and FCA DISP 1.6.2A: final response within 15 business days; in ' +
      'exceptional circumstances a holding reply by day 15 and the final response by day 35. Deadlines run while the ' +
      'institution waits for the client, so no status pauses them.',
    position: 20,
    enabled: false,
    definition: {
      conditions: { kinds: ['complaint'], products: ['payments', 'cards'] },
      calendar: 'UK',
      targets: [
        { target: 'acknowledge', duration: { amount: 1, unit: 'business_days' }, warnings: [] },
        {
          target: 'resolution',
          duration: { amount: 15, unit: 'business_days' },
          warnings: [{ percent: 50 }, { before: { amount: 16, unit: 'business_hours' } }],
        },
      ],
      pauseStatuses: [],
      appraisalPause: false,
      extensionSteps: [
        {
          step: 1,
          name: 'Holding reply sent: exceptional circumstances (35 business days)',
          target: 'resolution',
          extendTo: { amount: 35, unit: 'business_days' },
          recordedBy: [...anyStaff],
          approvedBy: [...seniors],
        },
      ],
    },
  },
  {
    key: 'uk-fca',
    name: 'UK-FCA',
    regulation:
      'FCA Handbook DISP 1.6: acknowledge promptly (internal: 1 business day); a summary resolution communication by the ' +
      'end of the third business day after receipt (DISP 1.5); a final response within 8 weeks, warned at weeks 4, 6 and 7. ' +
      'The 8 weeks run while the institution waits for the client, so no status pauses them.',
    position: 30,
    enabled: false,
    definition: {
      conditions: { kinds: ['complaint'] },
      calendar: 'UK',
      targets: [
        { target: 'acknowledge', duration: { amount: 1, unit: 'business_days' }, warnings: [] },
        { target: 'first_response', duration: { amount: 3, unit: 'business_days' }, warnings: [{ percent: 50 }] },
        {
          target: 'resolution',
          duration: { amount: 8, unit: 'weeks' },
          warnings: [
            { before: { amount: 4, unit: 'weeks' } },
            { before: { amount: 2, unit: 'weeks' } },
            { before: { amount: 1, unit: 'weeks' } },
          ],
        },
      ],
      pauseStatuses: [],
      appraisalPause: false,
      extensionSteps: [],
    },
  },
  {
    key: 'us-cfpb',
    name: 'US-CFPB',
    regulation:
      'CFPB company portal: respond within 15 calendar days; a company that cannot close the complaint then responds ' +
      '"in progress" and gives its final response within 60 calendar days.',
    position: 40,
    enabled: false,
    definition: {
      conditions: { kinds: ['complaint'] },
      calendar: 'US',
      targets: [
        { target: 'first_response', duration: { amount: 15, unit: 'days' }, warnings: [{ percent: 50 }, { before: { amount: 2, unit: 'days' } }] },
        { target: 'resolution', duration: { amount: 60, unit: 'days' }, warnings: [{ percent: 50 }, { before: { amount: 7, unit: 'days' } }] },
      ],
      pauseStatuses: [],
      appraisalPause: false,
      extensionSteps: [],
    },
  },
  {
    key: 'service-standard',
    name: 'Service standard',
    regulation:
      'Internal service standard for feedback and enquiries: acknowledge within 1 business hour, first response within ' +
      '1 business day, resolution within 5 business days; the clock stops while we wait for the client.',
    position: 100,
    enabled: true,
    definition: {
      conditions: { kinds: ['feedback', 'enquiry'] },
      calendar: 'CN',
      targets: [
        { target: 'acknowledge', duration: { amount: 1, unit: 'business_hours' }, warnings: [{ percent: 75 }] },
        { target: 'first_response', duration: { amount: 1, unit: 'business_days' }, warnings: [{ percent: 50 }] },
        { target: 'resolution', duration: { amount: 5, unit: 'business_days' }, warnings: [{ percent: 60 }, { percent: 80 }] },
      ],
      pauseStatuses: ['pending'],
      appraisalPause: false,
      extensionSteps: [],
    },
  },
];
