// Turns a validated portal form into an InboundMessage for intake(), the one entry every
// channel uses. The web form is a channel like the others: it knows nothing of tables.
// Its posts arrive many at once and are answered asynchronously anyway, so they go through
// intakeGrouped(): concurrent posts share one commit, each answered once its ticket is committed.
import type { InboundAttachment, InboundMessage } from '../../channels/types';
import type { Language } from '../../db/constants';
import { intakeGrouped, type IntakeResult, type TicketFields } from '../tickets/intake.server';
import type { TicketContext } from '../tickets/context';
import { issueTrackingToken } from '../tickets/tracking.server';
import type { ComplaintSubmission } from './complaint-form';
import type { FeedbackSubmission } from './feedback-form';
import type { FollowUpSubmission } from './follow-up-form';

export interface Submitted {
  reference: string;
  /** A token that opens the ticket: the new ticket's, or a fresh one for a replayed post. */
  token: string;
  created: boolean;
  duplicate: boolean;
}

async function toAttachments(files: File[]): Promise<InboundAttachment[]> {
  return Promise.all(
    files.map(async (f) => ({ filename: f.name, declaredType: f.type || undefined, content: new Uint8Array(await f.arrayBuffer()) })),
  );
}

function webMessage(input: {
  submissionId: string;
  sender: InboundMessage['sender'];
  text: string;
  attachments: InboundAttachment[];
  language: Language;
  threadHints?: InboundMessage['threadHints'];
  now: Date;
}): InboundMessage {
  return {
    channel: 'web',
    sender: input.sender,
    text: input.text,
    attachments: input.attachments,
    // The form's per-render id: a double click, a refresh or a replay carries the same one.
    providerMessageId: `web:${input.submissionId}`,
    threadHints: input.threadHints ?? [],
    receivedAt: input.now,
    language: input.language,
  };
}

/**
 * A replayed post changes nothing and sends nothing; the client still gets a working link,
 * so a fresh token is issued for the ticket the first post opened. The submission id is a
 * 128-bit secret only the submitting browser held, so this opens nothing to anyone else.
 */
function withToken(ctx: TicketContext, result: IntakeResult, now: Date): Submitted {
  const token = result.trackingToken ?? issueTrackingToken(ctx, { ticketId: result.ticketId, now });
  return { reference: result.reference, token, created: result.created, duplicate: result.duplicate };
}

export async function submitComplaint(
  ctx: TicketContext,
  form: ComplaintSubmission,
  { language, now }: { language: Language; now: Date },
): Promise<Submitted> {
  const message = webMessage({
    submissionId: form.submissionId,
    sender: { name: form.name.trim(), email: form.email, phone: form.phone },
    text: form.description,
    attachments: await toAttachments(form.attachments),
    language,
    now,
  });
  const fields: TicketFields = {
    kind: 'complaint',
    product: form.product,
    cause: form.cause,
    occurredOn: form.occurredOn,
    amountMinor: form.amount ?? null,
    currency: form.amount != null ? 'CNY' : null,
    outcomeWanted: form.outcome,
    customerNumber: form.customerNumber?.trim() ?? null,
    consentToContact: form.consent,
  };
  return withToken(ctx, await intakeGrouped(ctx, message, fields, now), now);
}

export async function submitFeedback(
  ctx: TicketContext,
  form: FeedbackSubmission,
  { language, now }: { language: Language; now: Date },
): Promise<Submitted> {
  const message = webMessage({
    submissionId: form.submissionId,
    sender: { name: form.name?.trim(), email: form.email, phone: form.phone },
    text: form.text,
    attachments: [],
    language,
    now,
  });
  const fields: TicketFields = {
    kind: 'feedback',
    feedbackType: form.feedbackType,
    consentToContact: Boolean(form.email || form.phone),
  };
  return withToken(ctx, await intakeGrouped(ctx, message, fields, now), now);
}

/** A follow-up joins the ticket its token opens; possession of the link is the authorization. */
export async function submitFollowUp(
  ctx: TicketContext,
  form: FollowUpSubmission,
  { token, language, now }: { token: string; language: Language; now: Date },
): Promise<Submitted> {
  const message = webMessage({
    submissionId: form.submissionId,
    sender: {},
    text: form.text,
    attachments: await toAttachments(form.attachments),
    language,
    threadHints: [{ kind: 'tracking-token', token }],
    now,
  });
  const result = await intakeGrouped(ctx, message, {}, now);
  // Joined or replayed: the client's own link still works. A case closed in the meantime
  // opened a new ticket instead, whose token is the one to show.
  return result.created ? withToken(ctx, result, now) : { reference: result.reference, token, created: false, duplicate: result.duplicate };
}
