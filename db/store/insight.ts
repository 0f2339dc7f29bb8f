// Insight reads and writes: the daily roll-ups, the reads behind the early warning and the
// reports, alerts, and the keyset pages the ticket export streams. Report reads go to the
// roll-ups, never to a scan of the tickets table.
import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { preparedFor, writeTransaction, type Db, type Tx } from '../client';
import type { Cause, Channel, Language, Product, TicketKind } from '../constants';
import {
  caseReviews,
  insightAgentDaily,
  insightAlerts,
  insightAlertTickets,
  insightDailyCounts,
  insightDailyFacts,
  insightDailyTotals,
  insightMonthlyCounts,
  insightMonthlyFacts,
  insightMonthlyFactTotals,
  insightTimerQueue,
  ratings,
  slaPolicies,
  slaTimers,
  staffUsers,
  ticketFlags,
  tickets,
} from '../schema';

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
  return openedByDimensions(tx, filter, [dimension])[dimension]!;
}

/**
 * Several breakdowns from one pass over the period's cells (grouped by all the dimensions at
 * once, then summed per dimension here), each as openedByDimension gives it: the reports page
 * shows four. At a million tickets this read the year's cells once instead of four times but
 * saved little (347 → 294 ms): sorting the cells for the grouping is the cost either way.
 */
export function openedByDimensions<D extends RollupDimension>(
  tx: Tx,
  filter: VolumeFilter,
  dimensions: readonly D[],
): Record<D, { value: string | number; opened: number }[]> {
  const column = (c: Cube, d: RollupDimension) =>
    ({ channel: c.channel, product: c.product, cause: c.cause, kind: c.kind, team: c.teamId })[d] as SQLiteColumn;
  const rows = sumOverPeriod(tx, filter, (c) => Object.fromEntries(dimensions.map((d) => [d, column(c, d)])) as Record<D, SQLiteColumn>);
  const out = {} as Record<D, { value: string | number; opened: number }[]>;
  for (const d of dimensions) {
    const sums = new Map<string | number, number>();
    for (const r of rows) sums.set(r[d], (sums.get(r[d]) ?? 0) + r.opened);
    out[d] = [...sums]
      .map(([value, opened]) => ({ value, opened }))
      .sort((a, b) => b.opened - a.opened || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  }
  return out;
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
  const where: SQL[] = [sql`${tickets.status} in ('new', 'open', 'pending')`, ...ticketTerms(filter)];
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
): { product: string; closed: number; within: number[]; reviewed: number; decided: number; upheld: number; redressMinor: number }[] {
  const finished = sql`coalesce(${tickets.resolvedAt}, ${tickets.closedAt})`;
  // Aliased one by one: unnamed, the sums would share a column name and collapse into one key.
  const withins = limitsDays.map(
    (d, i) => sql`sum(case when ${finished} - ${tickets.createdAt} <= ${d * DAY_MS} then 1 else 0 end) as ${sql.identifier(`within_${i}`)}`,
  );
  const rows = tx.all<Record<string, number | string>>(sql`
    select coalesce(${tickets.product}, '') as product, count(*) as closed, ${sql.join(withins, sql`, `)},
           count(r.id) as reviewed,
           sum(case when r.outcome in ('upheld', 'partly_upheld', 'not_upheld') then 1 else 0 end) as decided,
           sum(case when r.outcome in ('upheld', 'partly_upheld') then 1 else 0 end) as upheld,
           coalesce(sum(r.redress_minor), 0) as redress
    from ${tickets}
    -- The latest case review of each ticket (a reopened case is reviewed again).
    left join case_reviews r on r.id = (select max(c.id) from case_reviews c where c.ticket_id = ${tickets.id})
    where ${finished} >= ${from.getTime()} and ${finished} < ${to.getTime()} and ${finished} is not null
      and ${tickets.kind} = 'complaint'
    group by 1 order by 1`);
  return rows.map((r) => {
    return {
      product: String(r.product),
      closed: Number(r.closed),
      within: limitsDays.map((_, i) => Number(r[`within_${i}`])),
      reviewed: Number(r.reviewed),
      decided: Number(r.decided),
      upheld: Number(r.upheld),
      redressMinor: Number(r.redress),
    };
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
  /** From the customer's imported profile. */
  birthDate: string | null;
  ageBand: string | null;
  /** Marked vulnerable in the profile, or flagged `vulnerable` on the ticket. */
  vulnerable: 0 | 1;
  /** A business calendar one of the ticket's SLA timers runs on, for business days taken. */
  calendarName: string | null;
  /** The latest case review. */
  outcome: string | null;
  redressMinor: number | null;
  currency: string | null;
  rootCause: string | null;
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
           (select min(o.sent_at) from outbox o where o.ticket_id = t.id and o.purpose = 'ack' and o.status = 'sent') as acknowledgedAt,
           p.birth_date as birthDate, p.age_band as ageBand,
           (coalesce(p.vulnerable, 0) or exists (select 1 from ticket_flags f where f.ticket_id = t.id and f.flag = 'vulnerable')) as vulnerable,
           (select s.calendar_name from sla_timers s where s.ticket_id = t.id and s.calendar_name is not null limit 1) as calendarName,
           r.outcome, r.redress_minor as redressMinor, r.currency, r.root_cause as rootCause
    from tickets t
    left join customer_profiles p on p.customer_id = t.customer_id
    left join case_reviews r on r.id = (select max(c.id) from case_reviews c where c.ticket_id = t.id)
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

// ---- Facts: what happened to tickets after they opened (db/schema/insight.ts) ----------------

export interface FactCell {
  measure: string;
  day: string;
  item: string;
  channel: string;
  product: string;
  cause: string;
  teamId: number;
  n: number;
  total: number;
}

/** Adds to one daily fact cell (the monthly cell follows by trigger). */
export function bumpFact(tx: Tx, cell: FactCell): void {
  const f = insightDailyFacts;
  tx.insert(f)
    .values(cell)
    .onConflictDoUpdate({
      target: [f.measure, f.day, f.item, f.channel, f.product, f.cause, f.teamId],
      set: { n: sql`${f.n} + ${cell.n}`, total: sql`${f.total} + ${cell.total}` },
    })
    .run();
}

export interface QueuedTimer {
  timerId: number;
  target: string;
  policyId: number;
  clock: 'calendar' | 'business';
  calendarName: string | null;
  startedAt: number;
  metAt: number | null;
  pausedTotalMs: number;
  state: string;
  channel: string;
  product: string | null;
  teamId: number | null;
}

/** Up to `limit` timers waiting to be measured, with their ticket's cell, oldest first. */
export function queuedTimers(tx: Tx, limit: number): QueuedTimer[] {
  // Prepared once per connection: every ticket hook reads the queue, which is nearly always empty.
  const query = preparedFor(tx, 'insight-queued-timers', (t) =>
    t
      .select({
        timerId: insightTimerQueue.timerId,
        target: slaTimers.target,
        policyId: slaTimers.policyId,
        clock: slaTimers.clock,
        calendarName: slaTimers.calendarName,
        startedAt: sql<number>`${slaTimers.startedAt}`,
        metAt: sql<number | null>`${slaTimers.metAt}`,
        pausedTotalMs: slaTimers.pausedTotalMs,
        state: slaTimers.state,
        channel: tickets.channel,
        product: tickets.product,
        teamId: tickets.teamId,
      })
      // CROSS JOIN fixes the order: the queue (a handful of rows) drives. Left to the planner, with
      // statistics that predate the queue, it walked every timer and probed the queue, per hook call.
      .from(insightTimerQueue)
      .crossJoin(slaTimers)
      .crossJoin(tickets)
      .where(and(eq(slaTimers.id, insightTimerQueue.timerId), eq(tickets.id, slaTimers.ticketId)))
      .orderBy(asc(insightTimerQueue.timerId))
      .limit(sql.placeholder('limit'))
      .prepare(),
  );
  return query.all({ limit }) as QueuedTimer[];
}

export function dequeueTimers(tx: Tx, timerIds: number[]): void {
  for (let i = 0; i < timerIds.length; i += 400) tx.delete(insightTimerQueue).where(inArray(insightTimerQueue.timerId, timerIds.slice(i, i + 400))).run();
}

export type FactDimension = 'item' | 'channel' | 'product' | 'cause' | 'team';
type FactCube = typeof insightDailyFacts | typeof insightMonthlyFacts | typeof insightMonthlyFactTotals;

/**
 * Sums one measure's cells over a period, grouped by the given dimensions: whole months from the
 * monthly cells, the edge days from the daily ones. `splitBy: 'product-team'` marks a measure
 * whose cells are not split by channel and cause (the SLA time histogram): those filters are
 * not applied to it. Whole months that need neither channel nor cause are read from their
 * totals over both (insight_monthly_fact_totals), a fraction of the cells.
 */
export function sumFacts(
  tx: Tx,
  { measure, filter, groupBy, splitBy = 'all' }: { measure: string; filter: VolumeFilter; groupBy: FactDimension[]; splitBy?: 'all' | 'product-team' },
): { key: (string | number)[]; n: number; total: number }[] {
  const { months, days } = splitPeriod(filter.fromDay, filter.toDay);
  const byChannelOrCause =
    groupBy.includes('channel') || groupBy.includes('cause') || (splitBy === 'all' && (filter.channel !== undefined || filter.cause !== undefined));
  const parts: { c: FactCube; range: SQL }[] = days.map(([from, to]) => ({
    c: insightDailyFacts,
    range: and(gte(insightDailyFacts.day, from), lt(insightDailyFacts.day, to))!,
  }));
  if (months) {
    const m = byChannelOrCause ? insightMonthlyFacts : insightMonthlyFactTotals;
    parts.push({ c: m, range: and(gte(m.month, months[0]), lt(m.month, months[1]))! });
  }
  const totals = new Map<string, { key: (string | number)[]; n: number; total: number }>();
  for (const { c, range } of parts) {
    const columns = groupBy.map((d) => {
      if (d === 'item') return c.item;
      if (d === 'product') return c.product;
      if (d === 'team') return c.teamId;
      if (!('channel' in c)) throw new Error('the monthly totals have no channel or cause');
      return d === 'channel' ? c.channel : c.cause;
    });
    const terms: SQL[] = [eq(c.measure, measure), range];
    if ('channel' in c && splitBy === 'all' && filter.channel) terms.push(eq(c.channel, filter.channel));
    if (filter.product) terms.push(eq(c.product, filter.product));
    if ('cause' in c && splitBy === 'all' && filter.cause) terms.push(eq(c.cause, filter.cause));
    if (filter.teamId !== undefined) terms.push(eq(c.teamId, filter.teamId));
    const select = Object.fromEntries(columns.map((col, i) => [`k${i}`, col]));
    const rows = tx
      .select({ ...select, n: sql<number>`sum(${c.n})`, total: sql<number>`sum(${c.total})` })
      .from(c)
      .where(and(...terms))
      .groupBy(...columns)
      .all() as Record<string, string | number>[];
    for (const row of rows) {
      const key = columns.map((_, i) => row[`k${i}`]!);
      const id = JSON.stringify(key);
      const seen = totals.get(id);
      if (seen) {
        seen.n += Number(row.n);
        seen.total += Number(row.total);
      } else totals.set(id, { key, n: Number(row.n), total: Number(row.total) });
    }
  }
  // A review replaced by a later one leaves cells summing to zero: nothing to show.
  return [...totals.values()].filter((r) => r.n !== 0 || r.total !== 0);
}

/** Per agent over [fromDay, toDay): each measure's count and total (insight_agent_daily_cover_idx). */
export function agentFacts(
  tx: Tx,
  { fromDay, toDay, teamId }: { fromDay: string; toDay: string; teamId?: number },
): { agentId: number; measure: string; n: number; total: number }[] {
  const a = insightAgentDaily;
  return tx
    .select({ agentId: a.agentId, measure: a.measure, n: sql<number>`sum(${a.n})`, total: sql<number>`sum(${a.total})` })
    .from(a)
    .where(and(gte(a.day, fromDay), lt(a.day, toDay), teamId === undefined ? undefined : eq(a.teamId, teamId)))
    .groupBy(a.agentId, a.measure)
    .all();
}

/** The ticket filter's conditions on tickets, every field of TicketFilter. */
function ticketTerms(f: TicketFilter): SQL[] {
  const terms: SQL[] = [];
  if (f.channel) terms.push(eq(tickets.channel, f.channel));
  if (f.product) terms.push(eq(tickets.product, f.product));
  if (f.cause) terms.push(eq(tickets.cause, f.cause));
  if (f.kind) terms.push(eq(tickets.kind, f.kind));
  if (f.teamId !== undefined) terms.push(eq(tickets.teamId, f.teamId));
  return terms;
}

/**
 * Whether the ticket filters select so few tickets (product and two more of cause, channel and
 * team: about one in 300 or fewer) that the newest rating comments or lessons are found faster
 * from those tickets (insight_tickets_cell_idx), sorting what they have, than by walking the
 * period newest first and testing each one's ticket. Either way the same rows in the same order.
 * The queries CROSS JOIN from the tickets to keep them outside: otherwise the planner may start
 * from the lessons' search result and look every match's ticket up through the filter index.
 */
function narrowTicketFilter(f: TicketFilter): boolean {
  return f.product !== undefined && [f.cause, f.channel, f.teamId].filter((v) => v !== undefined).length >= 2;
}

export interface RatingComment {
  reference: string;
  score: number;
  comment: string;
  teamId: number | null;
  assigneeId: number | null;
  createdAt: Date;
}

/**
 * The newest rating comments given in [from, to), at most `limit`: newest first down
 * insight_ratings_created_idx (its rowid order breaks ties by id), stopping at the limit
 * (migration insight_ratings_created says why not ratings_created_idx), or from the tickets of a
 * narrow filter.
 */
export function ratingComments(tx: Tx, { from, to, filter, limit }: { from: Date; to: Date; filter: TicketFilter; limit: number }): RatingComment[] {
  const rows = tx.all<Omit<RatingComment, 'createdAt'> & { createdAt: number }>(sql`
    select ${tickets.reference} as reference, ${ratings.score} as score, ${ratings.comment} as comment, ${tickets.teamId} as teamId,
           ${tickets.assigneeId} as assigneeId, ${ratings.createdAt} as createdAt
    from ${
      narrowTicketFilter(filter)
        ? sql`${tickets} indexed by insight_tickets_cell_idx cross join ${ratings} on ${ratings.ticketId} = ${tickets.id}`
        : sql`${ratings} indexed by insight_ratings_created_idx join ${tickets} on ${tickets.id} = ${ratings.ticketId}`
    }
    where ${and(
      gte(ratings.createdAt, from),
      lt(ratings.createdAt, to),
      sql`coalesce(${ratings.comment}, '') <> ''`,
      ...ticketTerms(filter),
    )}
    order by ${ratings.createdAt} desc, ${ratings.id} desc
    limit ${limit}`);
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
}

export interface LessonRow {
  reference: string;
  product: string | null;
  outcome: string;
  rootCause: string;
  lesson: string;
  createdAt: Date;
}

/**
 * Case reviews written in [from, to), newest first, at most `limit`; with `query`, only those
 * whose lesson contains it (the trigram index for three characters or more, LIKE below that).
 */
export function searchLessons(
  tx: Tx,
  { from, to, filter, query, limit }: { from: Date; to: Date; filter: TicketFilter; query?: string; limit: number },
): LessonRow[] {
  const terms: SQL[] = [gte(caseReviews.createdAt, from), lt(caseReviews.createdAt, to), ...ticketTerms(filter)];
  if (query && [...query].length >= 3) {
    // `+`: a membership test on each review read. As an index key the search's rowids (93,000
    // for a common phrase at a million tickets) were each sought under every ticket of a narrow filter.
    terms.push(sql`+${caseReviews.id} in (select rowid from insight_lessons_fts where insight_lessons_fts match ${`"${query.replace(/"/g, '""')}"`})`);
  } else if (query) {
    terms.push(sql`instr(lower(${caseReviews.lesson}), lower(${query})) > 0`);
  }
  // INDEXED BY: newest first down case_reviews_created_idx (rowid order breaks ties by id), stopping
  // at the limit, or from the tickets of a narrow filter. Left to itself, with a search the planner
  // walked every review the search matched (a quarter of them for a common phrase: 340 ms at a
  // million tickets) and sorted them.
  const rows = tx.all<Omit<LessonRow, 'createdAt'> & { createdAt: number }>(sql`
    select ${tickets.reference} as reference, ${tickets.product} as product, ${caseReviews.outcome} as outcome,
           ${caseReviews.rootCause} as rootCause, ${caseReviews.lesson} as lesson, ${caseReviews.createdAt} as createdAt
    from ${
      narrowTicketFilter(filter)
        ? sql`${tickets} indexed by insight_tickets_cell_idx cross join ${caseReviews} on ${caseReviews.ticketId} = ${tickets.id}`
        : sql`${caseReviews} indexed by case_reviews_created_idx join ${tickets} on ${tickets.id} = ${caseReviews.ticketId}`
    }
    where ${and(...terms)}
    order by ${caseReviews.createdAt} desc, ${caseReviews.id} desc
    limit ${limit}`);
  return rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
}

export function policyNames(tx: Tx): { id: number; name: string }[] {
  return tx.select({ id: slaPolicies.id, name: slaPolicies.name }).from(slaPolicies).orderBy(slaPolicies.position).all();
}

/** A met timer as the rebuild hands it to the caller, who has the calendars to measure it. */
export interface MetTimer {
  clock: 'calendar' | 'business';
  calendarName: string | null;
  startedAt: number;
  metAt: number;
  pausedTotalMs: number;
}

/** How long a met timer took on its clock (ms), and its histogram bucket. */
export interface TimerMeasure {
  took: number;
  bucket: number;
}

/**
 * Runs `fn` with the triggers whose names match `like` dropped, then creates them again from
 * their own SQL, all in the caller's transaction (a failure rolls the drop back with the rest).
 */
function withoutTriggers<T>(tx: Tx, like: string, fn: () => T): T {
  const triggers = tx.all<{ sql: string }>(sql`select sql from sqlite_master where type = 'trigger' and name like ${like} order by name`);
  for (const { sql: text } of triggers) tx.run(sql.raw(`drop trigger ${triggerName(text)}`));
  const result = fn();
  for (const { sql: text } of triggers) tx.run(sql.raw(text));
  return result;
}

const triggerName = (createSql: string) => /create\s+trigger\s+(?:if\s+not\s+exists\s+)?([`"]?[\w]+[`"]?)/i.exec(createSql)![1]!;

/**
 * Drops the insight triggers (opened counts, facts, monthly sums, lessons index) before a bulk
 * load of history and returns what creates them again from their own SQL and reindexes the
 * lessons. Until the caller then runs the backfill (which recounts everything they would have
 * counted, set by set) the roll-ups are wrong: only for a load nothing reads while it runs.
 */
export function suspendInsightTriggers(db: Db): { restore: () => void } {
  const triggers = writeTransaction(db, (tx) => {
    const found = tx.all<{ sql: string }>(sql`select sql from sqlite_master where type = 'trigger' and substr(name, 1, 8) = 'insight_' order by name`);
    for (const { sql: text } of found) tx.run(sql.raw(`drop trigger ${triggerName(text)}`));
    return found;
  });
  return {
    restore: () =>
      writeTransaction(db, (tx) => {
        for (const { sql: text } of triggers) tx.run(sql.raw(text));
        tx.run(sql`insert into insight_lessons_fts (insight_lessons_fts) values ('rebuild')`);
      }),
  };
}

/** Met timers read per page while measuring them (each page is measured and written before the next). */
const TIMER_PAGE = 20_000;
/** Rows per insert statement of measured times: 3 parameters each, well under SQLite's limit. */
const TIMES_PER_INSERT = 2_000;

/**
 * Recounts every fact the triggers keep from the source tables, in the caller's transaction, set
 * by set: one INSERT … SELECT … GROUP BY per measure. Met timers are measured by `measure` (SQL
 * has no business calendar), their times kept in a temporary table, and counted the same way.
 * Escalations are counted at each ticket's current level on its last update, and reopenings are
 * not recovered: the tables keep no such history.
 */
export function rebuildFacts(tx: Tx, { measure }: { measure: (timer: MetTimer) => TimerMeasure }): void {
  // The monthly cells (and their totals over channel and cause) follow the daily ones by trigger,
  // one upsert per daily row deleted or written: at a million tickets that is millions of
  // upserts. The rebuild drops those triggers and sums the months once from the finished daily cells.
  withoutTriggers(tx, 'insight_monthly_facts_%', () => {
    rebuildDailyFacts(tx, measure);
    tx.run(sql`
      insert into insight_monthly_facts (measure, month, item, channel, product, cause, team_id, n, total)
      select measure, substr(day, 1, 7), item, channel, product, cause, team_id, sum(n), sum(total)
      from insight_daily_facts
      group by measure, substr(day, 1, 7), item, channel, product, cause, team_id`);
    tx.delete(insightMonthlyFactTotals).run();
    tx.run(sql`
      insert into insight_monthly_fact_totals (measure, month, item, product, team_id, n, total)
      select measure, month, item, product, team_id, sum(n), sum(total)
      from insight_monthly_facts
      group by measure, month, item, product, team_id`);
  });
}

function rebuildDailyFacts(tx: Tx, measure: (timer: MetTimer) => TimerMeasure): void {
  tx.delete(insightDailyFacts).run();
  tx.delete(insightMonthlyFacts).run();
  tx.delete(insightAgentDaily).run();
  tx.delete(insightTimerQueue).run();
  const day = (col: string) => `strftime('%Y-%m-%d', ${col} / 1000, 'unixepoch')`;
  const cell = `t.channel, coalesce(t.product, ''), coalesce(t.cause, ''), coalesce(t.team_id, 0)`;
  const upsertFacts = (select: string) =>
    tx.run(
      sql.raw(`insert into insight_daily_facts (measure, day, item, channel, product, cause, team_id, n, total)
      select * from (${select}) where true
      on conflict (measure, day, item, channel, product, cause, team_id) do update set n = n + excluded.n, total = total + excluded.total`),
    );
  const latest = `case_reviews r join tickets t on t.id = r.ticket_id where r.id = (select max(id) from case_reviews x where x.ticket_id = r.ticket_id)`;
  upsertFacts(`select 'review', ${day('r.created_at')}, r.outcome, ${cell}, count(*), sum(coalesce(r.redress_minor, 0)) from ${latest} group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'root_cause', ${day('r.created_at')}, r.root_cause, ${cell}, count(*), 0 from ${latest} group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'rating', ${day('r.created_at')}, cast(r.score as text), ${cell}, count(*), sum(r.score) from ratings r join tickets t on t.id = r.ticket_id group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'flag', ${day('f.created_at')}, f.flag, ${cell}, count(*), 0 from ticket_flags f join tickets t on t.id = f.ticket_id group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'suitability', ${day('f.created_at')},
      coalesce((select h.sales_channel from customer_holdings h where h.customer_id = t.customer_id and h.type = t.product order by h.id limit 1), ''),
      ${cell}, count(*), 0
    from ticket_flags f join tickets t on t.id = f.ticket_id where f.flag = 'suitability-mismatch' group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'escalation', ${day('t.updated_at')}, cast(t.level as text), ${cell}, count(*), 0 from tickets t where t.level > 0 group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'breach', ${day('coalesce(s.breached_at, s.updated_at)')}, s.target, ${cell}, count(*), 0
    from sla_timers s join tickets t on t.id = s.ticket_id where s.breached_at is not null or s.state = 'breached' group by 2, 3, 4, 5, 6, 7`);
  const upsertAgent = (select: string) =>
    tx.run(
      sql.raw(`insert into insight_agent_daily (day, agent_id, team_id, measure, n, total)
      select * from (${select}) where true
      on conflict (day, agent_id, team_id, measure) do update set n = n + excluded.n, total = total + excluded.total`),
    );
  upsertAgent(`select ${day('coalesce(t.resolved_at, t.closed_at)')}, t.assignee_id, coalesce(t.team_id, 0), 'handled', count(*), 0
    from tickets t where t.assignee_id is not null and t.status in ('resolved', 'closed') group by 1, 2, 3`);
  upsertAgent(`select ${day('r.created_at')}, t.assignee_id, coalesce(t.team_id, 0), 'rating', count(*), sum(r.score)
    from ratings r join tickets t on t.id = r.ticket_id where t.assignee_id is not null group by 1, 2, 3`);
  upsertAgent(`select ${day('coalesce(s.breached_at, s.updated_at)')}, t.assignee_id, coalesce(t.team_id, 0), 'breach', count(*), 0
    from sla_timers s join tickets t on t.id = s.ticket_id where t.assignee_id is not null and (s.breached_at is not null or s.state = 'breached') group by 1, 2, 3`);
  rebuildTimerFacts(tx, measure, upsertFacts);
}

/**
 * The 'sla' (met or late per target and policy) and 'time' (histogram) cells of every met timer,
 * as the roll-up hook counts them one by one (app/insight/rollup.server.ts measureMetTimers):
 * the day it was met, its ticket's channel, product and team now, cause not split.
 */
function rebuildTimerFacts(tx: Tx, measure: (timer: MetTimer) => TimerMeasure, upsertFacts: (select: string) => void): void {
  tx.run(sql`create temp table if not exists insight_rebuild_times (timer_id integer primary key, took integer not null, bucket integer not null)`);
  tx.run(sql`delete from temp.insight_rebuild_times`);
  for (let after = 0; ; ) {
    const page = tx.all<MetTimer & { id: number }>(sql`
      select id, clock, calendar_name as calendarName, started_at as startedAt, met_at as metAt, paused_total_ms as pausedTotalMs
      from ${slaTimers} where met_at is not null and id > ${after} order by id limit ${TIMER_PAGE}`);
    if (page.length === 0) break;
    for (let i = 0; i < page.length; i += TIMES_PER_INSERT) {
      const rows = page.slice(i, i + TIMES_PER_INSERT).map((t) => {
        const m = measure(t);
        return sql`(${t.id}, ${m.took}, ${m.bucket})`;
      });
      tx.run(sql`insert into temp.insight_rebuild_times (timer_id, took, bucket) values ${sql.join(rows, sql`, `)}`);
    }
    after = page.at(-1)!.id;
  }
  const met = `temp.insight_rebuild_times m join sla_timers s on s.id = m.timer_id join tickets t on t.id = s.ticket_id`;
  const day = `strftime('%Y-%m-%d', s.met_at / 1000, 'unixepoch')`;
  const cell = `coalesce(t.product, ''), '*', coalesce(t.team_id, 0)`;
  upsertFacts(`select 'sla', ${day}, s.target || ':' || s.policy_id || ':' || case when s.state = 'breached' then 'late' else 'met' end,
      t.channel, ${cell}, count(*), sum(m.took) from ${met} group by 2, 3, 4, 5, 6, 7`);
  upsertFacts(`select 'time', ${day}, s.target || ':' || m.bucket, '*', ${cell}, count(*), sum(m.took) from ${met} group by 2, 3, 4, 5, 6, 7`);
  tx.run(sql`drop table temp.insight_rebuild_times`);
}
