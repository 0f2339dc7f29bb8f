// The HTTP side of the process: health and metrics, rate limits at the public edges, static
// assets, then Remix for everything else, with a request id and one log line per request.
import '../app/load-context';
import { randomUUID } from 'node:crypto';
import { createRequestHandler } from '@remix-run/express';
import type { AppLoadContext, ServerBuild } from '@remix-run/node';
import express from 'express';
import type { CountryCode } from 'libphonenumber-js';
import { languageFromAcceptLanguage, LANG_COOKIE, parseCookie } from '../app/i18n/locale.server';
import { edgeOf, type RateLimits } from '../app/security/edges';
import { limitedPage } from '../app/security/limited-page';
import { retryAfterSeconds, strictest, type RateLimiter } from '../app/security/rate-limit';
import { isStorageFailure } from '../db/client';
import type { LiveBus } from '../app/staff/live.server';
import type { TicketContext } from '../app/tickets/context';
import type { Logger } from './logger';
import { operatorAccess, refuseOperator, remixRouteIds, type Metrics } from './metrics';

export interface HttpDeps {
  build: ServerBuild;
  clientDir: string;
  tickets: TicketContext;
  publicUrl: string;
  defaultPhoneRegion: string;
  rateLimiter: RateLimiter;
  rateLimits: RateLimits;
  log: Logger;
  kickOutbox(): void;
  isReady(): boolean;
  /** What /healthz?details=1 shows (database, outbox, sweep, SMTP, IMAP, quarantine). */
  healthDetails?: () => { ok: boolean; details: Record<string, unknown> };
  metrics?: Metrics;
  /** Bearer secret for /metrics and /healthz?details=1; unset = loopback clients only. */
  metricsToken?: string;
  live: LiveBus;
  /** Extra routes mounted before Remix (webhooks that take the short path). */
  mount?: (app: express.Express) => void;
}

function clientIp(req: express.Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Tracking tokens are secrets: keep them out of the logs. */
export function redactPath(path: string): string {
  return path.replace(/\/track\/[^/?]+/, '/track/…');
}

/**
 * The route label of each path, remembered: every request is labelled for the metrics, and
 * matching a path against the route tree (@remix-run/router flattens and ranks the whole tree on
 * each call) cost about 0.3 ms per complaint post in a profile of the server under load.
 * Keyed by the redacted path (a tracking token matches its route as any segment does), so no
 * token is kept and every tracking page shares one entry; bounded, as paths are whatever
 * clients send: past the bound it starts over.
 */
function remembered(routeOf: (path: string) => string | undefined, max = 1000): (path: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (path) => {
    const key = redactPath(path);
    if (known.has(key)) return known.get(key);
    if (known.size >= max) known.clear();
    const route = routeOf(key);
    known.set(key, route);
    return route;
  };
}

export function createHttpApp(deps: HttpDeps): express.Express {
  const app = express();
  const remixRouteOf = remembered(remixRouteIds(deps.build));
  // Bounded labels for metrics: a fixed pattern set below, else the Remix route's id, else the
  // express route (webhooks), else "static" or "unmatched". Never the path itself.
  const routeLabel = (req: express.Request, res: express.Response): string =>
    (res.locals.route as string | undefined) ??
    (typeof req.route?.path === 'string' ? req.route.path : undefined) ??
    (req.path.startsWith('/assets/') ? 'static' : 'unmatched');
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
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      deps.metrics?.observeRequest(routeLabel(req, res), req.method, res.statusCode, ms / 1000);
      deps.log.info(
        {
          requestId,
          method: req.method,
          path: redactPath(req.path),
          status: res.statusCode,
          ms,
        },
        'request'
      );
    });
    next();
  });

  app.get('/healthz', (req, res) => {
    res.locals.route = '/healthz';
    // Cheap by default (load balancers poll it). The details read the database and show the
    // backlog, so they are for operators only (METRICS_TOKEN, or loopback when unset).
    if (!deps.isReady()) {
      res.status(503).json({ ok: false });
      return;
    }
    if (req.query.details !== '1' || !deps.healthDetails) {
      res.json({ ok: true });
      return;
    }
    if (refuseOperator(res, operatorAccess(req, deps.metricsToken))) return;
    const report = deps.healthDetails();
    res
      .status(report.ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json(report);
  });

  app.get('/metrics', (req, res, next) => {
    res.locals.route = '/metrics';
    if (!deps.metrics || refuseOperator(res, operatorAccess(req, deps.metricsToken))) {
      if (!res.headersSent) res.status(404).type('text/plain').send('Not found');
      return;
    }
    deps.metrics.registry.metrics().then((text) => {
      res.set('Content-Type', deps.metrics!.registry.contentType).set('Cache-Control', 'no-store').send(text);
    }, next);
  });

  deps.mount?.(app);

  // Rate limits at the public edges, decided on the method and path before any body is read.
  // Webhooks were mounted above and never get here: Twilio and mail servers must not meet a 429.
  app.use((req, res, next) => {
    const hit = edgeOf(deps.rateLimits, {
      method: req.method,
      path: req.path,
      ip: clientIp(req),
      authorization: req.get('authorization'),
    });
    if (!hit) return next();
    const now = new Date();
    const verdict = strictest(...hit.keys.map(({ key, rule }) => deps.rateLimiter.hit(key, rule, now)));
    if (verdict.ok) return next();
    const seconds = retryAfterSeconds(verdict);
    res.locals.route = remixRouteOf(req.path) ?? 'unmatched';
    res.status(429).set('Retry-After', String(seconds)).set('Cache-Control', 'no-store');
    if (hit.edge === 'api') {
      // The API's own problem format (app/api/respond.server.ts).
      res.json({
        error: {
          code: 'rate_limited',
          message: `Too many requests. Retry after ${seconds} seconds.`,
        },
      });
      return;
    }
    const chosen = parseCookie(req.get('cookie') ?? null, LANG_COOKIE);
    const lang = chosen === 'zh' || chosen === 'en' ? chosen : languageFromAcceptLanguage(req.get('accept-language') ?? null);
    // The unread body of a refused post: close the connection rather than drain it.
    if (req.method !== 'GET' && req.method !== 'HEAD') res.set('Connection', 'close');
    res.type('html').send(limitedPage(lang, seconds));
  });

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

  app.use(
    '/assets',
    express.static(`${deps.clientDir}/assets`, {
      immutable: true,
      maxAge: '1y',
    })
  );
  app.use(express.static(deps.clientDir, { maxAge: '1h' }));

  const remix = createRequestHandler({
    build: deps.build,
    getLoadContext: (req, res): AppLoadContext => ({
      tickets: deps.tickets,
      publicUrl: deps.publicUrl,
      defaultPhoneRegion: deps.defaultPhoneRegion as CountryCode,
      kickOutbox: deps.kickOutbox,
      rateLimiter: deps.rateLimiter,
      rateLimits: deps.rateLimits,
      clientIp: clientIp(req),
      requestId: String(res.locals.requestId),
      now: () => new Date(),
      live: deps.live,
    }),
  });
  app.all('*', (req, res, next) => {
    res.locals.route ??= remixRouteOf(req.path) ?? 'unmatched';
    return remix(req, res, next);
  });

  // Anything that escaped the routes' own error handling: a plain message, never a stack.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res
        .status(status)
        .type('text/plain')
        .send(status === 413 ? 'Request too large' : 'Bad request');
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
