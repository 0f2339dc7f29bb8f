// The client's side of a ticket, reached only through a tracking-link token: issuing fresh
// tokens (a replayed web submission, "Lost your link?") and reading what the client may see:
// the status, public events, and the messages in and out (never internal notes).
import { writeTransaction, type Db } from '../../db/client';
import type { TicketStatus } from '../../db/constants';
import {
  attachmentsOfTicket,
  eventsOf,
  findTicketById,
  findTicketIdByTokenHash,
  insertTrackingToken,
  messagesOf,
  type TicketRow,
} from '../../db/store/tickets';
import type { TicketContext } from './context';
import { NotFound } from './errors';
import { hashToken, newTrackingToken } from './tracking-token.server';

/** What every tracking token looks like (32 random bytes, base64url); anything else is not one. */
export const TRACKING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new token for an existing ticket. Old tokens keep working: a client may have the first
 * link in an email and the new one on screen.
 */
export function issueTrackingToken(ctx: TicketContext, { ticketId, now }: { ticketId: number; now: Date }): string {
  const token = newTrackingToken();
  writeTransaction(ctx.db, (tx) => {
    if (!findTicketById(tx, ticketId)) throw new NotFound(`No ticket ${ticketId}`);
    insertTrackingToken(tx, ticketId, hashToken(token), now);
  });
  return token;
}

/** The ticket a token opens, or undefined for a malformed, forged or unknown one. */
export function ticketForToken(db: Db, token: string): TicketRow | undefined {
  if (!TRACKING_TOKEN_PATTERN.test(token)) return undefined;
  const id = findTicketIdByTokenHash(db, hashToken(token));
  return id === undefined ? undefined : findTicketById(db, id);
}

export interface ClientAttachment {
  id: number;
  filename: string;
}

export interface ClientMessage {
  id: number;
  direction: 'in' | 'out';
  channel: string;
  text: string;
  at: Date;
  attachments: ClientAttachment[];
}

export interface ClientEvent {
  id: number;
  type: string;
  data: Record<string, unknown>;
  at: Date;
}

export interface ClientView {
  ticket: TicketRow;
  status: TicketStatus;
  events: ClientEvent[];
  messages: ClientMessage[];
  /** Whether the client may still add messages (a closed case takes none). */
  acceptsFollowUps: boolean;
}

export function clientView(db: Db, ticket: TicketRow): ClientView {
  const files = attachmentsOfTicket(db, ticket.id);
  const messages = messagesOf(db, ticket.id, ['in', 'out']).map(
    (m): ClientMessage => ({
      id: m.id,
      direction: m.direction as 'in' | 'out',
      channel: m.channel,
      text: m.text,
      at: m.createdAt,
      attachments: files.filter((f) => f.messageId === m.id).map((f) => ({ id: f.id, filename: f.filename })),
    }),
  );
  const events = eventsOf(db, ticket.id, true).map(
    (e): ClientEvent => ({ id: e.id, type: e.type, data: parseData(e.data), at: e.at }),
  );
  return { ticket, status: ticket.status, events, messages, acceptsFollowUps: ticket.status !== 'closed' };
}

function parseData(json: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
