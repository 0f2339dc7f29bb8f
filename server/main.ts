// The one process: HTTP, the outbox dispatcher and (as the channel issues land) the SMTP
// listener, the IMAP poller and the SLA sweep, wired together here and nowhere else.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { createDispatcher } from '../app/outbox/dispatcher.server';
import { RateLimiter } from '../app/security/rate-limit';
import { LiveBus } from '../app/staff/live.server';
import type { TicketContext } from '../app/tickets/context';
import { createEmailSender } from '../channels/email/send';
import type { Sender } from '../channels/types';
import { openDb } from '../db/client';
import type { OutboxChannel } from '../db/constants';
import type { Config } from './env';
import { createHttpApp } from './http';
import { createLogger, maskAddress } from './logger';

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

  const db = openDb({ url: config.DATABASE_URL, sync: config.DB_SYNC });
  let ready = true;
  const tickets: TicketContext = {
    db,
    publicUrl: config.publicUrl,
    attachmentDir: config.attachmentDir,
    hooks: [],
  };
  // Staff pages hear of every committed ticket change; the hook only says "look now".
  const live = new LiveBus(db);
  tickets.hooks.push(() => live.poke());

  const email = createEmailSender({ from: config.MAIL_FROM, smtpUrl: config.SMTP_URL, outboxDir: config.outboxDir });
  const senders: Partial<Record<OutboxChannel, Sender>> = { email: email.send };
  const dispatcher = createDispatcher({
    db,
    senders,
    onResult: (row, result) =>
      log.info({ outboxId: row.id, channel: row.channel, to: maskAddress(row.recipient), ok: result.ok }, 'outbox send'),
  });
  dispatcher.start(config.OUTBOX_INTERVAL_MS);

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
    live,
  });

  const server: Server = await new Promise((ok, fail) => {
    const s = app.listen(config.PORT, config.HOST, () => ok(s)).once('error', fail);
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, url: config.publicUrl }, 'listening');

  return {
    port,
    async close() {
      ready = false;
      live.close();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeIdleConnections();
      });
      await dispatcher.stop();
      email.close();
      db.$client.close();
      log.info('stopped');
    },
  };
}
