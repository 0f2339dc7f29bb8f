// The SLA engine's vocabulary, shared by the schema, the domain, the API and the browser. No
// drizzle import here, so UI code can use it.

/** The three targets a policy can set, in the order a ticket meets them. */
export const SLA_TARGETS = ['acknowledge', 'first_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** running → paused ⇄ running → met | breached (a breached timer can still be met, late). */
export const SLA_STATES = ['running', 'paused', 'met', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const SLA_CLOCKS = ['calendar', 'business'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

/** Why a timer is paused: the ticket waits for the client, or for an external appraisal (CN-NFRA). */
export const SLA_PAUSE_REASONS = ['pending', 'appraisal'] as const;
export type SlaPauseReason = (typeof SLA_PAUSE_REASONS)[number];

/** The list filter of the API: `sla=breached|warning|paused`. */
export const SLA_FILTERS = ['breached', 'warning', 'paused'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];
