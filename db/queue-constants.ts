// The staff queue's vocabulary: views, sorts, SLA states and the count cap. No drizzle
// import, so the browser bundle can use it.
export const QUEUE_VIEWS = ['mine', 'unassigned', 'due4h', 'breached', 'escalated', 'flagged', 'pending', 'open', 'resolved'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
export const QUEUE_SORTS = ['due', 'priority', 'created', 'updated'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];
/** What the SLA engine writes to tickets.sla_state. */
export const SLA_STATES = ['ok', 'warning', 'breached', 'paused'] as const;
/** Views count at most this many rows, so a count never walks a million index entries. */
export const COUNT_CAP = 1000;
