// Turns the domain's typed errors into answers a person can act on (4xx with a message);
// anything else is a real fault and goes on to the error boundary.
import { data } from '@remix-run/node';
import { Forbidden, Invalid, NotFound, TooLarge } from '../tickets/errors';

export function isDomainError(error: unknown): error is Invalid | NotFound | Forbidden | TooLarge {
  return error instanceof Invalid || error instanceof NotFound || error instanceof Forbidden || error instanceof TooLarge;
}

export function domainError(error: unknown) {
  if (error instanceof NotFound) throw new Response('Not found', { status: 404 });
  if (isDomainError(error)) {
    return data(
      { ok: false as const, error: error.message, fieldErrors: error instanceof Invalid ? error.fieldErrors : {} },
      { status: error.status },
    );
  }
  throw error;
}
