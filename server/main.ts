// The one process: HTTP, the outbox dispatcher and (as the channel issues land) the SMTP
// listener, the IMAP poller and the SLA sweep, wired together here and nowhere else.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { seedEscalationDefaults } from '../app/escalation/config.server';
import { createEscalationHook } from '../app/escalation/engine.server';
import { createRollupHook } from '../app/insight/rollup.server';
import { createInsightScheduler } from '../app/insight/scheduler.server';
import { createDispatcher } from '../app/outbox/dispatcher.server';
import { RateLimiter } from '../app/security/rate-limit';
import { ensureSlaPresets } from '../app/sla/seed.server';
import { startSlaSweeper } from '../app/sla/sweep.server';
import { createSlaHook, recordAcknowledgementSent } from '../app/sla/timers.server';
import { LiveBus } from '../app/staff/live.server';
import type { TicketContext } from '../app/tickets/context';
import { createEmailSender } from '../channels/email/send';
import type { Sender } from '../channels/types';
import { openDb } from '../db/client';
import type { OutboxChannel } from '../db/constants';
import type { Config } from './env';
import { connectionsCheckingInterval, guardHttpServer } from './connection-guard';
import { startEmailChannel } from './email-channel';
import { createHttpApp } from './http';
import { createLogger, maskAddress } from './logger';
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
  ensureSlaPresets(db, new Date());
  tickets.hooks.push(createSlaHook(tickets));
  // Escalation rules: the shipped defaults are written once (never over an edit), then every
  // ticket change runs the rules inside its own transaction.
  seedEscalationDefaults(db, new Date());
  tickets.hooks.push(createEscalationHook({ publicUrl: config.publicUrl }));
  // Last, so the roll-ups count a ticket with the team and priority the rules gave it.
  tickets.hooks.push(createRollupHook());
  // Staff pages hear of every committed ticket change; the hook only says "look now".
  const live = new LiveBus(db);
  tickets.hooks.push(() => live.poke());

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
      if (r.timers > 0) log.info(r, 'sla sweep');
    },
    onError: (error) => log.error({ err: error }, 'sla sweep failed'),
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
    log,
    kickOutbox: () => dispatcher.kick(),
    isReady: () => ready,
    mount: (app) => {
      sms.mount(app);
      emailIn.mount(app);
    },
    healthDetails: emailIn.healthDetails,
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

  return {
    port,
    async close() {
      ready = false;
      live.close();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeIdleConnections();
      });
      await emailIn.stop();
      slaSweeper.stop();
      insight.stop();
      await dispatcher.stop();
      await sms.stop();
      email.close();
      db.$client.close();
      log.info('stopped');
    },
  };
}
