// The SMS channel wired into the process: the two Twilio webhooks (mounted on express ahead of
// Remix: a webhook renders no page, so it takes the shortest path), the outbound sender (only
// when credentials and a sender are configured; until then SMS rows wait in the outbox) and
// the MMS media worker.
import express from 'express';
import { createMediaDownloader } from '../channels/sms/media';
import { parseForm } from '../channels/sms/form';
import { translateSmsWebhook } from '../channels/sms/inbound';
import { createSmsSender } from '../channels/sms/send';
import { isValidTwilioSignature } from '../channels/sms/signature';
import { translateStatusCallback } from '../channels/sms/status';
import type { Sender } from '../channels/types';
import { applyDeliveryStatus } from '../app/sms/delivery.server';
import { createMediaWorker, type MediaWorker } from '../app/sms/media.server';
import { createGuardedSmsSender } from '../app/sms/outbound.server';
import { receiveSms } from '../app/sms/receive.server';
import type { TicketContext } from '../app/tickets/context';
import { ALLOWED_TYPES, MAX_ATTACHMENT_BYTES } from '../app/tickets/attachment-type';
import type { Config } from './env';
import { maskAddress, type Logger } from './logger';

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

export interface SmsChannel {
  /** Set when TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM are. */
  sender?: Sender;
  mount(app: express.Express): void;
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

export interface SmsChannelDeps {
  config: Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_FROM' | 'TWILIO_API_URL' | 'publicUrl'>;
  tickets: TicketContext;
  log: Logger;
  kickOutbox(): void;
}

export function createSmsChannel({ config, tickets, log, kickOutbox }: SmsChannelDeps): SmsChannel {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_FROM: from, TWILIO_API_URL: apiUrl } = config;
  const db = tickets.db;

  const sender =
    accountSid && authToken && from
      ? createGuardedSmsSender({ db, send: createSmsSender({ accountSid, authToken, from, apiUrl, publicUrl: config.publicUrl }) })
      : undefined;

  const media: MediaWorker | undefined =
    accountSid && authToken
      ? createMediaWorker({
          db,
          attachmentDir: tickets.attachmentDir,
          download: createMediaDownloader({ accountSid, authToken, apiUrl, maxBytes: MAX_ATTACHMENT_BYTES, allowedTypes: ALLOWED_TYPES }),
          onResult: (m, outcome, error) => log.info({ attachmentId: m.id, outcome, error }, 'mms media'),
        })
      : undefined;

  // Twilio's payloads are a few kilobytes; the raw bytes are needed for the signature.
  const rawBody = express.raw({ type: () => true, limit: '256kb' });

  /** Verifies the signature and hands back the parsed form, or answers 403 and returns nothing. */
  function verified(req: express.Request, res: express.Response) {
    if (!authToken) {
      res.status(403).type('text/plain').send('SMS is not configured on this server (TWILIO_AUTH_TOKEN is unset).');
      return undefined;
    }
    const params = parseForm(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    const ok = isValidTwilioSignature({
      authToken,
      publicUrl: config.publicUrl,
      pathAndQuery: req.originalUrl,
      params,
      signature: req.get('x-twilio-signature'),
    });
    if (!ok) {
      log.warn({ path: req.path }, 'twilio webhook with a missing or wrong signature');
      res.status(403).type('text/plain').send('Invalid Twilio signature.');
      return undefined;
    }
    return params;
  }

  function mount(app: express.Express): void {
    app.post('/webhooks/twilio/sms', rawBody, (req, res) => {
      const params = verified(req, res);
      if (!params) return;
      const now = new Date();
      const translated = translateSmsWebhook(params, now);
      if (!translated.ok) {
        res.status(400).type('text/plain').send(`Not a Twilio message: ${translated.error}`);
        return;
      }
      const receipt = receiveSms(tickets, translated, now);
      log.info(
        {
          from: maskAddress(translated.message.sender.phone ?? translated.message.sender.other ?? ''),
          kind: receipt.kind,
          keyword: receipt.keyword,
          duplicate: receipt.duplicate,
          ticketId: receipt.ticketId,
        },
        'sms received',
      );
      // Every reply goes through the outbox; the TwiML answer itself says nothing.
      res.status(200).type('text/xml').send(EMPTY_TWIML);
      // Without a sender the rows wait for one; waking the dispatcher would only cost a claim.
      if (receipt.queued && sender) kickOutbox();
      if (receipt.pendingMedia) media?.kick();
    });

    app.post('/webhooks/twilio/status', rawBody, (req, res) => {
      const params = verified(req, res);
      if (!params) return;
      const cb = translateStatusCallback(params);
      if (!cb.ok) {
        res.status(400).type('text/plain').send(`Not a Twilio status callback: ${cb.error}`);
        return;
      }
      const outcome = applyDeliveryStatus(db, cb);
      if (outcome === 'unknown') log.warn({ sid: cb.messageSid, status: cb.twilioStatus }, 'status callback for an unknown message');
      res.status(204).end();
    });
  }

  return {
    sender,
    mount,
    start(intervalMs) {
      media?.start(intervalMs);
    },
    async stop() {
      await media?.stop();
    },
  };
}
