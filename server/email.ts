// The email channel's three ways in, wired to app/email's receiveEmail: the SMTP listener
// (smtp-server), the raw-MIME webhook (POST /webhooks/email) and the IMAP poller (imapflow).
// Each answers "accepted" only after the message is committed (or safely quarantined).
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express from 'express';
import { ImapFlow } from 'imapflow';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { receiveEmail, type EmailReceiver, type ReceiveResult } from '../app/email/receive.server';
import { imapPosition, saveImapPosition } from '../db/store/email';
import { capPerAddress, capSessionLifetime } from './connection-guard';
import type { Config } from './env';
import type { Logger } from './logger';

export interface EmailInboundDeps {
  receiver: EmailReceiver;
  config: Config;
  log: Logger;
  /** After a commit that may have queued outbox rows (acknowledgements). */
  onStored(): void;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Is this recipient one we take mail for? Entries are whole addresses or domains. */
export function recipientAllowed(address: string, allowList: string[] | undefined): boolean {
  if (!allowList || allowList.length === 0) return true;
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return allowList.some((entry) => (entry.includes('@') ? entry === lower : entry === domain || domain.endsWith(`.${entry}`)));
}

// ---- SMTP listener

export interface SmtpListener {
  port: number;
  /** False once the server has stopped listening (closed, or its socket failed). */
  listening(): boolean;
  close(): Promise<void>;
}

export async function startSmtpListener(deps: EmailInboundDeps): Promise<SmtpListener | undefined> {
  const { config, log } = deps;
  if (config.SMTP_PORT === 0) return undefined;
  const tls = config.SMTP_TLS_CERT && config.SMTP_TLS_KEY;
  // Shutdown: once draining, new sessions and new transactions get 421 (the sending server
  // retries later), while a message already in DATA is stored and answered before we close.
  let draining = false;
  let receiving = 0;
  let idle: () => void = () => {};
  const shuttingDown = () => smtpError(421, '4.3.2 Service shutting down, please try again later');
  const options: SMTPServerOptions = {
    name: new URL(config.publicUrl).hostname || 'redress.localhost',
    banner: 'Redress complaints intake',
    size: config.MAX_EMAIL_BYTES,
    // No AUTH: anyone may deliver mail to the complaints address, as to any MX.
    authOptional: true,
    // STARTTLS only with a configured certificate, never smtp-server's bundled test certificate.
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ? { key: readFileSync(config.SMTP_TLS_KEY!), cert: readFileSync(config.SMTP_TLS_CERT!) } : {}),
    logger: false,
    // An idle client is dropped after socketTimeout; one that keeps trickling bytes is ended by
    // the session lifetime below, and the caps keep a crowd of them from filling the process.
    socketTimeout: config.SMTP_SOCKET_TIMEOUT_MS,
    closeTimeout: 5_000,
    onConnect(_session, callback) {
      callback(draining ? shuttingDown() : undefined);
    },
    onMailFrom(_address, _session, callback) {
      callback(draining ? shuttingDown() : undefined);
    },
    maxClients: config.SMTP_MAX_CLIENTS,
    onRcptTo(address, _session, callback) {
      if (draining) {
        callback(shuttingDown());
        return;
      }
      if (!recipientAllowed(address.address, config.INBOUND_EMAIL_DOMAINS)) {
        callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
        return;
      }
      callback();
    },
    onData(stream, session, doneWith) {
      receiving += 1;
      let settled = false;
      const callback = (error?: Error | null, message?: string) => {
        if (settled) return;
        settled = true;
        receiving -= 1;
        doneWith(error, message);
        if (receiving === 0) idle();
      };
      const chunks: Buffer[] = [];
      let kept = 0;
      stream.on('data', (chunk: Buffer) => {
        // Past the limit nothing more is kept; the rest is read and thrown away.
        if (kept <= config.MAX_EMAIL_BYTES) {
          chunks.push(chunk);
          kept += chunk.byteLength;
        }
      });
      stream.once('error', (error) => callback(error));
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 Message too big: the limit is ${config.MAX_EMAIL_BYTES} bytes`));
          return;
        }
        const raw = Buffer.concat(chunks, kept);
        const mailFrom = session.envelope.mailFrom;
        receiveEmail(deps.receiver, {
          raw,
          source: 'smtp',
          envelope: { mailFrom: mailFrom ? mailFrom.address : '', rcptTo: session.envelope.rcptTo.map((r) => r.address) },
          now: new Date(),
        }).then(
          (result) => answer(deps, result, callback),
          (error: unknown) => {
            log.error({ err: error }, 'smtp intake failed');
            callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
          },
        );
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (error) => log.warn({ err: error }, 'smtp connection error'));
  if (config.SMTP_MAX_CLIENTS_PER_IP > 0) capPerAddress(server.server, config.SMTP_MAX_CLIENTS_PER_IP);
  capSessionLifetime(server.server, config.SMTP_SESSION_MAX_MS, (socket) => {
    log.warn({ remote: socket.remoteAddress }, 'smtp session outlived SMTP_SESSION_MAX_MS, closed');
    socket.end('421 4.4.2 Session too long, closing connection\r\n');
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
  const port: number = await new Promise((ok, fail) => {
    server.server.once('error', fail);
    server.listen(config.SMTP_PORT, config.SMTP_HOST, () => {
      const address = server.server.address();
      ok(typeof address === 'object' && address ? address.port : config.SMTP_PORT);
    });
  });
  log.info({ smtpPort: port, starttls: Boolean(tls) }, 'smtp listening');
  return {
    port,
    listening: () => server.server.listening,
    async close() {
      draining = true;
      if (receiving > 0) await new Promise<void>((ok) => (idle = ok));
      // Every message in DATA is answered; idle sessions get 421 now rather than after closeTimeout.
      const closed = new Promise<void>((ok) => server.close(() => ok()));
      for (const connection of (server as unknown as { connections: Set<{ send(code: number, text: string): void; close(): void }> }).connections) {
        connection.send(421, 'Server shutting down');
        connection.close();
      }
      await closed;
    },
  };
}

function answer(deps: EmailInboundDeps, result: ReceiveResult, callback: (err?: Error | null, message?: string) => void): void {
  if (result.status === 'quarantined') {
    deps.log.warn({ quarantineId: result.quarantineId, error: result.error }, 'email quarantined');
    // Storing failed: the sender should try again (and may succeed). Unreadable bytes fail the
    // same way every time, so retrying is pointless: refused, though a copy stays in quarantine.
    if (result.retry) callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
    else callback(smtpError(554, `5.6.0 The message could not be read (${oneLine(result.error)}); a copy is kept for review`));
    return;
  }
  if (!result.duplicate) deps.onStored();
  deps.log.info({ outcome: result.outcome, duplicate: result.duplicate, ticketId: result.ticketId }, 'email received');
  callback(null, result.reference ? `Queued as ${result.reference}` : 'Accepted');
}

/** A parser's error, short and on one line, fit for an SMTP reply or a JSON message. */
function oneLine(text: string): string {
  return text.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 200);
}

// ---- webhook

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function mountEmailWebhook(app: express.Express, deps: EmailInboundDeps): void {
  const { config } = deps;
  app.post(
    '/webhooks/email',
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (!config.INBOUND_EMAIL_TOKEN) {
        res.status(404).type('text/plain').send('The email webhook is not configured (set INBOUND_EMAIL_TOKEN).');
        return;
      }
      if (!bearerMatches(req.get('authorization'), config.INBOUND_EMAIL_TOKEN)) {
        res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain').send('A valid bearer token is required.');
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: config.MAX_EMAIL_BYTES }),
    (err: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      const status = (err as { status?: number }).status;
      if (status === 413) {
        res.status(413).type('text/plain').send(`The message is larger than ${config.MAX_EMAIL_BYTES} bytes.`);
        return;
      }
      if (typeof status === 'number' && status >= 400 && status < 500) {
        res.status(400).type('text/plain').send('The body could not be read as a raw message.');
        return;
      }
      next(err);
    },
    (req: express.Request, res: express.Response, next: express.NextFunction) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (raw.byteLength === 0) {
        res.status(400).type('text/plain').send('Send the raw message (message/rfc822) as the request body.');
        return;
      }
      receiveEmail(deps.receiver, { raw, source: 'webhook', now: new Date() }).then((result) => {
        if (result.status === 'quarantined') {
          deps.log.warn({ quarantineId: result.quarantineId, error: result.error }, 'email quarantined');
          if (result.retry) res.status(503).set('Retry-After', '60').json({ ok: false, error: 'Temporary failure, please retry later.' });
          else res.status(422).json({ ok: false, error: `The message could not be read (${oneLine(result.error)}); a copy is kept for review.` });
          return;
        }
        if (!result.duplicate) deps.onStored();
        res.json({ ok: true, outcome: result.outcome, duplicate: result.duplicate, reference: result.reference ?? null });
      }, next);
    },
  );
}

// ---- IMAP poller

export interface ImapPoller {
  /** Resolves once the first pass over the mailbox has been committed (for tests and logs). */
  firstPass: Promise<void>;
  /** For /healthz: a mailbox open, a connection being made, or waiting to reconnect. */
  state(): 'connected' | 'connecting' | 'backing-off';
  stop(): Promise<void>;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

export function startImapPoller(deps: EmailInboundDeps): ImapPoller | undefined {
  const { config, log } = deps;
  if (!config.IMAP_URL) return undefined;
  const url = new URL(config.IMAP_URL);
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
  // The position is per account and mailbox, so two configured mailboxes never share one.
  const key = `${decodeURIComponent(url.username)}@${url.hostname}:${url.port || (url.protocol === 'imaps:' ? 993 : 143)}/${mailbox}`;
  let stopped = false;
  let client: ImapFlow | undefined;
  let backoff = BACKOFF_MIN_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  let passing: Promise<void> | undefined;
  let again = false;
  let mailboxOpen = false;
  let markFirst: () => void = () => {};
  const firstPass = new Promise<void>((ok) => (markFirst = ok));

  async function pass(c: ImapFlow): Promise<void> {
    const box = c.mailbox;
    if (!box) return;
    const uidValidity = String(box.uidValidity);
    const saved = imapPosition(deps.receiver.tickets.db, key);
    const last = saved && saved.uidValidity === uidValidity ? saved.lastUid : 0;
    const uids = ((await c.search({ uid: `${last + 1}:*` }, { uid: true })) || []).filter((u) => u > last).sort((a, b) => a - b);
    for (const uid of uids) {
      if (stopped) return;
      const msg = await c.fetchOne(String(uid), { source: true, uid: true }, { uid: true });
      if (!msg || !msg.source) continue;
      const result = await receiveEmail(deps.receiver, { raw: msg.source, source: 'imap', now: new Date() });
      log.info(
        { uid, outcome: result.status === 'stored' ? result.outcome : 'quarantined', duplicate: result.status === 'stored' && result.duplicate },
        'imap message',
      );
      if (result.status === 'quarantined') {
        // Left unseen, but the position moves past it: it is kept in quarantine and replayable
        // (email:replay), and reading it again on every pass would only quarantine it again.
        log.warn({ uid, quarantineId: result.quarantineId }, 'imap message quarantined');
      } else if (!result.duplicate) {
        deps.onStored();
      }
      // \Seen only now, after the commit: a crash before this line re-reads the message, and
      // the Message-ID (or hash) makes that second read a no-op.
      if (result.status === 'stored') await c.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      saveImapPosition(deps.receiver.tickets.db, key, uidValidity, uid, new Date());
    }
  }

  function schedulePass(c: ImapFlow): void {
    if (passing) {
      again = true;
      return;
    }
    passing = pass(c)
      .catch((error: unknown) => log.warn({ err: error }, 'imap pass failed'))
      .finally(() => {
        passing = undefined;
        markFirst();
        if (again && !stopped) {
          again = false;
          schedulePass(c);
        }
      });
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new ImapFlow({
      host: url.hostname,
      port: Number(url.port) || (url.protocol === 'imaps:' ? 993 : 143),
      secure: url.protocol === 'imaps:',
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      logger: false,
      // IDLE between passes, entered soon after each pass (imapflow's default waits 15 s, and
      // mail arriving in that gap would wait for the next event).
      disableAutoIdle: false,
      autoIdleDelay: 500,
    });
    client = c;
    c.on('error', (error: unknown) => log.warn({ err: error }, 'imap error'));
    c.on('close', () => {
      if (client === c) {
        client = undefined;
        mailboxOpen = false;
      }
      if (!stopped) {
        log.warn({ retryInMs: backoff }, 'imap connection closed');
        retry();
      }
    });
    c.on('exists', () => schedulePass(c));
    try {
      await c.connect();
      await c.mailboxOpen(mailbox);
      mailboxOpen = client === c;
      backoff = BACKOFF_MIN_MS;
      log.info({ mailbox }, 'imap connected');
      schedulePass(c);
    } catch (error) {
      log.warn({ err: error, retryInMs: backoff }, 'imap connect failed');
      c.close();
      if (client === c) client = undefined;
      retry();
    }
  }

  function retry(): void {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, backoff);
    retryTimer.unref();
    backoff = Math.min(BACKOFF_MAX_MS, backoff * 2);
  }

  void connect();
  return {
    firstPass,
    state: () => (retryTimer ? 'backing-off' : client && mailboxOpen ? 'connected' : 'connecting'),
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await passing;
      const c = client;
      client = undefined;
      if (c) await c.logout().catch(() => c.close());
    },
  };
}
