// The shape of an escalation rule, a level and the notification templates, as zod schemas.
// Rules are data: a complaints manager writes them as JSON, this module is the one place that
// says what a valid rule is, and `describeIssues` turns a refusal into a reason a person can act on.
import { z } from 'zod';
import { CAUSES, CHANNELS, LANGUAGES, PRIORITIES, PRODUCTS, STAFF_ROLES, TICKET_KINDS, TICKET_STATUSES } from '../../db/constants';

export const RULE_TRIGGERS = [
  'ticket.created',
  'message.received',
  'status.changed',
  'ticket.reopened',
  'sla.warning',
  'sla.breached',
] as const;
export type RuleTrigger = (typeof RULE_TRIGGERS)[number];

export const CUSTOMER_RISK_LEVELS = ['C1', 'C2', 'C3', 'C4', 'C5'] as const;
export const PRODUCT_RISK_LEVELS = ['R1', 'R2', 'R3', 'R4', 'R5'] as const;
export const TEMPLATE_NAMES = ['escalated', 'risk-alert', 'sla-warning', 'sla-breached'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];
export const NOTIFY_CHANNELS = ['email', 'sms'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes (e.g. "regulator-mention")');

// Comparisons. An enum field takes `is` or `in`; a number takes eq/gt/gte/lt/lte.
const oneOf = <T extends readonly [string, ...string[]]>(values: T) => {
  const v = z.enum(values);
  return { is: v.optional(), in: z.array(v).min(1).optional() };
};
const numeric = { eq: z.number().optional(), gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() };
const needsOne = (keys: string[]) => (o: Record<string, unknown>) => keys.filter((k) => o[k] !== undefined).length === 1;
const enumField = <F extends string, T extends readonly [string, ...string[]]>(field: F, values: T) =>
  z
    .object({ type: z.literal('field'), field: z.literal(field), ...oneOf(values) })
    .strict()
    .refine(needsOne(['is', 'in']), { message: `${field} needs exactly one of "is" or "in"` });
const numberField = <F extends string>(field: F) =>
  z
    .object({ type: z.literal('field'), field: z.literal(field), ...numeric })
    .strict()
    .refine(needsOne(['eq', 'gt', 'gte', 'lt', 'lte']), { message: `${field} needs exactly one of eq, gt, gte, lt, lte` });
const boolField = <F extends string>(field: F) =>
  z.object({ type: z.literal('field'), field: z.literal(field), is: z.boolean() }).strict();

const fieldCondition = z.discriminatedUnion(
  'field',
  [
    enumField('ticket.kind', TICKET_KINDS),
    enumField('ticket.channel', CHANNELS),
    enumField('ticket.product', PRODUCTS),
    enumField('ticket.cause', CAUSES),
    enumField('ticket.priority', PRIORITIES),
    enumField('ticket.status', TICKET_STATUSES),
    enumField('ticket.language', LANGUAGES),
    numberField('ticket.level'),
    z.object({ type: z.literal('field'), field: z.literal('ticket.flags'), has: z.string().min(1) }).strict(),
    enumField('customer.riskLevel', CUSTOMER_RISK_LEVELS),
    numberField('customer.age'),
    boolField('customer.vulnerable'),
    boolField('customer.holdsProduct'),
    z
      .object({ type: z.literal('field'), field: z.literal('customer.complaints'), days: z.number().int().min(1).max(3650), ...numeric })
      .strict()
      .refine(needsOne(['eq', 'gt', 'gte', 'lt', 'lte']), { message: 'customer.complaints needs exactly one of eq, gt, gte, lt, lte' }),
    z
      .object({ type: z.literal('field'), field: z.literal('sla.target'), is: z.string().min(1).optional(), in: z.array(z.string().min(1)).min(1).optional() })
      .strict()
      .refine(needsOne(['is', 'in']), { message: 'sla.target needs exactly one of "is" or "in"' }),
    z
      .object({
        type: z.literal('field'),
        field: z.literal('sla.offset'),
        is: z.union([z.string(), z.number()]).optional(),
        in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
        ...numeric,
      })
      .strict()
      .refine(needsOne(['is', 'in', 'eq', 'gt', 'gte', 'lt', 'lte']), { message: 'sla.offset needs exactly one comparison' }),
  ],
  {
    error: () =>
      'unknown field: use one of ticket.kind, ticket.channel, ticket.product, ticket.cause, ticket.priority, ticket.status, ticket.language, ticket.level, ticket.flags, customer.riskLevel, customer.age, customer.vulnerable, customer.holdsProduct, customer.complaints, sla.target, sla.offset',
  },
);
export type FieldCondition = z.infer<typeof fieldCondition>;

export type Condition =
  | { type: 'all'; all: Condition[] }
  | { type: 'any'; any: Condition[] }
  | { type: 'not'; not: Condition }
  | { type: 'phrases'; phrases: string | string[] }
  | FieldCondition;

const CONDITION_KEYS = ['all', 'any', 'not', 'phrases', 'field'] as const;

/** Adds the `type` tag that the discriminated unions switch on, from the one key the author wrote. */
function tagBy(keys: readonly string[]) {
  return (value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value) && !('type' in value)) {
      const key = keys.find((k) => k in value);
      if (key) return { ...value, type: key };
    }
    return value;
  };
}

export const conditionSchema: z.ZodType<Condition, unknown> = z.lazy(() =>
  z.preprocess(
    tagBy(CONDITION_KEYS),
    z.discriminatedUnion(
      'type',
      [
        z.object({ type: z.literal('all'), all: z.array(conditionSchema).min(1, '"all" needs at least one condition') }).strict(),
        z.object({ type: z.literal('any'), any: z.array(conditionSchema).min(1, '"any" needs at least one condition') }).strict(),
        z.object({ type: z.literal('not'), not: conditionSchema }).strict(),
        z.object({ type: z.literal('phrases'), phrases: z.union([slug, z.array(slug).min(1)]) }).strict(),
        fieldCondition,
      ],
      { error: () => 'a condition is an object with one of "all", "any", "not", "phrases" or "field"' },
    ),
  ),
) as z.ZodType<Condition, unknown>;

export type Recipient =
  | { type: 'role'; role: (typeof STAFF_ROLES)[number] }
  | { type: 'team'; team: string }
  | { type: 'person'; person: string }
  | { type: 'level'; level: number }
  | { type: 'assignee'; assignee: true }
  | { type: 'teamLead'; teamLead: true };

const RECIPIENT_KEYS = ['role', 'team', 'person', 'level', 'assignee', 'teamLead'] as const;
export const recipientSchema: z.ZodType<Recipient, unknown> = z.preprocess(
  tagBy(RECIPIENT_KEYS),
  z.discriminatedUnion(
    'type',
    [
      z.object({ type: z.literal('role'), role: z.enum(STAFF_ROLES) }).strict(),
      z.object({ type: z.literal('team'), team: z.string().trim().min(1) }).strict(),
      z.object({ type: z.literal('person'), person: z.email('must be a staff member’s email address') }).strict(),
      z.object({ type: z.literal('level'), level: z.number().int().min(0).max(3) }).strict(),
      z.object({ type: z.literal('assignee'), assignee: z.literal(true) }).strict(),
      z.object({ type: z.literal('teamLead'), teamLead: z.literal(true) }).strict(),
    ],
    { error: () => 'a recipient is one of {"role"}, {"team"}, {"person"}, {"level"}, {"assignee": true} or {"teamLead": true}' },
  ),
) as z.ZodType<Recipient, unknown>;

const via = z.array(z.enum(NOTIFY_CHANNELS)).min(1).default(['email']);
const localized = z.union([z.string().trim().min(1).max(2000), z.object({ zh: z.string().trim().min(1).max(2000), en: z.string().trim().min(1).max(2000) }).strict()]);

export const actionSchema = z.discriminatedUnion(
  'do',
  [
    z
      .object({ do: z.literal('priority'), set: z.enum(PRIORITIES).optional(), atLeast: z.enum(PRIORITIES).optional() })
      .strict()
      .refine(needsOne(['set', 'atLeast']), { message: 'priority needs exactly one of "set" or "atLeast"' }),
    /** Without a name, one flag per matched phrase list, named after the list. */
    z.object({ do: z.literal('flag'), flag: slug.optional() }).strict(),
    z
      .object({ do: z.literal('assign'), team: z.string().trim().min(1).optional(), person: z.email().optional(), roundRobin: z.boolean().default(false) })
      .strict()
      .refine(needsOne(['team', 'person']), { message: 'assign needs exactly one of "team" or "person"' })
      .refine((a) => !a.roundRobin || a.team !== undefined, { message: 'roundRobin needs a "team"' }),
    z
      .object({
        do: z.literal('escalate'),
        level: z.number().int().min(1, 'escalation never goes down to 0').max(3).optional(),
        up: z.literal(1).optional(),
        notify: z.array(z.enum(NOTIFY_CHANNELS)).default(['email']),
        template: z.enum(TEMPLATE_NAMES).default('escalated'),
      })
      .strict()
      .refine(needsOne(['level', 'up']), { message: 'escalate needs exactly one of "level" or "up": 1' }),
    z.object({ do: z.literal('notify'), to: recipientSchema, fallback: recipientSchema.optional(), via, template: z.enum(TEMPLATE_NAMES) }).strict(),
    z.object({ do: z.literal('note'), text: localized }).strict(),
  ],
  { error: () => 'an action needs "do": one of priority, flag, assign, escalate, notify, note' },
);
export type RuleAction = z.infer<typeof actionSchema>;

export const ruleSchema = z
  .object({
    key: slug,
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).optional(),
    /** Rules run in ascending order, so a later rule sees the flags and level an earlier one set. */
    order: z.number().int().min(0).max(100_000).default(100),
    enabled: z.boolean().default(true),
    triggers: z
      .array(z.enum(RULE_TRIGGERS))
      .min(1, 'a rule needs at least one trigger')
      .refine((t) => new Set(t).size === t.length, 'a trigger is listed twice'),
    when: conditionSchema.optional(),
    actions: z.array(actionSchema).min(1, 'a rule needs at least one action'),
  })
  .strict();
export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const levelSchema = z
  .object({
    name: z.object({ zh: z.string().trim().min(1), en: z.string().trim().min(1) }).strict(),
    /** Staff holding these roles are the level's recipients… */
    roles: z.array(z.enum(STAFF_ROLES)).default([]),
    /** …only those of the ticket's team when `ticket`, when the ticket has one. */
    team: z.enum(['ticket', 'any']).default('any'),
    /** Named people (staff emails), notified in addition. */
    people: z.array(z.email()).default([]),
  })
  .strict();
export type Level = z.infer<typeof levelSchema>;

/** One line per problem: "actions.0.set: Invalid option…", for the CLI and the admin page. */
export function describeIssues(error: z.ZodError): string[] {
  const lines: string[] = [];
  const walk = (issues: z.core.$ZodIssue[], prefix: (string | number | symbol)[]) => {
    for (const issue of issues) {
      const path = [...prefix, ...issue.path].filter((p) => p !== 'type');
      if (issue.code === 'invalid_union' && issue.errors.length > 0) {
        // Report the alternative that got furthest: the one with the fewest problems.
        const best = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
        walk(best, path);
        continue;
      }
      lines.push(`${path.length > 0 ? path.map(String).join('.') : '(rule)'}: ${issue.message}`);
    }
  };
  walk(error.issues, []);
  return lines;
}
