// The one process: HTTP, the outbox dispatcher and (as the channel issues land) the SMTP
// listener, the IMAP poller and the SLA sweep, wired together here and nowhere else.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { createInsightScheduler } from '../app/insight/scheduler.server';
import { createDispatcher } from '../app/outbox/dispatcher.server';
import { RateLimiter } from '../app/security/rate-limit';
import { startSlaSweeper } from '../app/sla/sweep.server';
import { recordAcknowledgementSent } from '../app/sla/timers.server';
import { LiveBus } from '../app/staff/live.server';
import type { TicketContext } from '../app/tickets/context';
import { createTicketHooks } from '../app/tickets/hooks.server';
import { createEmailSender } from '../channels/email/send';
import type { Sender } from '../channels/types';
import { checkpointWal, openDb, totalChanges } from '../db/client';
import type { OutboxChannel } from '../db/constants';
import type { Config } from './env';
import { connectionsCheckingInterval, guardHttpServer } from './connection-guard';
import { startEmailChannel } from './email-channel';
import { createHttpApp } from './http';
import { createLogger, maskAddress } from './logger';
import { createMetrics, healthDetails } from './metrics';
import { createSmsChannel } from './sms';

export const BUILD_DIR = resolve(import.meta.dirname, '..', 'build');

export interface Running {
  port: number;
  close(): Promise<void>;
}

export async function startRedress(config: Config): Promise<Running> {
  const log = createLogger(config.LOG_LEVEL);
  const serverBuildPath = resolve(BUILD_DIR, 'server/index.js');
  if (!existsSync(serverBuildPath)) throw new Error(`No build found at ${serverBuildPath}: run npm run build`);
  const build = (await import(pathToFileURL(serverBuildPath).href)) as ServerBuild;

  const db = openDb({ url: config.DATABASE_URL, sync: config.DB_SYNC, maxPages: config.DB_MAX_PAGES });
  let ready = true;
  const tickets: TicketContext = {
    db,
    publicUrl: config.publicUrl,
    attachmentDir: config.attachmentDir,
    hooks: [],
  };
  // SLA timers, escalation rules and roll-ups: the same list the CLI's sla:tick runs.
  tickets.hooks.push(...createTicketHooks(tickets, { now: new Date() }));
  // Staff pages hear of every committed ticket change; the hook only says "look now".
  const live = new LiveBus(db);
  tickets.hooks.push(() => live.poke());
  const metrics = createMetrics({ db });
  tickets.hooks.push(metrics.intakeHook(db));

  const email = createEmailSender({
    from: config.MAIL_FROM,
    smtpUrl: config.SMTP_URL,
    outboxDir: config.outboxDir,
    replyToDomain: config.REPLY_TO_DOMAIN,
  });
  const senders: Partial<Record<OutboxChannel, Sender>> = { email: email.send };
  const sms = createSmsChannel({ config, tickets, log, kickOutbox: () => dispatcher.kick() });
  if (sms.sender) senders.sms = sms.sender;
  const dispatcher = createDispatcher({
    db,
    senders,
    leaseMs: config.OUTBOX_LEASE_MS,
    backoffBaseMs: config.OUTBOX_BACKOFF_MS,
    onResult: (row, result) => {
      log.info({ outboxId: row.id, channel: row.channel, to: maskAddress(row.recipient), ok: result.ok }, 'outbox send');
      // The acknowledge target is met when the acknowledgement actually leaves, not when it is queued.
      if (result.ok && row.purpose === 'ack' && row.ticketId !== null) {
        try {
          recordAcknowledgementSent(tickets, { ticketId: row.ticketId, at: new Date() });
        } catch (error) {
          log.error({ err: error, ticketId: row.ticketId }, 'sla acknowledgement not recorded');
        }
      }
    },
  });
  dispatcher.start(config.OUTBOX_INTERVAL_MS);
  sms.start(config.OUTBOX_INTERVAL_MS);
  const emailIn = await startEmailChannel({ tickets, config, log, onStored: () => dispatcher.kick() });
  // Its first sweep runs at once, so breaches missed while the server was down fire now, at their true time.
  const slaSweeper = startSlaSweeper(tickets, {
    intervalMs: config.SLA_SWEEP_MS,
    onSweep: (r) => {
      metrics.recordSweep(r, new Date());
      if (r.timers > 0) log.info(r, 'sla sweep');
    },
    onError: (error) => {
      metrics.recordSweepError(error);
      log.error({ err: error }, 'sla sweep failed');
    },
  });

  const insight = createInsightScheduler({
    db,
    publicUrl: config.publicUrl,
    onScan: (r) => {
      log.info({ period: r.window.period, raised: r.raised.length, alreadyRaised: r.alreadyRaised }, 'early-warning scan');
      if (r.raised.length > 0) dispatcher.kick();
    },
    onError: (error) => log.error({ err: error }, 'early-warning scan failed'),
  });

  const app = createHttpApp({
    build,
    clientDir: resolve(BUILD_DIR, 'client'),
    tickets,
    publicUrl: config.publicUrl,
    defaultPhoneRegion: config.DEFAULT_PHONE_REGION,
    rateLimiter: new RateLimiter(),
    rateLimits: config.rateLimits,
    log,
    kickOutbox: () => dispatcher.kick(),
    isReady: () => ready,
    mount: (app) => {
      sms.mount(app);
      emailIn.mount(app);
    },
    healthDetails: () => healthDetails({ db, sweep: metrics.sweepState, email: emailIn.healthDetails }),
    metrics,
    metricsToken: config.METRICS_TOKEN,
    live,
  });

  const httpLimits = {
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
    maxConnectionsPerIp: config.HTTP_MAX_CONNECTIONS_PER_IP,
  };
  const server: Server = createServer({ connectionsCheckingInterval: connectionsCheckingInterval(httpLimits) }, app);
  guardHttpServer(server, httpLimits);
  await new Promise<void>((ok, fail) => {
    server.once('error', fail).listen(config.PORT, config.HOST, () => ok());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, url: config.publicUrl }, 'listening');
  insight.start();

  // The WAL stays bounded: PASSIVE while writes come in, TRUNCATE once a period passes without any.
  let changesAtLastCheckpoint = -1;
  const walTimer = setInterval(() => {
    try {
      const changes = totalChanges(db);
      const r = checkpointWal(db, { idle: changes === changesAtLastCheckpoint });
      changesAtLastCheckpoint = changes;
      if (r.busy) log.debug(r, 'wal checkpoint busy');
    } catch (error) {
      log.warn({ err: error }, 'wal checkpoint failed');
    }
  }, config.WAL_CHECKPOINT_MS);
  walTimer.unref();

  return {
    port,
    // Graceful stop (SIGTERM/SIGINT): refuse new work, finish what was accepted, then close the
    // database. server/index.ts force-exits if this takes longer than 10 seconds.
    async close() {
      ready = false;
      log.info('stopping');
      live.close();
      // HTTP stops accepting and lets requests in flight finish (idle keep-alive sockets close
      // now); SMTP answers 421 to new sessions and commands and answers every message in DATA.
      const http = new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeIdleConnections();
      });
      // A keep-alive client that never lets its socket go idle must not hold the stop forever.
      const straggler = setTimeout(() => server.closeAllConnections(), 8_000);
      straggler.unref();
      await Promise.all([http, emailIn.stop()]);
      clearTimeout(straggler);
      // A sweep runs synchronously inside one tick, so none is half done here: stopping the timer is enough.
      slaSweeper.stop();
      insight.stop();
      clearInterval(walTimer);
      // Waits for the batch being sent, so no row is left claimed (and sent again after its lease).
      await dispatcher.stop();
      await sms.stop();
      email.close();
      try {
        checkpointWal(db, { idle: true });
      } catch (error) {
        log.warn({ err: error }, 'final wal checkpoint failed');
      }
      db.$client.close();
      log.info('stopped');
    },
  };
}
