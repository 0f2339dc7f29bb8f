// The HTTP side of the process: health, static assets, then Remix for everything else, with a
import '../app/load-context';
// request id and one log line per request.
import { randomUUID } from 'node:crypto';
import { createRequestHandler } from '@remix-run/express';
import type { AppLoadContext, ServerBuild } from '@remix-run/node';
import express from 'express';
import type { CountryCode } from 'libphonenumber-js';
import type { RateLimiter } from '../app/security/rate-limit';
import { isStorageFailure } from '../db/client';
import type { LiveBus } from '../app/staff/live.server';
import type { TicketContext } from '../app/tickets/context';
import type { Logger } from './logger';

export interface HttpDeps {
  build: ServerBuild;
  clientDir: string;
  tickets: TicketContext;
  publicUrl: string;
  defaultPhoneRegion: string;
  rateLimiter: RateLimiter;
  log: Logger;
  kickOutbox(): void;
  isReady(): boolean;
  /** Counters shown under `details` on /healthz (quarantined email…). */
  healthDetails?: () => Record<string, unknown>;
  live: LiveBus;
  /** Extra routes mounted before Remix (webhooks that take the short path). */
  mount?: (app: express.Express) => void;
}

/** Tracking tokens are secrets: keep them out of the logs. */
export function redactPath(path: string): string {
  return path.replace(/\/track\/[^/?]+/, '/track/…');
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    const requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.on('finish', () => {
      deps.log.info(
        {
          requestId,
          method: req.method,
          path: redactPath(req.path),
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });

  app.get('/healthz', (req, res) => {
    // Cheap by default (load balancers poll it); counters only when asked for.
    if (deps.isReady()) res.json(deps.healthDetails && req.query.details === '1' ? { ok: true, details: deps.healthDetails() } : { ok: true });
    else res.status(503).json({ ok: false });
  });

  deps.mount?.(app);

  // A cross-site form post is refused here with a 403: Remix would otherwise abort it with a 500.
  app.use((req, res, next) => {
    const origin = req.get('origin');
    if (req.method === 'GET' || req.method === 'HEAD' || !origin || origin === 'null') return next();
    const host = req.get('x-forwarded-host') ?? req.get('host');
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost === host) return next();
    res.status(403).type('text/plain').send('Cross-site request refused');
  });

  app.use('/assets', express.static(`${deps.clientDir}/assets`, { immutable: true, maxAge: '1y' }));
  app.use(express.static(deps.clientDir, { maxAge: '1h' }));

  app.all(
    '*',
    createRequestHandler({
      build: deps.build,
      getLoadContext: (req, res): AppLoadContext => ({
        tickets: deps.tickets,
        publicUrl: deps.publicUrl,
        defaultPhoneRegion: deps.defaultPhoneRegion as CountryCode,
        kickOutbox: deps.kickOutbox,
        rateLimiter: deps.rateLimiter,
        clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        requestId: String(res.locals.requestId),
        now: () => new Date(),
        live: deps.live,
      }),
    }),
  );

  // Anything that escaped the routes' own error handling: a plain message, never a stack.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).type('text/plain').send(status === 413 ? 'Request too large' : 'Bad request');
      return;
    }
    if (isStorageFailure(error)) {
      // Nothing was stored: a 503 tells the client (and Twilio, which then tries its fallback URL) to try again.
      deps.log.error({ err: error }, 'storage unavailable');
      res.status(503).set('Retry-After', '60').type('text/plain').send('Temporarily unable to store this. Nothing was saved: please try again later.');
      return;
    }
    deps.log.error({ err: error }, 'unhandled error');
    res.status(500).type('text/plain').send('Something went wrong. Please try again.');
  });
  return app;
}
