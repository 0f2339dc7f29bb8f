// SLA policies as data: what a policy row's JSON holds (parsed with zod where it is read), and
// which policy applies to a ticket. The first enabled policy, in explicit order, whose
// conditions all hold wins; there is no alphabetical accident.
import { z } from 'zod';
import {
  CAUSES,
  CHANNELS,
  PRIORITIES,
  PRODUCTS,
  STAFF_ROLES,
  TICKET_KINDS,
  TICKET_STATUSES,
  type Cause,
  type Channel,
  type Priority,
  type Product,
  type TicketKind,
} from '../../db/constants';
import { SLA_TARGETS } from '../../db/sla-constants';

export const CALENDAR_UNITS = ['minutes', 'hours', 'days', 'weeks'] as const;
export const BUSINESS_UNITS = ['business_minutes', 'business_hours', 'business_days'] as const;

export const durationSchema = z.object({
  amount: z.number().positive(),
  unit: z.enum([...CALENDAR_UNITS, ...BUSINESS_UNITS]),
});
export type Duration = z.infer<typeof durationSchema>;

/** A warning fires at a share of the target, or a fixed time before the due time (same clock as the target). */
export const warningSchema = z.union([
  z.object({ percent: z.number().gt(0).lt(100) }),
  z.object({ before: durationSchema.refine((d) => d.unit !== 'business_days', 'use business_hours before a due time') }),
]);
export type Warning = z.infer<typeof warningSchema>;

export const targetSchema = z.object({
  target: z.enum(SLA_TARGETS),
  duration: durationSchema,
  warnings: z.array(warningSchema).default([]),
});
export type TargetDefinition = z.infer<typeof targetSchema>;

export const extensionStepSchema = z.object({
  step: z.number().int().positive(),
  name: z.string(),
  /** Which target it extends, and its new length counted from the start. */
  target: z.enum(SLA_TARGETS).default('resolution'),
  extendTo: durationSchema,
  /** Who may record it, and whose approval it needs. */
  recordedBy: z.array(z.enum(STAFF_ROLES)).min(1),
  approvedBy: z.array(z.enum(STAFF_ROLES)).min(1),
});
export type ExtensionStep = z.infer<typeof extensionStepSchema>;

export const policyDefinitionSchema = z.object({
  /** Every listed condition must hold; an empty list or a missing one matches anything. */
  conditions: z
    .object({
      kinds: z.array(z.enum(TICKET_KINDS)).optional(),
      channels: z.array(z.enum(CHANNELS)).optional(),
      priorities: z.array(z.enum(PRIORITIES)).optional(),
      products: z.array(z.enum(PRODUCTS)).optional(),
      causes: z.array(z.enum(CAUSES)).optional(),
      /** At least one of these flags is on the ticket. */
      flags: z.array(z.string()).optional(),
    })
    .default({}),
  /** The business calendar that business units run on; calendar units ignore it. */
  calendar: z.string(),
  targets: z.array(targetSchema).min(1),
  pauseStatuses: z.array(z.enum(TICKET_STATUSES)).default(['pending']),
  /** Whether staff may pause the resolution clock for an external appraisal, test or assessment (CN-NFRA). */
  appraisalPause: z.boolean().default(false),
  extensionSteps: z.array(extensionStepSchema).default([]),
});
export type PolicyDefinition = z.infer<typeof policyDefinitionSchema>;

export interface TicketFacts {
  kind: TicketKind;
  channel: Channel;
  priority: Priority;
  product: Product | null;
  cause: Cause | null;
  flags: string[];
}

export function policyMatches(def: PolicyDefinition, t: TicketFacts): boolean {
  const c = def.conditions;
  const holds = <T>(list: readonly T[] | undefined, value: T | null) => !list || list.length === 0 || (value !== null && list.includes(value));
  return (
    holds(c.kinds, t.kind) &&
    holds(c.channels, t.channel) &&
    holds(c.priorities, t.priority) &&
    holds(c.products, t.product) &&
    holds(c.causes, t.cause) &&
    (!c.flags || c.flags.length === 0 || c.flags.some((f) => t.flags.includes(f)))
  );
}

/** The first candidate (already in policy order) whose conditions hold. */
export function choosePolicy<P extends { definition: PolicyDefinition }>(ordered: P[], t: TicketFacts): P | undefined {
  return ordered.find((p) => policyMatches(p.definition, t));
}

export function isBusinessUnit(unit: Duration['unit']): boolean {
  return (BUSINESS_UNITS as readonly string[]).includes(unit);
}

export function describeDuration(d: Duration): string {
  return `${d.amount} ${d.unit.replace('_', ' ')}`;
}
