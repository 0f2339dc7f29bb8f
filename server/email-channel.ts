// Starts and stops the email channel's inbound side as one unit for server/main.ts: the SMTP
// listener, the IMAP poller, the webhook route, and their states and the quarantine counter for /healthz.
import type express from 'express';
import type { EmailReceiver } from '../app/email/receive.server';
import type { TicketContext } from '../app/tickets/context';
import { countOpenQuarantine } from '../db/store/email';
import { mountEmailWebhook, startImapPoller, startSmtpListener } from './email';
import type { Config } from './env';
import type { Logger } from './logger';

export interface EmailChannel {
  smtpPort: number | undefined;
  mount(app: express.Express): void;
  /** For /healthz?details=1. */
  healthDetails(): { smtp: 'listening' | 'off'; imap: 'connected' | 'connecting' | 'backing-off' | 'off'; emailQuarantined: number };
  stop(): Promise<void>;
}

export function emailReceiver(tickets: TicketContext, config: Config): EmailReceiver {
  return {
    tickets,
    quarantineDir: config.quarantineDir,
    parse: { ownHosts: [new URL(config.publicUrl).hostname || 'redress.localhost'], replyToDomain: config.REPLY_TO_DOMAIN },
  };
}

export async function startEmailChannel(opts: {
  tickets: TicketContext;
  config: Config;
  log: Logger;
  onStored(): void;
}): Promise<EmailChannel> {
  const deps = { receiver: emailReceiver(opts.tickets, opts.config), config: opts.config, log: opts.log, onStored: opts.onStored };
  const smtp = await startSmtpListener(deps);
  const imap = startImapPoller(deps);
  return {
    smtpPort: smtp?.port,
    mount: (app) => mountEmailWebhook(app, deps),
    healthDetails: () => ({
      smtp: smtp?.listening() ? 'listening' : 'off',
      imap: imap?.state() ?? 'off',
      emailQuarantined: countOpenQuarantine(opts.tickets.db),
    }),
    async stop() {
      await Promise.all([smtp?.close(), imap?.stop()]);
    },
  };
}
