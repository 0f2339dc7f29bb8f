// Wraps the Twilio sender with what only the database knows: a number that texted STOP gets
// nothing (checked again at send time, because rows queued before the STOP are still waiting),
// and the outcome of each send (segment count, a permanent failure and its reason) is kept
// with the message it carried.
import type { SmsSender } from '../../channels/sms/send';
import type { Sender, SendResult } from '../../channels/types';
import { countSegments } from '../../channels/sms/segments';
import { DELIVERY_RANK } from '../../channels/sms/status';
import { writeTransaction, type Db } from '../../db/client';
import { advanceDeliveryState, findPhoneContact, mergeMessageMeta, messageIdOfOutbox, setPhoneOptOut } from '../../db/store/sms';

export const OPTED_OUT_REASON = 'opted out: the client texted STOP; nothing is sent until they text START';

export function createGuardedSmsSender({ db, send, clock = () => new Date() }: { db: Db; send: SmsSender; clock?: () => Date }): Sender {
  return async (message) => {
    const segments = countSegments(message.body);
    let result: SendResult;
    let errorCode: number | undefined;
    if (findPhoneContact(db, message.recipient)?.optedOutAt) {
      result = { ok: false, permanent: true, error: OPTED_OUT_REASON };
    } else {
      const sent = await send(message);
      errorCode = sent.details.errorCode;
      const { details: _details, ...rest } = sent;
      result = rest;
    }
    writeTransaction(db, (tx) => {
      // Twilio says the number unsubscribed: remember it, as if the STOP had reached us.
      if (errorCode === 21610) {
        const contact = findPhoneContact(tx, message.recipient);
        if (contact && !contact.optedOutAt) setPhoneOptOut(tx, contact.id, clock());
      }
      const messageId = messageIdOfOutbox(tx, message.id);
      if (messageId === null) return;
      mergeMessageMeta(tx, messageId, { segments: segments.segments, encoding: segments.encoding });
      if (!result.ok && result.permanent) advanceDeliveryState(tx, messageId, 'failed', DELIVERY_RANK.failed, result.error);
    });
    return result;
  };
}
