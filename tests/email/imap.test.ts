// The IMAP poller against a real dovecot on a loopback port: new mail is fetched by UID, marked
// \Seen only after commit, followed with IDLE; a restart, a lost position, a second poller and
// a dropped connection never create a duplicate.
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { openDb } from '../../db/client';
import { startImapPoller } from '../../server/email';
import { emailReceiver } from '../../server/email-channel';
import { parseEnv } from '../../server/env';
import { startDovecot, type Dovecot } from '../support/dovecot';
import { emailFixture, eventually, exec, mailText, query } from '../support/email';
import { startServer, type TestServer } from '../support/server';

let dovecot: Dovecot;
const servers: TestServer[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
});
afterAll(async () => {
  await second?.stop();
  for (const s of servers) await s.stop();
  await dovecot?.stop();
});

async function withMailbox<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const c = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.logout();
  }
}

const append = (raw: Buffer) => withMailbox((c) => c.append('INBOX', raw));

async function seenFlags(): Promise<Record<number, boolean>> {
  return withMailbox(async (c) => {
    await c.mailboxOpen('INBOX');
    const out: Record<number, boolean> = {};
    for await (const m of c.fetch('1:*', { uid: true, flags: true })) out[m.uid] = m.flags?.has('\\Seen') ?? false;
    return out;
  });
}

const count = (s: TestServer) => query<{ n: number }>(s.databasePath, "select count(*) n from inbound_emails where source = 'imap'")[0]!.n;
const messageCount = (s: TestServer) => query<{ n: number }>(s.databasePath, "select count(*) n from messages where direction = 'in'")[0]!.n;
const start = async (dir?: string) => {
  // Generous start-up time: the test machine is shared and often busy.
  const s = await startServer({ IMAP_URL: dovecot.url() }, dir, { timeoutMs: 90_000 });
  servers.push(s);
  return s;
};
let second: { saw(uid: number): boolean; stop(): Promise<void> } | undefined;

/** A second poller in this process, on the test server's database, with its log lines kept. */
function inProcessPoller(databasePath: string) {
  const lines: string[] = [];
  const log = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(line) });
  const config = parseEnv({ DATABASE_URL: `file:${databasePath}`, IMAP_URL: dovecot.url(), DB_SYNC: 'normal' });
  const db = openDb({ url: config.DATABASE_URL, sync: 'normal' });
  const tickets = { db, publicUrl: config.publicUrl, attachmentDir: config.attachmentDir, hooks: [] };
  const poller = startImapPoller({ receiver: emailReceiver(tickets, config), config, log, onStored: () => {} })!;
  return {
    saw: (uid: number) => lines.some((l) => l.includes('"msg":"imap message"') && l.includes(`"uid":${uid},`)),
    async stop() {
      await poller.stop();
      db.$client.close();
    },
  };
}

const loggedUid = (s: TestServer, uid: number) => s.logs.some((l) => l.includes('"msg":"imap message"') && l.includes(`"uid":${uid},`));

describe('the IMAP poller', () => {
  it('fetches, commits, marks seen, follows IDLE, and never duplicates on restart, lost position, a second poller or a dropped connection', async () => {
    await append(emailFixture('gbk.eml'));
    await append(emailFixture('html-only.eml'));
    const first = await start();
    await eventually(() => count(first) === 2, 'two messages from IMAP');
    expect(await eventually(async () => {
      const f = await seenFlags();
      return f[1] && f[2] ? f : undefined;
    }, 'both messages seen')).toEqual({ 1: true, 2: true });
    const [state] = query<{ uid_validity: string; last_uid: number }>(first.databasePath, 'select uid_validity, last_uid from imap_state');
    expect(state!.last_uid).toBe(2);
    expect(state!.uid_validity).toMatch(/^\d+$/);
    expect(query(first.databasePath, 'select subject from tickets order by id')).toEqual([
      { subject: '理财产品被当作存款销售' },
      { subject: 'Fund switched without consent' },
    ]);

    // IDLE: new mail arrives while connected.
    await append(mailText({ id: '<imap-3@example.com>', from: 'three@example.com', subject: 'Third' }));
    await eventually(() => count(first) === 3, 'the third message through IDLE');

    // Restart with the position lost, plus a second poller (in this process) on the same
    // database: everything is read again, by both, and nothing is stored twice.
    await first.stop();
    exec(first.databasePath, 'delete from imap_state');
    await append(mailText({ id: '<imap-4@example.com>', from: 'four@example.com', subject: 'Fourth' }));
    second = inProcessPoller(first.databasePath);
    const again = await start(first.dir);
    // The second poller re-reads uids 1–3 (duplicates, no-ops) and stores 4; the restarted
    // server then finds the saved position and has nothing to do.
    await eventually(() => second!.saw(4) && again.logs.some((l) => l.includes('imap connected')), 'uid 4 and the restarted poller', 600);
    expect(count(again)).toBe(4);
    expect(messageCount(again)).toBe(4);
    await append(mailText({ id: '<imap-5@example.com>', from: 'five@example.com', subject: 'Fifth' }));
    // Both are in IDLE and both hear of uid 5; whichever loses the race stores nothing.
    await eventually(() => count(again) === 5 && (loggedUid(again, 5) || second!.saw(5)), 'uid 5');
    expect(messageCount(again)).toBe(5);

    // The IMAP server goes away and comes back: the pollers reconnect with backoff.
    await dovecot.stop();
    await eventually(() => again.logs.some((l) => l.includes('imap connection closed')), 'the poller to notice', 400);
    await dovecot.start();
    await append(mailText({ id: '<imap-6@example.com>', from: 'six@example.com', subject: 'Sixth' }));
    await eventually(() => count(again) === 6, 'the sixth message after reconnecting', 600);
    await eventually(() => loggedUid(again, 6) || second!.saw(6), 'a poller to log uid 6', 600);
    expect(messageCount(again)).toBe(6);
    expect(Object.values(await seenFlags()).every(Boolean)).toBe(true);
    // Generous: three server starts on a shared 2-core machine; every wait above is a bounded poll.
  }, 240_000);
});
