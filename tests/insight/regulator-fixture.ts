// A small history whose return figures are worked out by hand in export.test.ts.
import { changeStatus } from '../../app/tickets/status.server';
import type { TicketContext } from '../../app/tickets/context';
import { claimDueOutbox, markOutboxSent } from '../../db/store/outbox';
import { addStaff, openComplaint } from '../support/insight-fixtures';
import { intake } from '../../app/tickets/intake.server';
import { webMessage } from '../support/ticket-context';

const t = (iso: string) => new Date(iso);

export const TRICKY_SUBJECT = '我买的"稳健"理财，结果亏了 12,000 元, and "nobody" told me';

export function buildRegulatorFixture(ctx: TicketContext) {
  const staff = addStaff(ctx.db, { email: 'desk@bank.example', role: 'agent', language: 'zh' });
  const resolve = (ticketId: number, at: string) => changeStatus(ctx, { ticketId, to: 'resolved', actor: { type: 'staff', id: String(staff) }, now: t(at) });

  // #1 web, wealth, mis-selling; acknowledged by email at 08:05, resolved 10 days later.
  const one = intake(
    ctx,
    webMessage({ sender: { name: '李伟', email: 'li@example.com' }, subject: TRICKY_SUBJECT, text: '详情见附件', receivedAt: t('2026-01-10T08:00:00Z') }),
    { kind: 'complaint', product: 'wealth', cause: 'mis_selling' },
  );
  const [ack] = claimDueOutbox(ctx.db, { channels: ['email'], now: t('2026-01-10T08:05:00Z'), leaseMs: 60_000, limit: 10 });
  markOutboxSent(ctx.db, ack!.id, 'smtp-1', t('2026-01-10T08:05:00Z'));
  resolve(one.ticketId, '2026-01-20T08:00:00Z');

  // #2 sms, cards, fees; acknowledgement never sent; resolved after 73 days.
  const two = intake(
    ctx,
    webMessage({ channel: 'sms', sender: { phone: '+8613800138000' }, text: 'Annual fee charged twice', receivedAt: t('2026-02-01T00:00:00Z') }),
    { kind: 'complaint', product: 'cards', cause: 'fees' },
  );
  resolve(two.ticketId, '2026-04-15T00:00:00Z');

  // #3 a phone call logged by staff: insurance claim, resolved the next day.
  const three = intake(
    ctx,
    webMessage({ channel: 'phone', sender: { name: '王芳', phone: '+8613900139000' }, text: '理赔被拒', receivedAt: t('2026-03-05T02:00:00Z') }),
    { kind: 'complaint', product: 'insurance', cause: 'contract_claims', loggedBy: staff },
  );
  resolve(three.ticketId, '2026-03-06T02:00:00Z');

  // #4 feedback whose subject would run as a formula; closed the next day without resolution.
  const four = intake(
    ctx,
    webMessage({ channel: 'email', sender: { email: 'x@example.com' }, subject: '=HYPERLINK("http://evil.example","click")', text: 'hi', receivedAt: t('2026-05-20T00:00:00Z') }),
    { kind: 'feedback', product: 'wealth', feedbackType: 'suggestion' },
  );
  changeStatus(ctx, { ticketId: four.ticketId, to: 'closed', actor: { type: 'staff' }, now: t('2026-05-21T00:00:00Z') });

  // #5 the last half hour of the half; resolved in July (closed in H2).
  const five = openComplaint(ctx, { at: t('2026-06-30T23:30:00Z'), product: 'funds', cause: 'unsuitable' });
  resolve(five.ticketId, '2026-07-02T00:00:00Z');

  // #6 opened in H2: in neither H1 figure.
  openComplaint(ctx, { at: t('2026-07-01T00:00:00Z'), product: 'funds', cause: 'unsuitable' });

  // #7 opened in 2025H2, resolved in H1 after 16 days.
  const seven = openComplaint(ctx, { at: t('2025-12-20T00:00:00Z'), product: 'loans', cause: 'debt_collection' });
  resolve(seven.ticketId, '2026-01-05T00:00:00Z');

  // #8 an enquiry still open.
  const eight = intake(ctx, webMessage({ sender: { email: 'q@example.com' }, text: 'Question', receivedAt: t('2026-06-29T00:00:00Z') }), { kind: 'enquiry' });

  return { one, two, three, four, five, eight };
}
