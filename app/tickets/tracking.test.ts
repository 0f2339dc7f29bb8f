import { describe, expect, it } from 'vitest';
import { outboxOfTicket } from '../../db/store/outbox';
import { eventsOf } from '../../db/store/tickets';
import { testContext, webMessage } from '../../tests/support/ticket-context';
import { intake } from './intake.server';
import { resendTrackingLink } from './lost-link.server';
import { addNote } from './reply.server';
import { clientView, issueTrackingToken, ticketForToken } from './tracking.server';

const now = new Date('2026-03-02T00:00:00Z');

describe('tracking tokens', () => {
  it('issues fresh tokens that open the same ticket while the old one keeps working', () => {
    const ctx = testContext();
    const r = intake(ctx, webMessage());
    const fresh = issueTrackingToken(ctx, { ticketId: r.ticketId, now });
    expect(fresh).not.toBe(r.trackingToken);
    expect(ticketForToken(ctx.db, fresh)?.id).toBe(r.ticketId);
    expect(ticketForToken(ctx.db, r.trackingToken!)?.id).toBe(r.ticketId);
    expect(ticketForToken(ctx.db, 'B'.repeat(43))).toBeUndefined();
    expect(ticketForToken(ctx.db, '../etc/passwd')).toBeUndefined();
  });

  it('shows the client messages in and out, never notes, and public events only', () => {
    const ctx = testContext();
    const r = intake(ctx, webMessage());
    addNote(ctx, { ticketId: r.ticketId, text: 'secret', author: { type: 'staff' }, now });
    const view = clientView(ctx.db, ticketForToken(ctx.db, r.trackingToken!)!);
    expect(view.messages.map((m) => m.text)).toEqual(['My wealth product was sold to me as a deposit.']);
    expect(view.events.map((e) => e.type)).toEqual(['ticket.created', 'message.received']);
    expect(view.acceptsFollowUps).toBe(true);
  });
});

describe('lost link', () => {
  it('queues a new link only when the contact belongs to the ticket, on that contact’s channel', () => {
    const ctx = testContext();
    const r = intake(ctx, webMessage({ sender: { email: 'a@example.com', phone: '+8613800138000' } }));
    const acks = outboxOfTicket(ctx.db, r.ticketId).length;
    expect(resendTrackingLink(ctx, { reference: r.reference, contact: { kind: 'email', value: 'b@example.com' }, now })).toBe(false);
    expect(resendTrackingLink(ctx, { reference: 'CMP-2026-999999', contact: { kind: 'email', value: 'a@example.com' }, now })).toBe(false);
    expect(resendTrackingLink(ctx, { reference: r.reference.toLowerCase(), contact: { kind: 'phone', value: '+8613800138000' }, now })).toBe(true);
    const rows = outboxOfTicket(ctx.db, r.ticketId).slice(acks);
    expect(rows.map((o) => [o.channel, o.recipient, o.purpose])).toEqual([['sms', '+8613800138000', 'tracking-link']]);
    const token = /\/track\/([\w-]{43})/.exec(rows[0]!.body)![1]!;
    expect(ticketForToken(ctx.db, token)?.id).toBe(r.ticketId);
    expect(eventsOf(ctx.db, r.ticketId).filter((e) => e.type === 'tracking.link.resent')).toHaveLength(1);
  });
});
