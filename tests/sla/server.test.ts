// The built server's SLA sweep: after downtime it fires the breaches it missed, each at its true
// time and once; the team lead is told through the outbox; an acknowledgement that the
// dispatcher sends meets the acknowledge target.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import { withSlaHook } from '../../app/sla/timers.server';
import { intake } from '../../app/tickets/intake.server';
import { openDb, type Db } from '../../db/client';
import { staffUsers } from '../../db/schema';
import { outboxOfTicket } from '../../db/store/outbox';
import { timersOfTicket } from '../../db/store/sla';
import { eventsOf } from '../../db/store/tickets';
import { startServer, type TestServer } from '../support/server';
import { webMessage } from '../support/ticket-context';

const DAY = 86_400_000;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function until<T>(what: string, probe: () => T | undefined, limitMs = 30_000): Promise<T> {
  const end = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SLA sweep in the server', () => {
  it('fires the breaches missed while it was down, at their true time, once, and meets a sent acknowledgement', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-sla-'));
    const env = { SLA_SWEEP_MS: '100' };
    // The database as a stopped server left it (migrated, presets seeded); while it is down,
    // tickets arrive through another process and their deadlines pass.
    const db: Db = openDb({ url: `file:${join(dir, 'redress.sqlite')}`, sync: 'normal' });
    ensureSlaPresets(db, new Date());
    const ctx = withSlaHook({ db, publicUrl: 'http://localhost', attachmentDir: join(dir, 'attachments'), hooks: [] });
    db.insert(staffUsers).values({ email: 'lead@bank.example', name: 'Lead', role: 'supervisor', language: 'en', passwordHash: 'x', createdAt: new Date() }).run();
    const old = intake(ctx, webMessage({ sender: { email: 'old@example.com' }, receivedAt: new Date(Date.now() - 40 * DAY) }), { kind: 'complaint' });
    const fresh = intake(ctx, webMessage({ sender: { email: 'fresh@example.com' }, receivedAt: new Date() }), { kind: 'feedback' });
    const due = Object.fromEntries(timersOfTicket(db, old.ticketId).map((t) => [t.target, t.dueAt.toISOString()]));

    server = await startServer(env, dir);
    const breaches = () => eventsOf(db, old.ticketId).filter((e) => e.type === 'sla.breached');
    await until('both breaches', () => (breaches().length === 2 ? true : undefined));
    const met = await until('the acknowledgement to be met', () =>
      eventsOf(db, fresh.ticketId).find((e) => e.type === 'sla.met' && (JSON.parse(e.data) as { target: string }).target === 'acknowledge'),
    );
    // The lead's breach notices leave through the outbox like any other mail.
    await until('the breach notices to be sent', () => {
      const notices = outboxOfTicket(db, old.ticketId).filter((o) => o.purpose === 'sla.breach');
      return notices.length === 2 && notices.every((o) => o.status === 'sent') ? notices : undefined;
    });
    await server.stop();

    expect(breaches().map((e) => [(JSON.parse(e.data) as { target: string }).target, e.at.toISOString()])).toEqual([
      ['first_response', due.first_response],
      ['resolution', due.resolution],
    ]);
    const ack = outboxOfTicket(db, fresh.ticketId).find((o) => o.purpose === 'ack')!;
    expect(ack.status).toBe('sent');
    expect(met.at.getTime()).toBeGreaterThanOrEqual(ack.sentAt!.getTime());
    expect(timersOfTicket(db, fresh.ticketId).find((t) => t.target === 'acknowledge')).toMatchObject({ state: 'met' });
    const mails = readdirSync(join(dir, 'outbox')).map((f) => readFileSync(join(dir, 'outbox', f), 'utf8'));
    expect(mails.some((m) => m.includes('lead@bank.example') && m.includes(`SLA breached: resolution`))).toBe(true);
    db.$client.close();
  });
});
