// The staff queue's reads: one page of a built-in view (keyset pagination over the partial
// and expression indexes of migration 0002_staff_custom), bounded counts, full-text search,
// and the display rows of a page. The SQL expressions below must stay identical to the
// indexed ones, or SQLite falls back to scanning tickets.
import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../client';
import type { Channel, Priority, Product, TicketKind, TicketStatus } from '../constants';

/** The due time with "no SLA" sorted last; indexed as written. */
export const DUE_EXPR = 'coalesce(sla_due_at, 9007199254740991)';
export const PRIORITY_EXPR = "(CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END)";
/** The partial indexes' condition, written the same way so the planner can use them. */
export const OPEN_SQL = "status in ('new','open','pending')";

import { COUNT_CAP, type QueueSort, type QueueView } from '../queue-constants';

export { COUNT_CAP, QUEUE_SORTS, QUEUE_VIEWS, type QueueSort, type QueueView } from '../queue-constants';

export interface QueueFilters {
  status?: TicketStatus;
  channel?: Channel;
  kind?: TicketKind;
  priority?: Priority;
  product?: Product;
  cause?: string;
  flag?: string;
  assigneeId?: number;
  teamId?: number;
  level?: number;
  slaState?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

/** Who is looking: agents see their team's tickets, unassigned ones and their own. */
export interface QueueScope {
  userId: number;
  teamId: number | null;
  restricted: boolean;
}

/** Keyset position: the sort key values of the last row seen, then its id. */
export type QueueCursor = number[];

export interface QueuePageQuery {
  view: QueueView;
  sort: QueueSort;
  filters: QueueFilters;
  scope: QueueScope;
  cursor?: QueueCursor | null;
  limit: number;
  now: Date;
}

const FOUR_HOURS_MS = 4 * 60 * 60 * 1000;

function viewWhere(view: QueueView, scope: QueueScope, now: Date): SQL {
  const open = sql.raw(OPEN_SQL);
  switch (view) {
    case 'mine':
      return sql`${open} and assignee_id = ${scope.userId}`;
    case 'unassigned':
      return sql`${open} and assignee_id is null`;
    case 'due4h':
      return sql`${open} and status <> 'pending' and ${sql.raw(DUE_EXPR)} >= ${now.getTime()} and ${sql.raw(DUE_EXPR)} < ${now.getTime() + FOUR_HOURS_MS}`;
    case 'breached':
      return sql`${open} and sla_state = 'breached'`;
    case 'escalated':
      return sql`${open} and level > 0`;
    case 'flagged':
      return sql`${open} and flag_count > 0`;
    case 'pending':
      return sql`${open} and status = 'pending'`;
    case 'open':
      return open;
    case 'resolved':
      return sql`status = 'resolved'`;
  }
}

/**
 * The index each view pages through. Named explicitly: without ANALYZE statistics SQLite
 * prefers the (status, …) index for "status in (…)" and sorts every open ticket instead.
 */
export function viewIndex(view: QueueView, sort: QueueSort): string {
  if (view === 'open' && sort !== 'due') {
    return { priority: 'tickets_q_open_priority_idx', created: 'tickets_q_open_created_idx', updated: 'tickets_q_open_updated_idx' }[sort];
  }
  if (view === 'resolved') return sort === 'created' ? 'tickets_status_created_idx' : 'tickets_q_status_updated_idx';
  switch (view) {
    case 'mine':
    case 'unassigned':
      return 'tickets_q_assignee_due_idx';
    case 'breached':
      return 'tickets_q_sla_state_due_idx';
    case 'escalated':
      return 'tickets_q_escalated_due_idx';
    case 'flagged':
      return 'tickets_q_flagged_due_idx';
    case 'pending':
      return 'tickets_q_status_due_idx';
    case 'due4h':
    case 'open':
      return 'tickets_q_open_due_idx';
  }
}

function scopeWhere(scope: QueueScope): SQL | undefined {
  if (!scope.restricted) return undefined;
  return scope.teamId == null
    ? sql`(assignee_id is null or assignee_id = ${scope.userId})`
    : sql`(team_id = ${scope.teamId} or assignee_id is null or assignee_id = ${scope.userId})`;
}

function filterWhere(f: QueueFilters): SQL[] {
  const out: SQL[] = [];
  if (f.status) out.push(sql`status = ${f.status}`);
  if (f.channel) out.push(sql`channel = ${f.channel}`);
  if (f.kind) out.push(sql`kind = ${f.kind}`);
  if (f.priority) out.push(sql`priority = ${f.priority}`);
  if (f.product) out.push(sql`product = ${f.product}`);
  if (f.cause) out.push(sql`cause = ${f.cause}`);
  if (f.flag) out.push(sql`flag_count > 0 and exists (select 1 from ticket_flags f where f.ticket_id = tickets.id and f.flag = ${f.flag})`);
  if (f.assigneeId !== undefined) out.push(sql`assignee_id = ${f.assigneeId}`);
  if (f.teamId !== undefined) out.push(sql`team_id = ${f.teamId}`);
  if (f.level !== undefined) out.push(sql`level = ${f.level}`);
  if (f.slaState) out.push(sql`sla_state = ${f.slaState}`);
  if (f.createdFrom) out.push(sql`created_at >= ${f.createdFrom.getTime()}`);
  if (f.createdTo) out.push(sql`created_at < ${f.createdTo.getTime()}`);
  return out;
}

/** Resolved tickets are read most recently touched first; every open view by SLA due. */
export function defaultSortOf(view: QueueView): QueueSort {
  return view === 'resolved' ? 'updated' : 'due';
}

interface SortSpec {
  keys: string[];
  desc: boolean;
}

export function sortSpec(sort: QueueSort): SortSpec {
  switch (sort) {
    case 'due':
      return { keys: [DUE_EXPR], desc: false };
    case 'priority':
      return { keys: [PRIORITY_EXPR, DUE_EXPR], desc: false };
    case 'created':
      return { keys: ['created_at'], desc: true };
    case 'updated':
      return { keys: ['updated_at'], desc: true };
  }
}

function and(parts: (SQL | undefined)[]): SQL {
  return sql.join(
    parts.filter((p): p is SQL => p !== undefined).map((p) => sql`(${p})`),
    sql` and `,
  );
}

/**
 * The SQL of one page's ids: one statement, or after a cursor several, to run in order until the
 * page is full. "After (k0, …, kn) in sort order" is the union of n + 1 disjoint ranges — for
 * i = n … 0: k0 … k(i-1) equal to the cursor's and ki past it — each one index seek, and they
 * come in sort order. A single row-value comparison `(k0, …, id) > (…)` would be simpler, but
 * SQLite seeks on a row value only of plain columns: with the due and priority expressions it
 * walked the view's index from its start, so page 200 read 10,000 entries.
 */
export function queuePageSqls(q: QueuePageQuery): SQL[] {
  const spec = sortSpec(q.sort);
  const cols = [...spec.keys, 'id'];
  const base: (SQL | undefined)[] = [viewWhere(q.view, q.scope, q.now), scopeWhere(q.scope), ...filterWhere(q.filters)];
  const select = sql.raw(cols.map((c, i) => `${c} as k${i}`).join(', '));
  const from = sql.raw(`tickets indexed by ${viewIndex(q.view, q.sort)}`);
  // Ordered by the keys from `first` on: the keys before it are fixed by equalities, and SQLite
  // sorts in a temporary tree when an ORDER BY names an expression an equality already fixed.
  const statement = (after: SQL[], first: number) => {
    const order = sql.raw(cols.slice(first).map((c) => `${c}${spec.desc ? ' desc' : ''}`).join(', '));
    return sql`select ${select} from ${from} where ${and([...base, ...after])} order by ${order} limit ${q.limit + 1}`;
  };
  const cursor = q.cursor;
  if (!cursor || cursor.length !== cols.length) return [statement([], 0)];
  const past = sql.raw(spec.desc ? '<' : '>');
  return cols
    .map((_, i) => cols.length - 1 - i)
    .map((i) => statement([...cols.slice(0, i).map((c, j) => sql`${sql.raw(c)} = ${cursor[j]}`), sql`${sql.raw(cols[i]!)} ${past} ${cursor[i]}`], i));
}

export interface QueuePage {
  ids: number[];
  /** Cursor for the next page, or null at the end. */
  next: QueueCursor | null;
}

export function queuePage(tx: Tx, q: QueuePageQuery): QueuePage {
  const rows: Record<string, number>[] = [];
  for (const statement of queuePageSqls(q)) {
    rows.push(...tx.all<Record<string, number>>(statement));
    if (rows.length > q.limit) break;
  }
  const width = sortSpec(q.sort).keys.length + 1;
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const next = rows.length > q.limit && last ? Array.from({ length: width }, (_, i) => last[`k${i}`]!) : null;
  return { ids: page.map((r) => r[`k${width - 1}`]!), next };
}

export function countViewSql(view: QueueView, scope: QueueScope, now: Date): SQL {
  const from = sql.raw(`tickets indexed by ${viewIndex(view, defaultSortOf(view))}`);
  return sql`select count(*) as n from (select 1 from ${from} where ${and([viewWhere(view, scope, now), scopeWhere(scope)])} limit ${COUNT_CAP + 1})`;
}

/** Each view's count, capped at COUNT_CAP + 1 (shown as "1000+"). */
export function countViews(tx: Tx, views: readonly QueueView[], scope: QueueScope, now: Date): Record<QueueView, number> {
  const out = {} as Record<QueueView, number>;
  for (const v of views) out[v] = tx.get<{ n: number }>(countViewSql(v, scope, now))!.n;
  return out;
}

/** FTS5 phrase query: the text is matched as typed, never as query syntax. */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Trigram search needs three characters; shorter queries look only at this many newest tickets. */
export const SHORT_SEARCH_WINDOW = 50_000;

export interface SearchQuery {
  text: string;
  view: QueueView;
  filters: QueueFilters;
  scope: QueueScope;
  /** Id of the last row seen; results are newest first. */
  beforeId?: number | null;
  limit: number;
  now: Date;
}

/**
 * The SQL of one page of search results: one statement per place a match can be (subject,
 * message text, customer name or contact), each returning its newest matching ids in the view.
 * The page is the newest of their union. Subjects are read newest first straight from the FTS
 * index and stop at the page's size, so a term in a tenth of all subjects costs a page, not a
 * hundred thousand matches sorted; messages and customers are usually few and are collected.
 */
export function searchSqls(tx: Tx, q: SearchQuery): SQL[] {
  const text = q.text.trim();
  const where: (SQL | undefined)[] = [viewWhere(q.view, q.scope, q.now), scopeWhere(q.scope), ...filterWhere(q.filters)];
  if (q.beforeId) where.push(sql`id < ${q.beforeId}`);
  const limit = q.limit + 1;
  // NOT INDEXED: fetch the matches by rowid rather than walk a view index past every open ticket.
  const among = (matches: SQL) => sql`select id from tickets not indexed where ${and([sql`id in (${matches})`, ...where])} order by id desc limit ${limit}`;
  if ([...text].length < 3) {
    const maxId = tx.get<{ m: number | null }>(sql`select max(id) as m from tickets`)?.m ?? 0;
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return [among(sql`select rowid from tickets_fts where rowid > ${maxId - SHORT_SEARCH_WINDOW} and subject like ${like} escape '\\'`)];
  }
  const phrase = ftsPhrase(text);
  return [
    // tickets_fts has one column, subject, so the view's bare column names are the ticket's.
    sql`select tickets.id from tickets_fts join tickets on tickets.id = tickets_fts.rowid
      where ${and([sql`tickets_fts match ${phrase}`, ...where])} order by tickets_fts.rowid desc limit ${limit}`,
    among(sql`select ticket_id from messages where id in (select rowid from messages_fts where messages_fts match ${phrase})`),
    among(sql`select t2.id from tickets t2 where t2.customer_id in (select rowid from customers_fts where customers_fts match ${phrase})`),
  ];
}

export function searchTickets(tx: Tx, q: SearchQuery): { ids: number[]; next: number | null } {
  const found = new Set<number>();
  for (const statement of searchSqls(tx, q)) for (const r of tx.all<{ id: number }>(statement)) found.add(r.id);
  const rows = [...found].sort((a, b) => b - a).slice(0, q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { ids: page, next: rows.length > q.limit ? page.at(-1)! : null };
}

export interface QueueRow {
  id: number;
  reference: string;
  subject: string;
  channel: Channel;
  kind: TicketKind;
  product: Product | null;
  priority: Priority;
  status: TicketStatus;
  level: number;
  slaDueAt: number | null;
  slaState: string | null;
  createdAt: number;
  updatedAt: number;
  customer: string | null;
  assigneeId: number | null;
  assignee: string | null;
  teamId: number | null;
  team: string | null;
  flags: string[];
}

/** Display rows for a page of ids, in the order given. */
export function queueRows(tx: Tx, ids: number[]): QueueRow[] {
  if (ids.length === 0) return [];
  const list = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const rows = tx.all<Omit<QueueRow, 'flags'>>(sql`
    select t.id, t.reference, t.subject, t.channel, t.kind, t.product, t.priority, t.status, t.level,
      t.sla_due_at as slaDueAt, t.sla_state as slaState, t.created_at as createdAt, t.updated_at as updatedAt,
      c.name as customer, t.assignee_id as assigneeId, s.name as assignee, t.team_id as teamId, tm.name as team
    from tickets t
    join customers c on c.id = t.customer_id
    left join staff_users s on s.id = t.assignee_id
    left join teams tm on tm.id = t.team_id
    where t.id in (${list})`);
  const flags = tx.all<{ ticketId: number; flag: string }>(
    sql`select ticket_id as ticketId, flag from ticket_flags where ticket_id in (${list}) order by flag`,
  );
  const byId = new Map(rows.map((r) => [r.id, { ...r, flags: [] as string[] }]));
  for (const f of flags) byId.get(f.ticketId)?.flags.push(f.flag);
  return ids.map((id) => byId.get(id)).filter((r): r is QueueRow => r !== undefined);
}

/** Ticket ids changed since an event id: the live feed reads the append-only event log. */
export function changesSince(tx: Tx, afterEventId: number, limit: number): { lastId: number; ticketIds: number[] } {
  const rows = tx.all<{ id: number; ticketId: number }>(
    sql`select id, ticket_id as ticketId from events where id > ${afterEventId} order by id limit ${limit}`,
  );
  return { lastId: rows.at(-1)?.id ?? afterEventId, ticketIds: [...new Set(rows.map((r) => r.ticketId))] };
}

export function lastEventId(tx: Tx): number {
  return tx.get<{ m: number | null }>(sql`select max(id) as m from events`)?.m ?? 0;
}
