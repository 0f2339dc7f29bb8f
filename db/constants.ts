// The ticket model's vocabulary: stable codes shared by the schema, the domain, the API and
// the browser. No drizzle import here, so UI code can use it.

export const CHANNELS = ['web', 'sms', 'email', 'phone', 'branch'] as const;
export type Channel = (typeof CHANNELS)[number];

export const TICKET_KINDS = ['complaint', 'feedback', 'enquiry'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

/** Feedback comes in two flavours; both are tickets of kind `feedback`. */
export const FEEDBACK_TYPES = ['suggestion', 'compliment'] as const;
export type FeedbackType = (typeof FEEDBACK_TYPES)[number];

export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending'];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRODUCTS = [
  'deposits',
  'wealth',
  'funds',
  'insurance',
  'loans',
  'cards',
  'payments',
  'securities',
  'other',
] as const;
export type Product = (typeof PRODUCTS)[number];

export const CAUSES = [
  'mis_selling',
  'unsuitable',
  'service',
  'fees',
  'fraud',
  'transaction_error',
  'contract_claims',
  'privacy',
  'debt_collection',
  'other',
] as const;
export type Cause = (typeof CAUSES)[number];

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const MESSAGE_DIRECTIONS = ['in', 'out', 'note'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const ACTOR_TYPES = ['client', 'staff', 'system', 'rule', 'api'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const CONTACT_KINDS = ['email', 'phone'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const OUTBOX_CHANNELS = ['email', 'sms'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

export const OUTBOX_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const ATTACHMENT_STATES = ['stored', 'pending', 'failed'] as const;
export type AttachmentState = (typeof ATTACHMENT_STATES)[number];

export const STAFF_ROLES = ['agent', 'supervisor', 'compliance', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const ESCALATION_LEVELS = [0, 1, 2, 3] as const;

/** Reference prefixes: complaints CMP-2026-000123, feedback FBK-2026-000045, enquiries ENQ-…. */
export const REFERENCE_PREFIX: Record<TicketKind, string> = {
  complaint: 'CMP',
  feedback: 'FBK',
  enquiry: 'ENQ',
};
export const REFERENCE_PATTERN = /\b(CMP|FBK|ENQ)-(\d{4})-(\d{6,})\b/;
