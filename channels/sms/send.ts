// Outbound SMS through Twilio's REST API (messages.create). TWILIO_API_URL points the client at
// another base URL (a regional proxy, or the tests' local fake) by rewriting each request URI.
// Provider errors come back as a SendResult, never as an exception: Twilio's 4xx answers are
// final (21610 the number texted STOP, 21211 not a valid number), 429, 5xx and network errors
// are worth another try.
import twilio from 'twilio';
import type TwilioRequestClient from 'twilio/lib/base/RequestClient';
import type { OutboundMessage, Sender, SendResult } from '../types';
import { countSegments, type SegmentCount } from './segments';

/** Twilio refuses longer bodies; refusing first keeps the reason readable. */
export const MAX_SMS_CHARS = 1600;

export interface SmsSenderOptions {
  accountSid: string;
  authToken: string;
  /** A sending number (E.164) or a messaging service id (MG…). */
  from: string;
  publicUrl: string;
  /** Base URL of the REST API; unset means Twilio's own. */
  apiUrl?: string;
  timeoutMs?: number;
}

export interface SmsSendDetails {
  segments: SegmentCount;
  /** Twilio's status for the new message (queued, accepted…), when it was created. */
  status?: string;
  /** Twilio's error code, when it refused. */
  errorCode?: number;
}

export type SmsSender = (message: OutboundMessage) => Promise<SendResult & { details: SmsSendDetails }>;

/** Rewrites https://api.twilio.com/… (or a regional host) onto the configured base URL. */
export function rewriteApiUri(uri: string, apiUrl: string): string {
  const from = new URL(uri);
  const base = new URL(apiUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  return `${base.origin}${prefix}${from.pathname}${from.search}`;
}

class RewritingRequestClient extends twilio.RequestClient {
  constructor(
    private readonly apiUrl: string,
    opts: ConstructorParameters<typeof twilio.RequestClient>[0],
  ) {
    super(opts);
  }

  override request<TData>(opts: TwilioRequestClient.RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rewriteApiUri(opts.uri, this.apiUrl) });
  }
}

export function statusCallbackUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/$/, '')}/webhooks/twilio/status`;
}

export function createSmsSender(opts: SmsSenderOptions): SmsSender {
  const timeout = opts.timeoutMs ?? 15_000;
  // Retries belong to the outbox (with its backoff and its record), not to the HTTP client.
  const httpClient = opts.apiUrl
    ? new RewritingRequestClient(opts.apiUrl, { timeout, autoRetry: false })
    : new twilio.RequestClient({ timeout, autoRetry: false });
  const client = twilio(opts.accountSid, opts.authToken, { httpClient, autoRetry: false });
  const sender = opts.from.startsWith('MG') ? { messagingServiceSid: opts.from } : { from: opts.from };
  const statusCallback = statusCallbackUrl(opts.publicUrl);

  return async (message) => {
    const segments = countSegments(message.body);
    const chars = [...message.body].length;
    if (chars > MAX_SMS_CHARS) {
      return {
        ok: false,
        permanent: true,
        error: `body too long: ${chars} characters, a text message holds at most ${MAX_SMS_CHARS}`,
        details: { segments },
      };
    }
    if (message.body.trim().length === 0) return { ok: false, permanent: true, error: 'empty body', details: { segments } };
    try {
      const created = await client.messages.create({ to: message.recipient, body: message.body, statusCallback, ...sender });
      return { ok: true, providerId: created.sid, details: { segments, status: created.status } };
    } catch (error) {
      return { ...classifyTwilioError(error), details: { segments, errorCode: (error as { code?: number }).code } };
    }
  };
}

export function classifyTwilioError(error: unknown): Extract<SendResult, { ok: false }> {
  const e = error as { status?: number; code?: number | string; message?: string };
  const status = typeof e.status === 'number' ? e.status : undefined;
  const reason = (e.message ?? String(error)).slice(0, 300);
  if (status === undefined) {
    // No HTTP answer at all: connection refused, reset, timeout.
    return { ok: false, permanent: false, error: `network: ${e.code ?? ''} ${reason}`.trim() };
  }
  const code = typeof e.code === 'number' ? e.code : undefined;
  const label = code === 21610 ? 'opted out' : code === 21211 ? 'invalid number' : `HTTP ${status}`;
  const text = `twilio ${code ?? status} (${label}): ${reason}`;
  if (status === 429 || status >= 500) return { ok: false, permanent: false, error: text };
  return { ok: false, permanent: status >= 400, error: text };
}
