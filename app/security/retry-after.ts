// A document POST takes its headers from the route's `headers` export, not from the action's
// data() call: routes that can answer 429 export this so Retry-After reaches the client.
import type { HeadersFunction } from '@remix-run/node';

export const retryAfterHeaders: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After');
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers();
};
