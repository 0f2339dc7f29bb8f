// Operations figures for the one process: GET /metrics (Prometheus text, prom-client) and the
// details of /healthz. Counters are kept in memory as things happen; backlog figures (outbox,
// SLA sweep lag, quarantine) are read from the database at scrape time through partial indexes
// (db/store/operations.ts), so a scrape costs the backlog, never the history.
//
// Label values are bounded: a request is labelled by its Remix route id or a fixed pattern,
// never by its path (tracking tokens are secrets, and every token would be a new series).
import { timingSafeEqual } from 'node:crypto';
import { matchRoutes, type AgnosticRouteObject } from '@remix-run/router';
import type { ServerBuild } from '@remix-run/node';
import type express from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SweepResult } from '../app/sla/sweep.server';
import type { TicketHook } from '../app/tickets/context';
import type { Db } from '../db/client';
import { CHANNELS, OUTBOX_CHANNELS } from '../db/constants';
import { countOpenQuarantine } from '../db/store/email';
import { earliestTimerInstant, messageChannel, outboxBacklog, pingDatabase } from '../db/store/operations';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A function from a request path to the id of the Remix route that serves it ("routes/track.$token"). */
export function remixRouteIds(build: Pick<ServerBuild, 'routes'>): (path: string) => string | undefined {
  const all = Object.values(build.routes);
  const tree = (parentId: string | undefined): AgnosticRouteObject[] =>
    all
      .filter((r) => r.parentId === parentId)
      .map((r) =>
        r.index
          ? { id: r.id, index: true, path: r.path, caseSensitive: r.caseSensitive }
          : { id: r.id, path: r.path, caseSensitive: r.caseSensitive, children: tree(r.id) },
      );
  const routes = tree(undefined);
  return (path) => {
    const matches = matchRoutes(routes, path);
    return matches?.[matches.length - 1]?.route.id;
  };
}

export interface SweepState {
  lastRunAt: Date | null;
  lastError: string | null;
}

export interface Metrics {
  registry: Registry;
  /** Counts one answered HTTP request under a bounded route label. */
  observeRequest(route: string, method: string, status: number, seconds: number): void;
  /** The ticket hook that counts intakes by channel once their transaction has committed. */
  intakeHook(db: Db): TicketHook;
  recordSweep(result: SweepResult, at: Date): void;
  recordSweepError(error: unknown): void;
  sweepState(): SweepState;
}

export function createMetrics(opts: { db: Db; clock?: () => Date; defaultMetrics?: boolean }): Metrics {
  const clock = opts.clock ?? (() => new Date());
  const registry = new Registry();
  // Process figures (CPU, memory, event-loop lag, open handles): cheap, and what one looks at first.
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'redress_http_requests_total',
    help: 'HTTP requests answered, by route (Remix route id or fixed pattern), method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'redress_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route.',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const intakes = new Counter({
    name: 'redress_intakes_total',
    help: 'Inbound messages stored (new tickets and follow-ups), by channel; replays are not counted.',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  for (const channel of CHANNELS) intakes.inc({ channel }, 0);
  const slaWarnings = new Counter({ name: 'redress_sla_warnings_total', help: 'SLA warnings fired by the sweep.', registers: [registry] });
  const slaBreaches = new Counter({ name: 'redress_sla_breaches_total', help: 'SLA breaches fired by the sweep.', registers: [registry] });

  const db = opts.db;
  new Gauge({
    name: 'redress_outbox_depth',
    help: 'Outbox rows waiting to be sent (queued or being sent), by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const backlog = outboxBacklog(db);
      for (const channel of OUTBOX_CHANNELS) this.set({ channel }, backlog.find((b) => b.channel === channel)?.depth ?? 0);
    },
  });
  new Gauge({
    name: 'redress_outbox_oldest_age_seconds',
    help: 'Age of the oldest outbox row still waiting, by channel (0 when none waits).',
    labelNames: ['channel'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const now = clock().getTime();
      const backlog = outboxBacklog(db);
      for (const channel of OUTBOX_CHANNELS) {
        const oldest = backlog.find((b) => b.channel === channel)?.oldestAt;
        this.set({ channel }, oldest ? Math.max(0, (now - oldest.getTime()) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'redress_sla_sweep_lag_seconds',
    help: 'Now minus the earliest instant a running SLA timer was due to act (0 when none is overdue).',
    registers: [registry],
    collect() {
      this.set(sweepLagSeconds(db, clock()));
    },
  });
  const sweep: SweepState = { lastRunAt: null, lastError: null };
  new Gauge({
    name: 'redress_sla_sweep_last_run_timestamp_seconds',
    help: 'When the SLA sweep last finished (Unix seconds; 0 before the first).',
    registers: [registry],
    collect() {
      this.set(sweep.lastRunAt ? sweep.lastRunAt.getTime() / 1000 : 0);
    },
  });
  new Gauge({
    name: 'redress_email_quarantined',
    help: 'Inbound emails kept in quarantine and not yet replayed.',
    registers: [registry],
    collect() {
      this.set(countOpenQuarantine(db));
    },
  });

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method: METHODS.has(method) ? method : 'other', status: String(status) });
      duration.observe({ route }, seconds);
    },
    intakeHook(hookDb) {
      return (tx, change) => {
        if ((change.trigger !== 'ticket.created' && change.trigger !== 'message.received') || change.messageId === undefined) return;
        const channel = messageChannel(tx, change.messageId);
        if (!channel) return;
        const id = change.messageId;
        // Hooks run inside the transaction; better-sqlite3 commits synchronously, so by the next
        // microtask it has committed or rolled back. Count only what is there then.
        queueMicrotask(() => {
          if (messageChannel(hookDb, id) === channel) intakes.inc({ channel });
        });
      };
    },
    recordSweep(result, at) {
      sweep.lastRunAt = at;
      sweep.lastError = null;
      if (result.warnings > 0) slaWarnings.inc(result.warnings);
      if (result.breaches > 0) slaBreaches.inc(result.breaches);
    },
    recordSweepError(error) {
      sweep.lastError = error instanceof Error ? error.message : String(error);
    },
    sweepState: () => ({ ...sweep }),
  };
}

export function sweepLagSeconds(db: Db, now: Date): number {
  const earliest = earliestTimerInstant(db);
  return earliest ? Math.max(0, (now.getTime() - earliest.getTime()) / 1000) : 0;
}

// ---- who may read them

export type OperatorAccess = 'ok' | 'unauthorized' | 'hidden';

/**
 * /metrics and /healthz?details=1 show the shape of the backlog and the process. With
 * METRICS_TOKEN set they need `Authorization: Bearer <token>`; without it only a client on this
 * machine may read them, and a request a proxy forwarded (X-Forwarded-For, Forwarded) does not
 * count as local even when the proxy itself is, so a public reverse proxy never exposes them.
 */
export function operatorAccess(req: express.Request, token: string | undefined): OperatorAccess {
  if (token) {
    const given = Buffer.from(/^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1] ?? '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'unauthorized';
  }
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  return loopback && !req.get('x-forwarded-for') && !req.get('forwarded') ? 'ok' : 'hidden';
}

/** Answers a refused operator request; true when it did. */
export function refuseOperator(res: express.Response, access: OperatorAccess): boolean {
  if (access === 'unauthorized') {
    res.status(401).set('WWW-Authenticate', 'Bearer realm="redress-metrics"').type('text/plain').send('Send the METRICS_TOKEN as "Authorization: Bearer <token>".');
    return true;
  }
  if (access === 'hidden') {
    res.status(404).type('text/plain').send('Not found');
    return true;
  }
  return false;
}

// ---- /healthz?details=1

export interface HealthSources {
  db: Db;
  clock?: () => Date;
  sweep(): SweepState;
  /** The email channel's states: SMTP listener, IMAP poller, quarantine. */
  email(): { smtp: 'listening' | 'off'; imap: 'connected' | 'connecting' | 'backing-off' | 'off'; emailQuarantined: number };
}

/** Each part is read on its own, so one failing part is reported instead of hiding the others. */
export function healthDetails(src: HealthSources): { ok: boolean; details: Record<string, unknown> } {
  const now = (src.clock ?? (() => new Date()))();
  let ok = true;
  const part = <T>(read: () => T): T | { error: string } => {
    try {
      return read();
    } catch (error) {
      ok = false;
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };
  const database = part(() => ({ ok: pingDatabase(src.db) }));
  const outbox = part(() => {
    const backlog = outboxBacklog(src.db);
    const age = (at: Date) => Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
    const oldest = backlog.reduce<Date | null>((a, b) => (a === null || b.oldestAt < a ? b.oldestAt : a), null);
    return {
      depth: backlog.reduce((n, b) => n + b.depth, 0),
      oldestAgeSeconds: oldest ? age(oldest) : null,
      channels: Object.fromEntries(backlog.map((b) => [b.channel, { depth: b.depth, oldestAgeSeconds: age(b.oldestAt) }])),
    };
  });
  const sweep = part(() => {
    const s = src.sweep();
    return { lastRunAt: s.lastRunAt?.toISOString() ?? null, lagSeconds: Math.round(sweepLagSeconds(src.db, now)), lastError: s.lastError };
  });
  const email = part(() => src.email());
  const channels = 'error' in email ? { smtp: email, imap: email, emailQuarantined: email } : email;
  return { ok, details: { database, outbox, sweep, smtp: channels.smtp, imap: channels.imap, emailQuarantined: channels.emailQuarantined } };
}
