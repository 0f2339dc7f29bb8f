// The JSON API's shapes, as zod schemas: every query and body is parsed with these, and
// /api/v1/openapi.json is generated from the same schemas, so the description cannot drift
// from what the server accepts and returns.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import {
  CAUSES,
  CHANNELS,
  FEEDBACK_TYPES,
  LANGUAGES,
  PRIORITIES,
  PRODUCTS,
  STAFF_ROLES,
  TICKET_KINDS,
  TICKET_STATUSES,
} from '../../db/constants';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;
export const MAX_DESCRIPTION = 10_000;

/** `status=new,open` or `status=new&status=open`: a list of known codes. */
const codeList = <T extends readonly [string, ...string[]]>(codes: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(codes)).max(codes.length * 2));

export const listQuerySchema = z
  .object({
    status: codeList(TICKET_STATUSES).optional(),
    channel: codeList(CHANNELS).optional(),
    kind: codeList(TICKET_KINDS).optional(),
    priority: codeList(PRIORITIES).optional(),
    product: codeList(PRODUCTS).optional(),
    cause: codeList(CAUSES).optional(),
    q: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
    cursor: z.string().max(200).optional(),
  })
  .strict();

const text = (max: number) => z.string().trim().min(1).max(max);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-03-01')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date');
/** A decimal amount such as "1234.56" (or a JSON number), stored in minor units. */
const amount = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a positive amount with at most two decimals'))
  .transform((s) => {
    const [whole, frac = ''] = s.split('.');
    return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  });

/** The client's mobile number, normalized to E.164 (numbers without +country use the configured region). */
export const phoneSchema = (region: CountryCode) =>
  z
    .string()
    .trim()
    .max(40)
    .transform((v, ctx) => {
      const n = parsePhoneNumberFromString(v, region);
      if (!n || !n.isValid()) {
        ctx.addIssue({ code: 'custom', message: 'is not a valid phone number' });
        return z.NEVER;
      }
      return n.number as string;
    });

/**
 * POST /api/v1/tickets: the web form's fields, for systems that open tickets on a client's
 * behalf (a call centre, a branch system, a web front end of their own).
 */
export const createTicketSchema = (region: CountryCode) =>
  z
    .object({
      kind: z.enum(TICKET_KINDS).default('complaint'),
      feedbackType: z.enum(FEEDBACK_TYPES).optional(),
      channel: z.enum(['web', 'phone', 'branch']),
      name: text(200).optional(),
      email: z.string().trim().toLowerCase().pipe(z.email('is not an email address').max(254)).optional(),
      phone: phoneSchema(region).optional(),
      customerNumber: text(64).optional(),
      product: z.enum(PRODUCTS).optional(),
      cause: z.enum(CAUSES).optional(),
      occurredOn: isoDate.optional(),
      amount: amount.optional(),
      currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY').default('CNY'),
      subject: text(200).optional(),
      description: z.string().max(MAX_DESCRIPTION).refine((s) => s.trim().length > 0, 'must not be empty'),
      outcomeWanted: text(2000).optional(),
      consentToContact: z.boolean().default(false),
      priority: z.enum(PRIORITIES).default('normal'),
      language: z.enum(LANGUAGES).optional(),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (!v.email && !v.phone) ctx.addIssue({ code: 'custom', path: ['email'], message: 'give an email address or a mobile number' });
      if (v.kind === 'complaint') {
        if (!v.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'a complaint needs the client’s name' });
        if (!v.product) ctx.addIssue({ code: 'custom', path: ['product'], message: 'a complaint needs a product' });
        if (!v.cause) ctx.addIssue({ code: 'custom', path: ['cause'], message: 'a complaint needs a cause' });
      }
      if (v.kind === 'feedback' && !v.feedbackType) {
        ctx.addIssue({ code: 'custom', path: ['feedbackType'], message: 'feedback is a suggestion or a compliment' });
      }
      if (v.occurredOn && v.occurredOn > new Date().toISOString().slice(0, 10)) {
        ctx.addIssue({ code: 'custom', path: ['occurredOn'], message: 'must not be in the future' });
      }
    });
export type CreateTicketBody = z.infer<ReturnType<typeof createTicketSchema>>;

const flagCode = z.string().regex(/^[a-z][a-z0-9_.-]{0,39}$/, 'must be a lower-case code such as fraud_risk');

export const patchTicketSchema = z
  .object({
    status: z.enum(TICKET_STATUSES).optional(),
    statusReason: text(500).optional(),
    priority: z.enum(PRIORITIES).optional(),
    assigneeId: z.number().int().positive().nullable().optional(),
    flags: z
      .object({
        add: z.array(z.object({ flag: flagCode, detail: text(500).optional() }).strict()).max(20).optional(),
        remove: z.array(flagCode).max(20).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== 'statusReason'), 'nothing to change: give status, priority, assigneeId or flags');

export const replySchema = z
  .object({
    text: z.string().max(MAX_DESCRIPTION).refine((s) => s.trim().length > 0, 'must not be empty'),
    /** Defaults to the channel the client used. */
    channel: z.enum(['email', 'sms']).optional(),
  })
  .strict();

export const noteSchema = z
  .object({ text: z.string().max(MAX_DESCRIPTION).refine((s) => s.trim().length > 0, 'must not be empty') })
  .strict();

// ---- responses -------------------------------------------------------------------------

const isoTime = z.iso.datetime();
const staffRef = z.object({ id: z.number().int(), name: z.string(), email: z.string() });
const flag = z.object({ flag: z.string(), detail: z.string().nullable(), createdAt: isoTime });

export const ticketSummarySchema = z.object({
  reference: z.string(),
  kind: z.enum(TICKET_KINDS),
  feedbackType: z.enum(FEEDBACK_TYPES).nullable(),
  channel: z.enum(CHANNELS),
  status: z.enum(TICKET_STATUSES),
  priority: z.enum(PRIORITIES),
  product: z.enum(PRODUCTS).nullable(),
  cause: z.enum(CAUSES).nullable(),
  subject: z.string(),
  language: z.enum(LANGUAGES),
  level: z.number().int(),
  customer: z.object({ id: z.number().int(), name: z.string().nullable() }),
  assignee: staffRef.nullable(),
  teamId: z.number().int().nullable(),
  flags: z.array(flag),
  occurredOn: z.string().nullable(),
  amount: z.object({ minor: z.number().int(), currency: z.string() }).nullable(),
  outcomeWanted: z.string().nullable(),
  consentToContact: z.boolean(),
  createdAt: isoTime,
  updatedAt: isoTime,
  lastMessageAt: isoTime,
  resolvedAt: isoTime.nullable(),
  closedAt: isoTime.nullable(),
});

export const ticketListSchema = z.object({ tickets: z.array(ticketSummarySchema), nextCursor: z.string().nullable() });

export const ticketDetailSchema = z.object({
  ticket: ticketSummarySchema,
  customer: z.object({
    id: z.number().int(),
    name: z.string().nullable(),
    customerNumber: z.string().nullable(),
    contacts: z.array(
      z.object({ kind: z.enum(['email', 'phone']), value: z.string(), optedOut: z.boolean(), undeliverable: z.boolean() }),
    ),
  }),
  messages: z.array(
    z.object({
      id: z.number().int(),
      direction: z.enum(['in', 'out', 'note']),
      channel: z.enum(CHANNELS),
      authorType: z.string(),
      authorStaffId: z.number().int().nullable(),
      senderAddress: z.string().nullable(),
      senderName: z.string().nullable(),
      subject: z.string().nullable(),
      text: z.string(),
      deliveryStatus: z.string().nullable(),
      createdAt: isoTime,
      attachments: z.array(
        z.object({
          id: z.number().int(),
          filename: z.string(),
          contentType: z.string(),
          size: z.number().int().nullable(),
          sha256: z.string().nullable(),
          state: z.enum(['stored', 'pending', 'failed']),
          error: z.string().nullable(),
        }),
      ),
    }),
  ),
  events: z.array(
    z.object({
      id: z.number().int(),
      type: z.string(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      data: z.record(z.string(), z.unknown()),
      public: z.boolean(),
      at: isoTime,
    }),
  ),
  /** One entry per SLA target (acknowledge, first response, resolution) of the ticket's policy. */
  sla: z.array(
    z.object({
      target: z.string(),
      policy: z.string(),
      dueAt: isoTime,
      state: z.enum(['running', 'paused', 'met', 'breached']),
      remainingMs: z.number().int().nullable(),
      warnings: z.array(z.object({ offset: z.string(), at: isoTime, fired: z.boolean() })),
      pausedSince: isoTime.nullable(),
      pauseReason: z.string().nullable(),
      metAt: isoTime.nullable(),
      breachedAt: isoTime.nullable(),
      extensionStep: z.number().int(),
    }),
  ),
  /** The customer's risk profile and holdings (customers:import); empty fields when never imported. */
  customerProfile: z
    .object({
      customerId: z.number().int(),
      customerNumber: z.string().nullable(),
      riskLevel: z.string().nullable(),
      assessedOn: z.string().nullable(),
      assessmentCurrent: z.boolean(),
      birthDate: z.string().nullable(),
      ageBand: z.string().nullable(),
      age: z.number().int().nullable(),
      vulnerable: z.boolean(),
      holdings: z.array(
        z.object({
          productCode: z.string(),
          name: z.string(),
          type: z.string(),
          riskLevel: z.string(),
          purchasedOn: z.string().nullable(),
          salesChannel: z.string().nullable(),
          aboveRiskLevel: z.boolean(),
        }),
      ),
    })
    .nullable(),
});

export const createdTicketSchema = z.object({
  ticket: ticketSummarySchema,
  /** The client's private tracking link; shown only in this response. */
  trackingUrl: z.string().nullable(),
  /** True when the Idempotency-Key was seen before and no new ticket was opened. */
  replayed: z.boolean(),
});

export const replyResultSchema = z.object({
  messageId: z.number().int(),
  channel: z.enum(['email', 'sms', 'web']),
  /** Queued in the outbox; the dispatcher sends it after the commit. */
  queued: z.boolean(),
  /** True when the Idempotency-Key was seen before: this is the first answer again, nothing was sent twice. */
  replayed: z.boolean(),
});

export const noteResultSchema = z.object({ messageId: z.number().int(), replayed: z.boolean() });

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())).optional(),
  }),
});

export const tokenRoleSchema = z.enum(STAFF_ROLES);
