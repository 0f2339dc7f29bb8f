import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../db/client';
import { outboxOfTicket } from '../../db/store/outbox';
import { eventsOf, messagesOf } from '../../db/store/tickets';
import { testContext, webMessage } from '../../tests/support/ticket-context';
import { intake, intakeGrouped, NoThreadForAutomated } from './intake.server';

describe('intake', () => {
  it('opens a ticket with its customer, message, events and acknowledgements in one go', () => {
    const ctx = testContext();
    const r = intake(ctx, webMessage({ sender: { name: 'Li Wei', email: 'Li.Wei@Example.com', phone: '+8613800138000' } }), {
      kind: 'complaint',
      product: 'wealth',
      cause: 'mis_selling',
    });
    expect(r).toMatchObject({ reference: 'CMP-2026-000001', created: true, duplicate: false });
    expect(r.trackingToken).toMatch(/^[\w-]{43}$/);
    expect(messagesOf(ctx.db, r.ticketId)).toHaveLength(1);
    expect(eventsOf(ctx.db, r.ticketId).map((e) => e.type)).toEqual(['ticket.created', 'message.received', 'ack.queued']);
    const outbox = outboxOfTicket(ctx.db, r.ticketId);
    expect(outbox.map((o) => [o.channel, o.recipient])).toEqual([
      ['email', 'li.wei@example.com'],
      ['sms', '+8613800138000'],
    ]);
    expect(outbox[0]!.body).toContain(`https://complaints.example.com/track/${r.trackingToken}`);
  });

  it('does nothing the second time it sees a provider message id', () => {
    const ctx = testContext();
    const msg = webMessage();
    const first = intake(ctx, msg);
    const second = intake(ctx, msg);
    expect(second).toMatchObject({ ticketId: first.ticketId, messageId: first.messageId, duplicate: true, trackingToken: null });
    expect(messagesOf(ctx.db, first.ticketId)).toHaveLength(1);
    expect(outboxOfTicket(ctx.db, first.ticketId)).toHaveLength(1);
  });

  it('knows a customer by any of their emails or phones', () => {
    const ctx = testContext();
    const a = intake(ctx, webMessage({ sender: { email: 'a@example.com', phone: '+447700900123' } }));
    const byPhone = intake(ctx, webMessage({ channel: 'sms', sender: { phone: '+447700900123' } }));
    const byEmail = intake(ctx, webMessage({ channel: 'email', sender: { email: 'A@EXAMPLE.COM' } }));
    expect(byPhone.customerId).toBe(a.customerId);
    expect(byEmail.customerId).toBe(a.customerId);
    const stranger = intake(ctx, webMessage({ sender: { email: 'b@example.com' } }));
    expect(stranger.customerId).not.toBe(a.customerId);
  });

  it('honours a reference only from a contact of that ticket’s customer', () => {
    const ctx = testContext();
    const own = intake(ctx, webMessage({ sender: { email: 'owner@example.com' } }));
    const followUp = intake(
      ctx,
      webMessage({ channel: 'email', sender: { email: 'owner@example.com' }, threadHints: [{ kind: 'reference', reference: own.reference }] }),
    );
    expect(followUp).toMatchObject({ ticketId: own.ticketId, created: false });
    const stranger = intake(
      ctx,
      webMessage({ channel: 'email', sender: { email: 'mallory@example.com' }, threadHints: [{ kind: 'reference', reference: own.reference }] }),
    );
    expect(stranger.created).toBe(true);
    expect(stranger.ticketId).not.toBe(own.ticketId);
  });

  it('lets the tracking token holder add to the ticket, and reopens a resolved one', () => {
    const ctx = testContext();
    const own = intake(ctx, webMessage());
    ctx.db.$client.prepare("update tickets set status = 'resolved', resolved_at = ? where id = ?").run(Date.now(), own.ticketId);
    const more = intake(ctx, webMessage({ sender: {}, threadHints: [{ kind: 'tracking-token', token: own.trackingToken! }] }));
    expect(more).toMatchObject({ ticketId: own.ticketId, created: false });
    expect(eventsOf(ctx.db, own.ticketId).map((e) => e.type)).toContain('ticket.reopened');
    const forged = intake(ctx, webMessage({ sender: {}, threadHints: [{ kind: 'tracking-token', token: 'x'.repeat(43) }] }));
    expect(forged.created).toBe(true);
  });

  it('numbers references per kind and year', () => {
    const ctx = testContext();
    const c1 = intake(ctx, webMessage(), { kind: 'complaint' });
    const f1 = intake(ctx, webMessage(), { kind: 'feedback', feedbackType: 'compliment' });
    const c2 = intake(ctx, webMessage({ receivedAt: new Date('2026-12-31T23:59:59Z') }), { kind: 'complaint' });
    const c3 = intake(ctx, webMessage({ receivedAt: new Date('2027-01-01T00:00:00Z') }), { kind: 'complaint' });
    expect([c1.reference, f1.reference, c2.reference, c3.reference]).toEqual([
      'CMP-2026-000001',
      'FBK-2026-000001',
      'CMP-2026-000002',
      'CMP-2027-000001',
    ]);
  });

  it('never hands out a reference twice when several processes write at once', () => {
    const ctx = testContext({ file: true });
    const dbPath = join(ctx.dir, 'db.sqlite');
    const script = join(import.meta.dirname, '../../tests/support/intake-worker.ts');
    const workers = Array.from({ length: 4 }, (_, i) => i);
    // Start four processes together and let them race for the write lock.
    execFileSync(
      'bash',
      ['-c', workers.map((i) => `node --import tsx ${script} ${dbPath} ${i} 40 &`).join(' ') + ' wait'],
      { stdio: 'inherit' },
    );
    const db = openDb({ url: `file:${dbPath}`, migrate: false });
    const refs = db.$client.prepare('select reference from tickets').pluck().all() as string[];
    expect(refs).toHaveLength(160);
    expect(new Set(refs).size).toBe(160);
    const numbers = refs.map((r) => Number(r.slice(-6))).sort((a, b) => a - b);
    expect(numbers[0]).toBe(1);
    expect(numbers.at(-1)).toBe(160);
  });
});

describe('intakeGrouped', () => {
  it('commits intakes that arrive together; one that fails takes none of the others down and leaves no file behind', async () => {
    const ctx = testContext({ file: true });
    const pdf = (name: string) => ({ filename: name, declaredType: 'application/pdf', content: new TextEncoder().encode('%PDF-1.4\n%âãÏÓ\n') });
    const [first, automated, second] = await Promise.allSettled([
      intakeGrouped(ctx, webMessage({ attachments: [pdf('kept.pdf')] }), { kind: 'complaint' }),
      // An auto-reply that continues no thread is refused inside its transaction.
      intakeGrouped(ctx, webMessage({ channel: 'email', automated: 'auto-reply', attachments: [pdf('dropped.pdf')] }), { kind: 'complaint' }),
      intakeGrouped(ctx, webMessage(), { kind: 'complaint' }),
    ]);
    expect(automated.status === 'rejected' && automated.reason).toBeInstanceOf(NoThreadForAutomated);
    expect(first.status === 'fulfilled' && first.value.reference).toBe('CMP-2026-000001');
    expect(second.status === 'fulfilled' && second.value.reference).toBe('CMP-2026-000002');
    const reader = openDb({ url: `file:${join(ctx.dir, 'db.sqlite')}`, migrate: false });
    expect(reader.$client.prepare('select reference from tickets order by id').pluck().all()).toEqual(['CMP-2026-000001', 'CMP-2026-000002']);
    expect(reader.$client.prepare('select filename from attachments').pluck().all()).toEqual(['kept.pdf']);
    expect(readdirSync(ctx.attachmentDir)).toHaveLength(1);
    reader.$client.close();
  });
});
