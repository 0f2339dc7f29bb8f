// The built server's SLA sweep: after downtime it fires the breaches it missed, each at its true
// time and once; staff hear of each warning and breach exactly once, through the escalation
// rules (the assignee, or the team lead when unassigned, and the level a breach raises the
// ticket to); an acknowledgement that the dispatcher sends meets the acknowledge target.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSlaPresets } from '../../app/sla/seed.server';
import { withSlaHook } from '../../app/sla/timers.server';
import { intake } from '../../app/tickets/intake.server';
import { openDb, type Db } from '../../db/client';
import { staffUsers, tickets } from '../../db/schema';
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

type Notice = { to: string; subject: string };
const slaTarget = (data: string) => (JSON.parse(data) as { target: string }).target;

describe('SLA sweep in the server', () => {
  it('fires the breaches missed while it was down, at their true time, once, notifies each person once per event, and meets a sent acknowledgement', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-sla-'));
    const env = { SLA_SWEEP_MS: '100' };
    // The database as a stopped server left it (migrated, presets seeded); while it is down,
    // tickets arrive through another process and their deadlines pass.
    const db: Db = openDb({ url: `file:${join(dir, 'redress.sqlite')}`, sync: 'normal' });
    ensureSlaPresets(db, new Date());
    const ctx = withSlaHook({ db, publicUrl: 'http://localhost', attachmentDir: join(dir, 'attachments'), hooks: [] });
    const staff = (email: string, role: 'agent' | 'supervisor') =>
      db.insert(staffUsers).values({ email, name: role, role, language: 'en', passwordHash: 'x', createdAt: new Date() }).returning().get().id;
    staff('lead@bank.example', 'supervisor');
    const agent = staff('agent@bank.example', 'agent');
    const old = intake(ctx, webMessage({ sender: { email: 'old@example.com' }, receivedAt: new Date(Date.now() - 40 * DAY) }), { kind: 'complaint' });
    const mine = intake(ctx, webMessage({ sender: { email: 'mine@example.com' }, receivedAt: new Date(Date.now() - 40 * DAY) }), { kind: 'complaint' });
    db.update(tickets).set({ assigneeId: agent }).where(eq(tickets.id, mine.ticketId)).run();
    const fresh = intake(ctx, webMessage({ sender: { email: 'fresh@example.com' }, receivedAt: new Date() }), { kind: 'feedback' });
    const due = Object.fromEntries(timersOfTicket(db, old.ticketId).map((t) => [t.target, t.dueAt.toISOString()]));

    server = await startServer(env, dir);
    const slaEvents = (ticketId: number, type: string) => eventsOf(db, ticketId).filter((e) => e.type === type);
    const breaches = () => slaEvents(old.ticketId, 'sla.breached');
    await until('both breaches', () => (breaches().length === 2 && slaEvents(mine.ticketId, 'sla.breached').length === 2 ? true : undefined));
    const met = await until('the acknowledgement to be met', () =>
      eventsOf(db, fresh.ticketId).find((e) => e.type === 'sla.met' && slaTarget(e.data) === 'acknowledge'),
    );
    // Staff notices leave through the outbox like any other mail; wait until none is pending.
    const staffNotices = (ticketId: number) => outboxOfTicket(db, ticketId).filter((o) => o.purpose !== 'ack');
    await until('the staff notices to be sent', () =>
      [old, mine].every((t) => staffNotices(t.ticketId).length > 0 && staffNotices(t.ticketId).every((o) => o.status === 'sent')) ? true : undefined,
    );
    await server.stop();

    expect(breaches().map((e) => [slaTarget(e.data), e.at.toISOString()])).toEqual([
      ['first_response', due.first_response],
      ['resolution', due.resolution],
    ]);
    // Exactly one notice per person and event: one per warning and per breach.
    const expected = (ticketId: number, reference: string, people: { warnings: string[]; breaches: string[] }): Notice[] =>
      eventsOf(db, ticketId)
        .filter((e) => e.type === 'sla.warning' || e.type === 'sla.breached')
        .flatMap((e) =>
          e.type === 'sla.warning'
            ? people.warnings.map((to) => ({ to, subject: `[${reference}] SLA warning: ${slaTarget(e.data)}` }))
            : people.breaches.map((to) => ({ to, subject: `[${reference}] SLA breached: ${slaTarget(e.data)}` })),
        );
    const sorted = (n: Notice[]) => n.map((x) => `${x.to} ${x.subject}`).sort();
    const notices = (ticketId: number) => sorted(staffNotices(ticketId).map((o) => ({ to: o.recipient, subject: o.subject ?? '' })));
    // Unassigned: the team lead hears of every warning; a breach raises the level, whose
    // recipient is the same lead, who still gets one notice, not two.
    expect(slaEvents(old.ticketId, 'sla.warning')).toHaveLength(4);
    expect(notices(old.ticketId)).toEqual(sorted(expected(old.ticketId, old.reference, { warnings: ['lead@bank.example'], breaches: ['lead@bank.example'] })));
    expect(notices(old.ticketId)).toHaveLength(6);
    // Assigned: the assignee hears of every warning and breach, the raised level of each breach.
    expect(notices(mine.ticketId)).toEqual(
      sorted(expected(mine.ticketId, mine.reference, { warnings: ['agent@bank.example'], breaches: ['agent@bank.example', 'lead@bank.example'] })),
    );
    expect(notices(mine.ticketId)).toHaveLength(8);

    const ack = outboxOfTicket(db, fresh.ticketId).find((o) => o.purpose === 'ack')!;
    expect(ack.status).toBe('sent');
    expect(met.at.getTime()).toBeGreaterThanOrEqual(ack.sentAt!.getTime());
    expect(timersOfTicket(db, fresh.ticketId).find((t) => t.target === 'acknowledge')).toMatchObject({ state: 'met' });
    const mails = readdirSync(join(dir, 'outbox')).map((f) => readFileSync(join(dir, 'outbox', f), 'utf8'));
    expect(mails.filter((m) => m.includes('lead@bank.example') && m.includes(`[${old.reference}] SLA breached: resolution`))).toHaveLength(1);
    db.$client.close();
  });
});
