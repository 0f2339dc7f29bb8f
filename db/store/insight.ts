// Insight reads and writes: the daily roll-ups, the reads behind the early warning and the
// reports, alerts, and the keyset pages the ticket export streams. Report reads go to the
// roll-ups, never to a scan of the tickets table.
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db, Tx } from '../client';
import type { Cause, Channel, Language, Product, TicketKind } from '../constants';
import { insightAlerts, insightAlertTickets, insightDailyCounts, insightDailyTotals, insightMonthlyCounts, staffUsers, ticketFlags, tickets } from '../schema';

export type AlertRow = typeof insightAlerts.$inferSelect;
export type NewAlert = typeof insightAlerts.$inferInsert;

const DAY_MS = 86_400_000;

export interface RollupKey {
  day: string;
  channel: Channel;
  product: Product | null;
  cause: Cause | null;
  kind: TicketKind;
  teamId: number | null;
}

/** Adds `delta` tickets to one roll-up cell, daily and monthly (negative to move a reclassified ticket out). */
export function bumpDailyCount(tx: Tx, key: RollupKey, delta = 1): void {
  const cell = {
    channel: key.channel,
    product: key.product ?? '',
    cause: key.cause ?? '',
    kind: key.kind,
    teamId: key.teamId ?? 0,
    opened: delta,
  };
  const d = insightDailyCounts;
  tx.insert(d)
    .values({ day: key.day, ...cell })
    .onConflictDoUpdate({
      target: [d.day, d.channel, d.product, d.cause, d.kind, d.teamId],
      set: { opened: sql`${d.opened} + ${delta}` },
    })
    .run();
  const t = insightDailyTotals;
  tx.insert(t)
    .values({ day: key.day, kind: key.kind, channel: key.channel, teamId: key.teamId ?? 0, opened: delta })
    .onConflictDoUpdate({ target: [t.day, t.kind, t.channel, t.teamId], set: { opened: sql`${t.opened} + ${delta}` } })
    .run();
  const m = insightMonthlyCounts;
  tx.insert(m)
    .values({ month: key.day.slice(0, 7), ...cell })
    .onConflictDoUpdate({
      target: [m.month, m.channel, m.product, m.cause, m.kind, m.teamId],
      set: { opened: sql`${m.opened} + ${delta}` },
    })
    .run();
}

/**
 * Recomputes every roll-up from the tickets table, in the caller's transaction (so readers see
 * the old figures or the new ones, never a half-built table). Returns the number of cells.
 */
export function rebuildDailyCounts(tx: Tx): number {
  tx.delete(insightDailyCounts).run();
  tx.delete(insightMonthlyCounts).run();
  tx.delete(insightDailyTotals).run();
  tx.run(sql`
    insert into insight_daily_counts (day, channel, product, cause, kind, team_id, opened)
    select strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), channel, coalesce(product, ''),
           coalesce(cause, ''), kind, coalesce(team_id, 0), count(*)
    from tickets
    group by 1, 2, 3, 4, 5, 6`);
  tx.run(sql`
    insert into insight_monthly_counts (month, channel, product, cause, kind, team_id, opened)
    select substr(day, 1, 7), channel, product, cause, kind, team_id, sum(opened)
    from insight_daily_counts
    group by 1, 2, 3, 4, 5, 6`);
  tx.run(sql`
    insert into insight_daily_totals (day, kind, channel, team_id, opened)
    select day, kind, channel, team_id, sum(opened)
    from insight_daily_counts
    group by 1, 2, 3, 4`);
  return tx.select({ n: sql<number>`count(*)` }).from(insightDailyCounts).get()!.n;
}

export type RollupDimension = 'channel' | 'product' | 'cause' | 'kind' | 'team';

const dimensionColumn = {
  channel: insightDailyCounts.channel,
  product: insightDailyCounts.product,
  cause: insightDailyCounts.cause,
  kind: insightDailyCounts.kind,
  team: insightDailyCounts.teamId,
} as const;

export interface VolumeFilter {
  /** First day counted (YYYY-MM-DD, UTC). */
  fromDay: string;
  /** First day no longer counted. */
  toDay: string;
  channel?: Channel;
  product?: Product;
  cause?: Cause;
  kind?: TicketKind;
  teamId?: number;
}

type Cube = typeof insightDailyCounts | typeof insightMonthlyCounts;

function dimensionFilter(c: Cube, f: VolumeFilter): SQL[] {
  const terms: SQL[] = [];
  if (f.channel) terms.push(eq(c.channel, f.channel));
  if (f.product) terms.push(eq(c.product, f.product));
  if (f.cause) terms.push(eq(c.cause, f.cause));
  if (f.kind) terms.push(eq(c.kind, f.kind));
  if (f.teamId !== undefined) terms.push(eq(c.teamId, f.teamId));
  return terms;
}

function volumeWhere(f: VolumeFilter): SQL {
  return and(gte(insightDailyCounts.day, f.fromDay), lt(insightDailyCounts.day, f.toDay), ...dimensionFilter(insightDailyCounts, f))!;
}

const nextMonthStart = (day: string) => {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/**
 * Splits [fromDay, toDay) into whole months (read from the monthly cube) and the days before
 * and after them (read from the daily cube).
 */
function splitPeriod(fromDay: string, toDay: string): { months: [string, string] | null; days: [string, string][] } {
  const firstWhole = fromDay.endsWith('-01') ? fromDay : nextMonthStart(fromDay);
  const lastWholeEnd = `${toDay.slice(0, 7)}-01`;
  if (firstWhole >= lastWholeEnd) return { months: null, days: [[fromDay, toDay]] };
  const days: [string, string][] = [];
  if (fromDay < firstWhole) days.push([fromDay, firstWhole]);
  if (lastWholeEnd < toDay) days.push([lastWholeEnd, toDay]);
  return { months: [firstWhole.slice(0, 7), lastWholeEnd.slice(0, 7)], days };
}

/** Runs a grouped sum over the cells of a period, months and edge days alike, and adds the parts up. */
function sumOverPeriod<K extends string>(
  tx: Tx,
  f: VolumeFilter,
  groupBy: (c: Cube) => Record<K, SQLiteColumn>,
): (Record<K, string | number> & { opened: number })[] {
  const { months, days } = splitPeriod(f.fromDay, f.toDay);
  const parts: { c: Cube; range: SQL }[] = days.map(([from, to]) => ({
    c: insightDailyCounts,
    range: and(gte(insightDailyCounts.day, from), lt(insightDailyCounts.day, to))!,
  }));
  if (months) {
    parts.push({ c: insightMonthlyCounts, range: and(gte(insightMonthlyCounts.month, months[0]), lt(insightMonthlyCounts.month, months[1]))! });
  }
  const totals = new Map<string, Record<K, string | number> & { opened: number }>();
  for (const { c, range } of parts) {
    const columns = groupBy(c);
    const rows = tx
      .select({ ...columns, opened: sql<number>`sum(${c.opened})` })
      .from(c)
      .where(and(range, ...dimensionFilter(c, f)))
      .groupBy(...Object.values<SQLiteColumn>(columns))
      .all() as (Record<K, string | number> & { opened: number })[];
    for (const row of rows) {
      const key = JSON.stringify(Object.keys(columns).map((k) => row[k as K]));
      const seen = totals.get(key);
      if (seen) seen.opened += row.opened;
      else totals.set(key, { ...row });
    }
  }
  return [...totals.values()];
}

/** Tickets opened per day (only days with tickets). */
export function openedByDay(tx: Tx, filter: VolumeFilter): { day: string; opened: number }[] {
  if (!filter.product && !filter.cause) {
    // Neither product nor cause: the narrow totals answer it.
    const t = insightDailyTotals;
    const terms: SQL[] = [gte(t.day, filter.fromDay), lt(t.day, filter.toDay)];
    if (filter.channel) terms.push(eq(t.channel, filter.channel));
    if (filter.kind) terms.push(eq(t.kind, filter.kind));
    if (filter.teamId !== undefined) terms.push(eq(t.teamId, filter.teamId));
    return tx
      .select({ day: t.day, opened: sql<number>`sum(${t.opened})` })
      .from(t)
      .where(and(...terms))
      .groupBy(t.day)
      .orderBy(t.day)
      .all();
  }
  return tx
    .select({ day: insightDailyCounts.day, opened: sql<number>`sum(${insightDailyCounts.opened})` })
    .from(insightDailyCounts)
    .where(volumeWhere(filter))
    .groupBy(insightDailyCounts.day)
    .orderBy(insightDailyCounts.day)
    .all();
}

/** Tickets opened per value of one dimension, largest first; '' (product, cause) and 0 (team) mean unknown. */
export function openedByDimension(
  tx: Tx,
  filter: VolumeFilter,
  dimension: RollupDimension,
): { value: string | number; opened: number }[] {
  const column = (c: Cube) =>
    ({ channel: c.channel, product: c.product, cause: c.cause, kind: c.kind, team: c.teamId })[dimension] as SQLiteColumn;
  return sumOverPeriod(tx, filter, (c) => ({ value: column(c) }))
    .map((r) => ({ value: r.value, opened: r.opened }))
    .sort((a, b) => b.opened - a.opened || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** Opened per channel × product × cause: the cross-tabulation China's return asks for. */
export function openedByChannelProductCause(
  tx: Tx,
  filter: VolumeFilter,
): { channel: Channel; product: string; cause: string; opened: number }[] {
  return sumOverPeriod(tx, filter, (c) => ({ channel: c.channel as SQLiteColumn, product: c.product, cause: c.cause })).map((r) => ({
    channel: r.channel as Channel,
    product: String(r.product),
    cause: String(r.cause),
    opened: r.opened,
  }));
}

/** Daily complaint counts per product or cause, for the early warning. */
export function dailyComplaintCounts(
  tx: Tx,
  { dimension, fromDay, toDay }: { dimension: 'product' | 'cause'; fromDay: string; toDay: string },
): { value: string; day: string; opened: number }[] {
  const column = dimensionColumn[dimension];
  return tx
    .select({ value: column, day: insightDailyCounts.day, opened: sql<number>`sum(${insightDailyCounts.opened})` })
    .from(insightDailyCounts)
    .where(
      and(
        gte(insightDailyCounts.day, fromDay),
        lt(insightDailyCounts.day, toDay),
        eq(insightDailyCounts.kind, 'complaint'),
        // Unknown product or cause is not a series anyone can act on.
        sql`${column} <> ''`,
      ),
    )
    .groupBy(column, insightDailyCounts.day)
    .all();
}

/** Complaints opened in [from, to) with the given product or cause, oldest first. */
export function complaintsOpenedBetween(
  tx: Tx,
  { from, to, dimension, value }: { from: Date; to: Date; dimension: 'product' | 'cause'; value: string },
): { ticketId: number; reference: string }[] {
  return tx
    .select({ ticketId: tickets.id, reference: tickets.reference })
    .from(tickets)
    .where(
      and(
        gte(tickets.createdAt, from),
        lt(tickets.createdAt, to),
        eq(tickets.kind, 'complaint'),
        eq(dimension === 'product' ? tickets.product : tickets.cause, value as Product & Cause),
      ),
    )
    .orderBy(tickets.createdAt, tickets.id)
    .all();
}

/** Complaints opened in [from, to) with a product and one of `flags`. */
export function flaggedComplaintsBetween(
  tx: Tx,
  { from, to, flags }: { from: Date; to: Date; flags: readonly string[] },
): { ticketId: number; reference: string; customerId: number; product: string; flag: string }[] {
  if (flags.length === 0) return [];
  return tx
    .select({
      ticketId: tickets.id,
      reference: tickets.reference,
      customerId: tickets.customerId,
      product: sql<string>`${tickets.product}`,
      flag: ticketFlags.flag,
    })
    .from(tickets)
    .innerJoin(ticketFlags, eq(ticketFlags.ticketId, tickets.id))
    .where(
      and(
        gte(tickets.createdAt, from),
        lt(tickets.createdAt, to),
        eq(tickets.kind, 'complaint'),
        sql`${tickets.product} is not null`,
        inArray(ticketFlags.flag, [...flags]),
      ),
    )
    .all();
}

/** Inserts the alert unless its key (series and period) was raised before; returns its id only when new. */
export function insertAlert(tx: Tx, values: NewAlert): number | undefined {
  return tx.insert(insightAlerts).values(values).onConflictDoNothing().returning({ id: insightAlerts.id }).get()?.id;
}

export function linkAlertTickets(tx: Tx, alertId: number, ticketIds: number[]): void {
  // Chunked: SQLite caps the number of bound parameters in one statement.
  for (let i = 0; i < ticketIds.length; i += 400) {
    tx.insert(insightAlertTickets)
      .values(ticketIds.slice(i, i + 400).map((ticketId) => ({ alertId, ticketId })))
      .onConflictDoNothing()
      .run();
  }
}

export function alertTicketReferences(tx: Tx, alertId: number): string[] {
  return tx
    .select({ reference: tickets.reference })
    .from(insightAlertTickets)
    .innerJoin(tickets, eq(tickets.id, insightAlertTickets.ticketId))
    .where(eq(insightAlertTickets.alertId, alertId))
    .orderBy(tickets.id)
    .all()
    .map((r) => r.reference);
}

/** Alerts newest first, keyset-paged on (created_at, id). */
export function listAlerts(tx: Tx, { limit, before }: { limit: number; before?: { createdAt: Date; id: number } }): AlertRow[] {
  const a = insightAlerts;
  return tx
    .select()
    .from(a)
    .where(before ? or(lt(a.createdAt, before.createdAt), and(eq(a.createdAt, before.createdAt), lt(a.id, before.id))) : undefined)
    .orderBy(desc(a.createdAt), desc(a.id))
    .limit(limit)
    .all();
}

export function complianceStaff(tx: Tx): { id: number; email: string; name: string; language: Language }[] {
  return tx
    .select({ id: staffUsers.id, email: staffUsers.email, name: staffUsers.name, language: staffUsers.language })
    .from(staffUsers)
    .where(and(eq(staffUsers.role, 'compliance'), isNull(staffUsers.disabledAt)))
    .orderBy(staffUsers.id)
    .all();
}

export interface TicketFilter {
  channel?: Channel;
  product?: Product;
  cause?: Cause;
  kind?: TicketKind;
  teamId?: number;
}

/**
 * Open tickets counted by age: one pass over insight_tickets_open_idx, a partial index holding
 * only open tickets (few next to the history) and every filter column, one sum per bucket. `boundaries` are ages in
 * days, ascending; bucket i holds ages in [boundaries[i-1], boundaries[i]).
 */
export function openTicketsByAge(tx: Tx, { now, boundaries, filter = {} }: { now: Date; boundaries: number[]; filter?: TicketFilter }): number[] {
  const edges = boundaries.map((d) => now.getTime() - d * DAY_MS);
  const sums = [...edges, -Infinity].map((_, i) => {
    const newer = i === 0 ? null : edges[i - 1]!;
    const older = i < edges.length ? edges[i]! : null;
    const terms = [newer === null ? sql`1` : sql`${tickets.createdAt} <= ${newer}`, older === null ? sql`1` : sql`${tickets.createdAt} > ${older}`];
    return sql`coalesce(sum(case when ${sql.join(terms, sql` and `)} then 1 else 0 end), 0) as ${sql.identifier(`band_${i}`)}`;
  });
  const where: SQL[] = [sql`${tickets.status} in ('new', 'open', 'pending')`];
  if (filter.channel) where.push(eq(tickets.channel, filter.channel));
  if (filter.product) where.push(eq(tickets.product, filter.product));
  if (filter.cause) where.push(eq(tickets.cause, filter.cause));
  if (filter.kind) where.push(eq(tickets.kind, filter.kind));
  if (filter.teamId !== undefined) where.push(eq(tickets.teamId, filter.teamId));
  // INDEXED BY: without statistics the planner prefers tickets_status_created_idx and then
  // visits the table for every open ticket to test the filters; the partial index covers them.
  const [row] = tx.all<Record<string, number>>(
    sql`select ${sql.join(sums, sql`, `)} from ${tickets} indexed by insight_tickets_open_idx where ${and(...where)}`,
  );
  return sums.map((_, i) => Number(row![`band_${i}`]));
}

/**
 * Complaints finished (resolved, or closed without a resolution) in [from, to), per product,
 * with how long they took. The coalesce expression is the one indexed by insight_tickets_finished_idx.
 */
export function finishedComplaintsByProduct(
  tx: Tx,
  { from, to, limitsDays }: { from: Date; to: Date; limitsDays: number[] },
): { product: string; closed: number; within: number[] }[] {
  const finished = sql`coalesce(${tickets.resolvedAt}, ${tickets.closedAt})`;
  // Aliased one by one: unnamed, the sums would share a column name and collapse into one key.
  const withins = limitsDays.map(
    (d, i) => sql`sum(case when ${finished} - ${tickets.createdAt} <= ${d * DAY_MS} then 1 else 0 end) as ${sql.identifier(`within_${i}`)}`,
  );
  const rows = tx.all<Record<string, number | string>>(sql`
    select coalesce(${tickets.product}, '') as product, count(*) as closed, ${sql.join(withins, sql`, `)}
    from ${tickets}
    where ${finished} >= ${from.getTime()} and ${finished} < ${to.getTime()} and ${finished} is not null
      and ${tickets.kind} = 'complaint'
    group by 1 order by 1`);
  return rows.map((r) => {
    return { product: String(r.product), closed: Number(r.closed), within: limitsDays.map((_, i) => Number(r[`within_${i}`])) };
  });
}

export interface ExportRow {
  id: number;
  reference: string;
  createdAt: number;
  channel: Channel;
  kind: TicketKind;
  product: Product | null;
  cause: Cause | null;
  subject: string;
  status: string;
  resolvedAt: number | null;
  closedAt: number | null;
  /** author_type of the ticket's first message: client, or staff who logged a call or visit. */
  source: string | null;
  /** When the first acknowledgement actually went out. */
  acknowledgedAt: number | null;
}

export function countTicketsCreatedBetween(db: Db, { from, to }: { from: Date; to: Date }): number {
  return db.select({ n: sql<number>`count(*)` }).from(tickets).where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to))).get()!.n;
}

/**
 * Calls `each` for up to `limit` tickets created in [from, to) after the keyset position
 * `after`, oldest first, and returns how many it visited. better-sqlite3's iterate() hands rows
 * over one at a time, so a page never sits in memory as an array; the statement finishes before
 * this returns, so the connection is free again before the caller awaits anything.
 */
export function iterateExportPage(
  db: Db,
  { from, to, after, limit }: { from: Date; to: Date; after: { createdAt: number; id: number } | null; limit: number },
  each: (row: ExportRow) => void,
): number {
  const stmt = db.$client.prepare(`
    select t.id, t.reference, t.created_at as createdAt, t.channel, t.kind, t.product, t.cause, t.subject, t.status,
           t.resolved_at as resolvedAt, t.closed_at as closedAt,
           (select m.author_type from messages m where m.ticket_id = t.id order by m.id limit 1) as source,
           (select min(o.sent_at) from outbox o where o.ticket_id = t.id and o.purpose = 'ack' and o.status = 'sent') as acknowledgedAt
    from tickets t
    where t.created_at >= @lower and t.created_at < @to
      ${after ? 'and (t.created_at > @lower or t.id > @afterId)' : ''}
    order by t.created_at, t.id
    limit @limit`);
  let n = 0;
  for (const row of stmt.iterate({
    // One lower bound, where the last page ended: SQLite seeks the index there. With the period
    // start as a second bound (or a row-value comparison) it seeks the period start and walks
    // every earlier page again, which makes a long export quadratic.
    lower: after ? after.createdAt : from.getTime(),
    to: to.getTime(),
    ...(after ? { afterId: after.id } : {}),
    limit,
  })) {
    each(row as ExportRow);
    n++;
  }
  return n;
}

/** Alerts raised in [from, to), newest first, at most `limit` (insight_alerts_created_idx). */
export function alertsRaisedBetween(tx: Tx, { from, to, limit }: { from: Date; to: Date; limit: number }): AlertRow[] {
  const a = insightAlerts;
  return tx
    .select()
    .from(a)
    .where(and(gte(a.createdAt, from), lt(a.createdAt, to)))
    .orderBy(desc(a.createdAt), desc(a.id))
    .limit(limit)
    .all();
}

/** The first `limit` tickets an alert links (its whole list can run to hundreds), and how many it links. */
export function alertTicketSample(tx: Tx, alertId: number, limit: number): { references: string[]; total: number } {
  const references = tx
    .select({ reference: tickets.reference })
    .from(insightAlertTickets)
    .innerJoin(tickets, eq(tickets.id, insightAlertTickets.ticketId))
    .where(eq(insightAlertTickets.alertId, alertId))
    .orderBy(tickets.id)
    .limit(limit)
    .all()
    .map((r) => r.reference);
  const total = tx.select({ n: sql<number>`count(*)` }).from(insightAlertTickets).where(eq(insightAlertTickets.alertId, alertId)).get()!.n;
  return { references, total };
}
