// The /api/v1/tickets handlers. Each one: authenticate, check the role, parse the input with
// its zod schema, call the ticket model (intake, updateTicket, replyToClient, addNote), answer
// JSON. Route modules only pick the handler by method.
import { randomUUID } from 'node:crypto';
import type { RedressContext } from '../load-context';
import { writeTransaction } from '../../db/client';
import { findIdempotency, recordIdempotency } from '../../db/store/api-idempotency';
import { REFERENCE_PATTERN } from '../../db/constants';
import { listTickets } from '../../db/store/ticket-list';
import { findTicketByReference, insertTrackingToken, messagesOf, type TicketRow } from '../../db/store/tickets';
import { intake } from '../tickets/intake.server';
import { addNote, replyToClient } from '../tickets/reply.server';
import { hashToken, newTrackingToken, trackingUrl } from '../tickets/tracking-token.server';
import { updateTicket } from '../tickets/update.server';
import { authenticate, requirePermission, type ApiCaller } from './auth.server';
import { decodeCursor, encodeCursor } from './cursor';
import { fail, json, parseOr400, queryObject, readJsonBody } from './respond.server';
import { createTicketSchema, listQuerySchema, noteSchema, patchTicketSchema, replySchema } from './schemas';
import { ticketDetail, ticketSummaries } from './serialize.server';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

function caller(ctx: RedressContext, request: Request): ApiCaller {
  return authenticate(ctx.tickets.db, request);
}

/** The ticket a path names; 404 for a malformed or unknown reference alike. */
function ticketAt(ctx: RedressContext, reference: string | undefined): TicketRow {
  const ref = (reference ?? '').toUpperCase();
  const ticket = REFERENCE_PATTERN.test(ref) ? findTicketByReference(ctx.tickets.db, ref) : undefined;
  if (!ticket) fail(404, 'not_found', `No ticket ${reference ?? ''}.`);
  return ticket;
}

const actorOf = (c: ApiCaller) => ({ type: 'api' as const, id: `token:${c.tokenId}` });

function idempotencyKey(request: Request): string | null {
  const key = request.headers.get('idempotency-key');
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) fail(400, 'invalid_request', 'Idempotency-Key: 1 to 200 printable ASCII characters.');
  return key;
}

/**
 * Runs a write at most once per (token, Idempotency-Key): the write and the record of its answer
 * commit together (the write's own transaction nests as a savepoint), and a retry gets the first
 * answer back with `replayed: true`. Without a key the write simply runs.
 */
function once<T extends object>(
  ctx: RedressContext,
  who: ApiCaller,
  key: string | null,
  what: { operation: string; ticketId: number },
  write: () => T,
): { result: T; replayed: boolean } {
  if (key === null) return { result: write(), replayed: false };
  return writeTransaction(ctx.tickets.db, (tx) => {
    const seen = findIdempotency(tx, who.tokenId, key);
    if (seen) {
      if (seen.operation !== what.operation || seen.ticketId !== what.ticketId) {
        fail(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
      }
      return { result: JSON.parse(seen.response) as T, replayed: true };
    }
    const result = write();
    recordIdempotency(tx, { tokenId: who.tokenId, key, ...what, response: JSON.stringify(result), now: ctx.now() });
    return { result, replayed: false };
  });
}

export function listTicketsResponse(ctx: RedressContext, request: Request): Response {
  requirePermission(caller(ctx, request), 'read');
  const query = parseOr400(listQuerySchema, queryObject(new URL(request.url)));
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && after === null) fail(400, 'invalid_cursor', 'cursor: not a cursor this API gave out; start again without it.');
  const db = ctx.tickets.db;
  // One row more than asked tells whether another page exists without counting.
  const rows = listTickets(db, query, after, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt.getTime(), id: last.id }) : null;
  return json({ tickets: ticketSummaries(db, page), nextCursor });
}

export function ticketResponse(ctx: RedressContext, request: Request, reference: string | undefined): Response {
  requirePermission(caller(ctx, request), 'read');
  return json(ticketDetail(ctx.tickets.db, ticketAt(ctx, reference), ctx.now()));
}

export async function createTicketResponse(ctx: RedressContext, request: Request): Promise<Response> {
  const who = caller(ctx, request);
  requirePermission(who, 'create');
  const key = idempotencyKey(request);
  const body = parseOr400(createTicketSchema(ctx.defaultPhoneRegion), await readJsonBody(request));
  const now = ctx.now();
  // The key becomes the message's provider id, scoped to the token: intake's unique
  // (channel, provider id) index then makes a retried request return the same ticket.
  const providerMessageId = `api:${who.tokenId}:${key ?? randomUUID()}`;
  const result = intake(
    ctx.tickets,
    {
      channel: body.channel,
      sender: { name: body.name, email: body.email, phone: body.phone },
      subject: body.subject,
      text: body.description,
      attachments: [],
      providerMessageId,
      threadHints: [],
      receivedAt: now,
      language: body.language,
    },
    {
      kind: body.kind,
      feedbackType: body.kind === 'feedback' ? (body.feedbackType ?? null) : null,
      product: body.product ?? null,
      cause: body.cause ?? null,
      priority: body.priority,
      occurredOn: body.occurredOn ?? null,
      amountMinor: body.amount ?? null,
      currency: body.amount !== undefined ? body.currency : null,
      outcomeWanted: body.outcomeWanted ?? null,
      customerNumber: body.customerNumber ?? null,
      consentToContact: body.consentToContact,
      openedBy: actorOf(who),
    },
    now,
  );
  const db = ctx.tickets.db;
  let token = result.trackingToken;
  if (result.duplicate) {
    const original = messagesOf(db, result.ticketId).find((m) => m.id === result.messageId);
    if (original && original.text !== body.description) {
      fail(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
    }
    // The first response's link cannot be read back (only its hash is kept): give a fresh one
    // for the same ticket, as the web form does on a replay (docs/decisions/0003).
    token = newTrackingToken();
    writeTransaction(db, (tx) => insertTrackingToken(tx, result.ticketId, hashToken(token!), now));
  } else {
    ctx.kickOutbox();
  }
  const ticket = findTicketByReference(db, result.reference)!;
  return json(
    { ticket: ticketSummaries(db, [ticket])[0], trackingUrl: token ? trackingUrl(ctx.publicUrl, token) : null, replayed: result.duplicate },
    result.duplicate ? 200 : 201,
    { Location: `/api/v1/tickets/${ticket.reference}` },
  );
}

export async function patchTicketResponse(ctx: RedressContext, request: Request, reference: string | undefined): Promise<Response> {
  const who = caller(ctx, request);
  const ticket = ticketAt(ctx, reference);
  const body = parseOr400(patchTicketSchema, await readJsonBody(request));
  if (body.status !== undefined) requirePermission(who, 'status');
  if (body.priority !== undefined) requirePermission(who, 'priority');
  if (body.assigneeId !== undefined) requirePermission(who, 'assign');
  if (body.flags !== undefined) requirePermission(who, 'flag');
  const changes = updateTicket(ctx.tickets, {
    ticketId: ticket.id,
    status: body.status,
    statusReason: body.statusReason ?? null,
    priority: body.priority,
    assigneeId: body.assigneeId,
    addFlags: body.flags?.add,
    removeFlags: body.flags?.remove,
    actor: actorOf(who),
    now: ctx.now(),
  });
  const after = findTicketByReference(ctx.tickets.db, ticket.reference)!;
  return json({ ticket: ticketSummaries(ctx.tickets.db, [after])[0], changes });
}

export async function replyResponse(ctx: RedressContext, request: Request, reference: string | undefined): Promise<Response> {
  const who = caller(ctx, request);
  requirePermission(who, 'reply');
  const ticket = ticketAt(ctx, reference);
  const key = idempotencyKey(request);
  const body = parseOr400(replySchema, await readJsonBody(request));
  const { result, replayed } = once(ctx, who, key, { operation: 'reply', ticketId: ticket.id }, () => {
    const r = replyToClient(ctx.tickets, { ticketId: ticket.id, text: body.text, channel: body.channel, author: { type: 'api' }, now: ctx.now() });
    return { messageId: r.messageId, channel: r.channel, queued: r.channel !== 'web' };
  });
  if (result.queued && !replayed) ctx.kickOutbox();
  return json({ ...result, replayed }, replayed ? 200 : 201);
}

export async function noteResponse(ctx: RedressContext, request: Request, reference: string | undefined): Promise<Response> {
  const who = caller(ctx, request);
  requirePermission(who, 'note');
  const ticket = ticketAt(ctx, reference);
  const key = idempotencyKey(request);
  const body = parseOr400(noteSchema, await readJsonBody(request));
  const { result, replayed } = once(ctx, who, key, { operation: 'note', ticketId: ticket.id }, () => ({
    messageId: addNote(ctx.tickets, { ticketId: ticket.id, text: body.text, author: { type: 'api' }, now: ctx.now() }),
  }));
  return json({ ...result, replayed }, replayed ? 200 : 201);
}
