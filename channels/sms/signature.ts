// Twilio signs each webhook with the account's auth token over the URL it called plus the
// sorted form fields. The URL is rebuilt from PUBLIC_URL and the path and query exactly as
// received, never from the Host header: Redress usually sits behind a proxy that rewrites it.
import twilio from 'twilio';
import type { FormParams } from './form';

export interface SignatureCheck {
  authToken: string;
  publicUrl: string;
  /** The request's path and query string exactly as received (express: req.originalUrl). */
  pathAndQuery: string;
  params: FormParams;
  signature: string | undefined;
}

export function webhookUrl(publicUrl: string, pathAndQuery: string): string {
  return `${publicUrl.replace(/\/$/, '')}${pathAndQuery}`;
}

export function isValidTwilioSignature(c: SignatureCheck): boolean {
  if (!c.signature) return false;
  return twilio.validateRequest(c.authToken, c.signature, webhookUrl(c.publicUrl, c.pathAndQuery), c.params);
}
