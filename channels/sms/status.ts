// Twilio's delivery status callback, parsed, and its statuses mapped onto Redress's delivery
// states. The order matters: a state only ever moves forward, so repeated and out-of-order
// callbacks cannot undo what is known.
import { z } from 'zod';
import type { FormParams } from './form';

export const DELIVERY_STATES = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** Higher is later. delivered, undelivered and failed are all final: the first to arrive stays. */
export const DELIVERY_RANK: Record<DeliveryState, number> = {
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
};

const TWILIO_TO_DELIVERY: Record<string, DeliveryState> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  // A read receipt means it was delivered, and nothing later can mean less.
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

export const twilioStatusSchema = z.looseObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'must be a Twilio message id (SM… or MM…)'),
  MessageStatus: z.string().trim().toLowerCase().min(1, 'is required'),
  ErrorCode: z.string().trim().optional(),
});

export type StatusCallback =
  | { ok: true; messageSid: string; state: DeliveryState | null; twilioStatus: string; errorCode: string | null }
  | { ok: false; error: string };

export function translateStatusCallback(params: FormParams): StatusCallback {
  const parsed = twilioStatusSchema.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, error: `${issue.path.join('.')} ${issue.message}` };
  }
  const f = parsed.data;
  return {
    ok: true,
    messageSid: f.MessageSid,
    // Statuses Redress does not track (receiving, partially_delivered…) map to null and change nothing.
    state: TWILIO_TO_DELIVERY[f.MessageStatus] ?? null,
    twilioStatus: f.MessageStatus,
    errorCode: f.ErrorCode && f.ErrorCode !== '0' ? f.ErrorCode : null,
  };
}
