// Database rows to the API's JSON: camelCase, ISO-8601 UTC times, stable codes. Related rows
// (customers, assignees, flags) are fetched in one query per kind for a whole page.
import type { z } from 'zod';
import type { Tx } from '../../db/client';
import { contactsOfCustomer } from '../../db/store/customers';
import { staffByIds } from '../../db/store/staff';
import { customersByIds, flagsOfTickets } from '../../db/store/ticket-list';
import { attachmentsOfTicket, eventsOf, messagesOf, type TicketRow } from '../../db/store/tickets';
import { customerProfileOf } from '../escalation/profile.server';
import { slaSummaryForTicket } from '../sla/summary.server';
import type { ticketDetailSchema, ticketSummarySchema } from './schemas';

type TicketSummary = z.infer<typeof ticketSummarySchema>;
type TicketDetail = z.infer<typeof ticketDetailSchema>;

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function ticketSummaries(tx: Tx, rows: TicketRow[]): TicketSummary[] {
  const customers = new Map(customersByIds(tx, [...new Set(rows.map((r) => r.customerId))]).map((c) => [c.id, c]));
  const assigneeIds = [...new Set(rows.map((r) => r.assigneeId).filter((id): id is number => id !== null))];
  const staff = new Map(staffByIds(tx, assigneeIds).map((s) => [s.id, s]));
  const flags = new Map<number, TicketSummary['flags']>();
  for (const f of flagsOfTickets(tx, rows.map((r) => r.id))) {
    const list = flags.get(f.ticketId) ?? [];
    list.push({ flag: f.flag, detail: f.detail, createdAt: iso(f.createdAt) });
    flags.set(f.ticketId, list);
  }
  return rows.map((t) => {
    const assignee = t.assigneeId === null ? undefined : staff.get(t.assigneeId);
    return {
      reference: t.reference,
      kind: t.kind,
      feedbackType: (t.feedbackType as TicketSummary['feedbackType']) ?? null,
      channel: t.channel,
      status: t.status,
      priority: t.priority,
      product: t.product,
      cause: t.cause,
      subject: t.subject,
      language: t.language,
      level: t.level,
      customer: { id: t.customerId, name: customers.get(t.customerId)?.name ?? null },
      assignee: assignee ? { id: assignee.id, name: assignee.name, email: assignee.email } : null,
      teamId: t.teamId,
      flags: flags.get(t.id) ?? [],
      occurredOn: t.occurredOn,
      amount: t.amountMinor === null ? null : { minor: t.amountMinor, currency: t.currency ?? 'CNY' },
      outcomeWanted: t.outcomeWanted,
      consentToContact: t.consentToContact,
      createdAt: iso(t.createdAt),
      updatedAt: iso(t.updatedAt),
      lastMessageAt: iso(t.lastMessageAt),
      resolvedAt: isoOrNull(t.resolvedAt),
      closedAt: isoOrNull(t.closedAt),
    };
  });
}

function parseEventData(data: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(data);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function ticketDetail(tx: Tx, ticket: TicketRow, now: Date): TicketDetail {
  const [summary] = ticketSummaries(tx, [ticket]);
  const customer = customersByIds(tx, [ticket.customerId])[0];
  const attachmentsByMessage = new Map<number, TicketDetail['messages'][number]['attachments']>();
  for (const a of attachmentsOfTicket(tx, ticket.id)) {
    const list = attachmentsByMessage.get(a.messageId) ?? [];
    list.push({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, state: a.state, error: a.error });
    attachmentsByMessage.set(a.messageId, list);
  }
  return {
    ticket: summary!,
    customer: {
      id: ticket.customerId,
      name: customer?.name ?? null,
      customerNumber: customer?.customerNumber ?? null,
      contacts: contactsOfCustomer(tx, ticket.customerId).map((c) => ({
        kind: c.kind,
        value: c.value,
        optedOut: c.optedOutAt !== null,
        undeliverable: c.undeliverableAt !== null,
      })),
    },
    messages: messagesOf(tx, ticket.id).map((m) => ({
      id: m.id,
      direction: m.direction,
      channel: m.channel,
      authorType: m.authorType,
      authorStaffId: m.authorStaffId,
      senderAddress: m.senderAddress,
      senderName: m.senderName,
      subject: m.subject,
      text: m.text,
      deliveryStatus: m.deliveryStatus,
      createdAt: iso(m.createdAt),
      attachments: attachmentsByMessage.get(m.id) ?? [],
    })),
    events: eventsOf(tx, ticket.id).map((e) => ({
      id: e.id,
      type: e.type,
      actorType: e.actorType,
      actorId: e.actorId,
      data: parseEventData(e.data),
      public: e.public,
      at: iso(e.at),
    })),
    sla: slaSummaryForTicket(tx, ticket.id, now),
    customerProfile: customerProfileOf(tx, ticket.id, now),
  };
}
