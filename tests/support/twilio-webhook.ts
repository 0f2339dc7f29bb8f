// Posts webhooks to the server signed exactly as Twilio signs them: HMAC-SHA1 with the auth
// token over PUBLIC_URL + path + query and the sorted form fields.
import twilio from 'twilio';
import { sidOf } from './fake-twilio';

export interface SignedPost {
  baseUrl: string;
  publicUrl: string;
  authToken: string;
  /** Path and query, e.g. /webhooks/twilio/sms?source=main. */
  path: string;
  params: Record<string, string>;
  /** Replace the signature (forgery), or change the body after signing (tampering). */
  signature?: string | null;
  tamper?: (params: Record<string, string>) => Record<string, string>;
  /** Sign for this path instead of the one posted to. */
  signedPath?: string;
}

export async function postSigned(p: SignedPost): Promise<Response> {
  const signature =
    p.signature === undefined ? twilio.getExpectedTwilioSignature(p.authToken, `${p.publicUrl}${p.signedPath ?? p.path}`, p.params) : p.signature;
  const body = new URLSearchParams(p.tamper ? p.tamper(p.params) : p.params).toString();
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return fetch(`${p.baseUrl}${p.path}`, { method: 'POST', headers, body });
}

/** The form Twilio posts for an incoming text, with the fields it usually adds. */
export function smsForm(
  accountSid: string,
  input: { from: string; body: string; to?: string; sid?: string; media?: { url: string; type: string }[] },
): Record<string, string> {
  const media = input.media ?? [];
  const form: Record<string, string> = {
    ToCountry: 'GB',
    ToState: '',
    SmsMessageSid: input.sid ?? sidOf(media.length > 0 ? 'MM' : 'SM'),
    NumMedia: String(media.length),
    ToCity: '',
    FromZip: '',
    SmsSid: '',
    FromState: '',
    SmsStatus: 'received',
    FromCity: '',
    Body: input.body,
    FromCountry: 'CN',
    To: input.to ?? '+447700900000',
    ToZip: '',
    NumSegments: '1',
    MessageSid: '',
    AccountSid: accountSid,
    From: input.from,
    ApiVersion: '2010-04-01',
  };
  form.MessageSid = form.SmsMessageSid!;
  form.SmsSid = form.SmsMessageSid!;
  media.forEach((m, i) => {
    form[`MediaUrl${i}`] = m.url;
    form[`MediaContentType${i}`] = m.type;
  });
  return form;
}
