import { describe, expect, it } from 'vitest';
import { outboxOfTicket } from '../../db/store/outbox';
import { eventsOf } from '../../db/store/tickets';
import { testContext, webMessage } from '../../tests/support/ticket-context';
import { intake } from './intake.server';
import { addNote, replyToClient } from './reply.server';
import { changeStatus } from './status.server';

const now = new Date('2026-03-02T09:00:00Z');

describe('replies, notes and status changes', () => {
  it('replies by email on an email ticket, threaded to the client’s message', () => {
    const ctx = testContext();
    const t = intake(ctx, webMessage({ channel: 'email', providerMessageId: '<client-1@mail.example>', sender: { email: 'c@example.com' } }));
    const r = replyToClient(ctx, { ticketId: t.ticketId, text: 'We are looking into it.', author: { type: 'staff', staffId: null }, now });
    expect(r).toMatchObject({ channel: 'email', recipient: 'c@example.com' });
    const row = outboxOfTicket(ctx.db, t.ticketId).find((o) => o.purpose === 'reply')!;
    const headers = JSON.parse(row.headers!);
    expect(headers['In-Reply-To']).toBe('<client-1@mail.example>');
    expect(row.subject).toContain(t.reference);
  });

  it('refuses an SMS reply to a number that opted out, and an empty reply', () => {
    const ctx = testContext();
    const t = intake(ctx, webMessage({ channel: 'sms', sender: { phone: '+8613800138000' } }));
    ctx.db.$client.prepare('update customer_contacts set opted_out_at = 1 where value = ?').run('+8613800138000');
    expect(() => replyToClient(ctx, { ticketId: t.ticketId, text: 'hi', author: { type: 'staff' }, now })).toThrow(/opted out/);
    expect(() => replyToClient(ctx, { ticketId: t.ticketId, text: '  ', author: { type: 'staff' }, now })).toThrow(/needs some text/);
  });

  it('moves status only along allowed paths and logs each change', () => {
    const ctx = testContext();
    const t = intake(ctx, webMessage());
    changeStatus(ctx, { ticketId: t.ticketId, to: 'pending', actor: { type: 'staff', id: '1' }, now });
    changeStatus(ctx, { ticketId: t.ticketId, to: 'resolved', actor: { type: 'staff', id: '1' }, now });
    changeStatus(ctx, { ticketId: t.ticketId, to: 'open', actor: { type: 'client' }, now });
    changeStatus(ctx, { ticketId: t.ticketId, to: 'closed', actor: { type: 'staff', id: '1' }, now });
    expect(() => changeStatus(ctx, { ticketId: t.ticketId, to: 'open', actor: { type: 'staff' }, now })).toThrow(/cannot become open/);
    addNote(ctx, { ticketId: t.ticketId, text: 'internal', author: { type: 'staff', staffId: null }, now });
    expect(eventsOf(ctx.db, t.ticketId).map((e) => e.type).slice(3)).toEqual([
      'status.changed',
      'status.changed',
      'ticket.reopened',
      'status.changed',
      'note.added',
    ]);
  });
});
