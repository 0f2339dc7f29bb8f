// The shipped rule set and levels, exactly as issue 6 lists them (plus a flag-only rule so the
// mis-selling and group-complaint lists show on tickets too). Seeded once; edited in the database.
import type { Level, RuleInput } from './rule-schema';

const onMessages = ['ticket.created', 'message.received'] as RuleInput['triggers'];

export const DEFAULT_RULES: RuleInput[] = [
  {
    key: 'self-harm',
    name: 'Self-harm → urgent, level 3, immediate notice',
    order: 10,
    triggers: onMessages,
    when: { phrases: 'self-harm' },
    actions: [
      { do: 'flag' },
      { do: 'priority', set: 'urgent' },
      { do: 'escalate', level: 3, notify: ['email', 'sms'], template: 'risk-alert' },
      {
        do: 'note',
        text: {
          en: 'Possible self-harm risk ({matched}). Contact the client at once and follow the vulnerable-client procedure.',
          zh: '可能存在自伤风险（{matched}）。请立即联系客户，并按照特殊客户处理流程操作。',
        },
      },
    ],
  },
  {
    key: 'fraud',
    name: 'Fraud → urgent, level 2',
    order: 20,
    triggers: onMessages,
    when: { phrases: 'fraud' },
    actions: [{ do: 'flag' }, { do: 'priority', set: 'urgent' }, { do: 'escalate', level: 2 }],
  },
  {
    key: 'regulator-litigation-media',
    name: 'Regulator, litigation or media → high, level 2',
    order: 30,
    triggers: onMessages,
    when: { phrases: ['regulator', 'litigation', 'media'] },
    actions: [{ do: 'flag' }, { do: 'priority', atLeast: 'high' }, { do: 'escalate', level: 2 }],
  },
  {
    key: 'risk-phrases',
    name: 'Mis-selling or group complaint → flag',
    order: 40,
    triggers: onMessages,
    when: { phrases: ['mis-selling', 'group-complaint'] },
    actions: [{ do: 'flag' }],
  },
  {
    key: 'suitability-mismatch',
    name: 'Suitability mismatch → level 3 (compliance)',
    order: 50,
    triggers: onMessages,
    when: { field: 'ticket.flags', has: 'suitability-mismatch' },
    actions: [{ do: 'escalate', level: 3 }],
  },
  {
    key: 'vulnerable',
    name: 'Vulnerable → at least high',
    order: 60,
    triggers: onMessages,
    when: {
      any: [
        { phrases: 'vulnerability' },
        { field: 'ticket.flags', has: 'vulnerable' },
        { field: 'customer.vulnerable', is: true },
      ],
    },
    actions: [{ do: 'flag', flag: 'vulnerable' }, { do: 'priority', atLeast: 'high' }],
  },
  {
    key: 'sla-warning',
    name: 'SLA warning → notify the assignee, or the team lead when unassigned',
    order: 70,
    triggers: ['sla.warning'],
    actions: [{ do: 'notify', to: { assignee: true }, fallback: { teamLead: true }, template: 'sla-warning' }],
  },
  // These two rules are the only way SLA warnings and breaches reach people (the sweep itself
  // notifies nobody). The breach also tells the assignee, or the team lead when unassigned, so
  // someone who can act hears of it even when the ticket is already at level 3; a person who is
  // both in the raised level and the assignee or lead gets one notice (same template, deduped).
  {
    key: 'sla-breach',
    name: 'SLA breach → one level up and notify that level, and the assignee or team lead',
    order: 80,
    triggers: ['sla.breached'],
    actions: [
      { do: 'escalate', up: 1, template: 'sla-breached' },
      { do: 'notify', to: { assignee: true }, fallback: { teamLead: true }, template: 'sla-breached' },
    ],
  },
];

export const DEFAULT_LEVELS: Record<'0' | '1' | '2' | '3', Level> = {
  '0': { name: { en: 'Front line', zh: '一线客服' }, roles: ['agent'], team: 'ticket', people: [] },
  '1': { name: { en: 'Team lead', zh: '团队主管' }, roles: ['supervisor'], team: 'ticket', people: [] },
  '2': { name: { en: 'Complaints manager', zh: '投诉管理负责人' }, roles: ['supervisor'], team: 'any', people: [] },
  '3': { name: { en: 'Compliance officer', zh: '合规官' }, roles: ['compliance'], team: 'any', people: [] },
};
