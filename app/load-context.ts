// What every loader and action receives from the server process (server/http.ts builds it).
// Routes reach the database and the outbox only through this.
import type { CountryCode } from 'libphonenumber-js';
import type { RateLimits } from './security/edges';
import type { RateLimiter } from './security/rate-limit';
import type { LiveBus } from './staff/live.server';
import type { TicketContext } from './tickets/context';

export interface RedressContext {
  tickets: TicketContext;
  publicUrl: string;
  defaultPhoneRegion: CountryCode;
  /** Tells the outbox dispatcher that rows were committed, so they go out at once. */
  kickOutbox(): void;
  rateLimiter: RateLimiter;
  /** The configured limits (RATE_LIMIT_*), for the edges a route checks itself (sign-in). */
  rateLimits: RateLimits;
  clientIp: string;
  requestId: string;
  now(): Date;
  /** Staff live updates: server-sent events and who is viewing which ticket. */
  live: LiveBus;
}

declare module '@remix-run/node' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RedressContext {}
}
declare module '@remix-run/server-runtime' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends RedressContext {}
}
