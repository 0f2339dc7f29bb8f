// Twilio's delivery callbacks applied to the message they concern. The state only moves
// forward (see channels/sms/status.ts), so duplicates and late arrivals change nothing.
import { DELIVERY_RANK, type StatusCallback } from '../../channels/sms/status';
import type { Db } from '../../db/client';
import { advanceDeliveryState, messageIdBySmsSid } from '../../db/store/sms';

export type DeliveryOutcome = 'updated' | 'unchanged' | 'unknown';

export function applyDeliveryStatus(db: Db, cb: Extract<StatusCallback, { ok: true }>): DeliveryOutcome {
  const { found, messageId } = messageIdBySmsSid(db, cb.messageSid);
  if (!found) return 'unknown';
  // Acknowledgements and help texts have no message row: their callbacks have nowhere to go.
  if (messageId === null || cb.state === null) return 'unchanged';
  // One statement: the forward-only guard is in its WHERE clause.
  return advanceDeliveryState(db, messageId, cb.state, DELIVERY_RANK[cb.state], cb.errorCode) ? 'updated' : 'unchanged';
}
