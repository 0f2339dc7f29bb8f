// Insight: the daily roll-ups reports read instead of the tickets table, and the early-warning
// alerts with the tickets each one links.
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Channel, TicketKind } from '../constants';
import { tickets } from './tickets';

/**
 * Tickets opened per UTC day × channel × product × cause × kind × team, kept by a ticket hook
 * in the transaction that opens the ticket. Unknown product or cause is '' and no team is 0,
 * because SQLite treats NULLs in a primary key as distinct and the upsert would never match.
 */
export const insightDailyCounts = sqliteTable(
  'insight_daily_counts',
  {
    /** YYYY-MM-DD (UTC) of the ticket's creation. */
    day: text('day').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    product: text('product').notNull(),
    cause: text('cause').notNull(),
    kind: text('kind').$type<TicketKind>().notNull(),
    teamId: integer('team_id').notNull(),
    opened: integer('opened').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.channel, t.product, t.cause, t.kind, t.teamId] }),
    // Covering: a period's cells are summed from the index alone, without a visit to the table per cell.
    index('insight_daily_counts_cover_idx').on(t.day, t.channel, t.product, t.cause, t.kind, t.teamId, t.opened),
    // A trend filtered by product or by cause reads only that product's or cause's cells.
    index('insight_daily_counts_product_idx').on(t.product, t.day, t.channel, t.cause, t.kind, t.teamId, t.opened),
    index('insight_daily_counts_cause_idx').on(t.cause, t.day, t.channel, t.product, t.kind, t.teamId, t.opened),
  ],
);

/**
 * Tickets opened per day × kind × channel × team, without product and cause: a year's daily
 * trend (unfiltered, or filtered by kind, channel or team) reads a few thousand of these
 * instead of every cell of the full daily table.
 */
export const insightDailyTotals = sqliteTable(
  'insight_daily_totals',
  {
    day: text('day').notNull(),
    kind: text('kind').$type<TicketKind>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    teamId: integer('team_id').notNull(),
    opened: integer('opened').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.kind, t.channel, t.teamId] })],
);

/**
 * The same cells per calendar month (YYYY-MM). A year's breakdown then reads at most 12 months'
 * cells plus the partial months at the edges from the daily table, instead of 365 days' cells:
 * with five dimensions a busy day fills hundreds of cells.
 */
export const insightMonthlyCounts = sqliteTable(
  'insight_monthly_counts',
  {
    month: text('month').notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    product: text('product').notNull(),
    cause: text('cause').notNull(),
    kind: text('kind').$type<TicketKind>().notNull(),
    teamId: integer('team_id').notNull(),
    opened: integer('opened').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.channel, t.product, t.cause, t.kind, t.teamId] })],
);

export const ALERT_KINDS = ['spike', 'cluster'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const insightAlerts = sqliteTable(
  'insight_alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** spike:product:wealth:2026-W14, cluster:wealth:fraud:2026-W14 — raised once per period. */
    key: text('key').notNull(),
    kind: text('kind').$type<AlertKind>().notNull(),
    /** product | cause */
    dimension: text('dimension').notNull(),
    /** The product or cause code that rose. */
    value: text('value').notNull(),
    /** The risk-signal flag a cluster shares; null for spikes. */
    flag: text('flag'),
    /** ISO week of the window's last day: the period an alert is raised once in. */
    period: text('period').notNull(),
    windowFrom: text('window_from').notNull(),
    windowTo: text('window_to').notNull(),
    observed: integer('observed').notNull(),
    /** Complaints the baseline predicts for the window (spikes). */
    expected: real('expected'),
    pValue: real('p_value'),
    /** Distinct customers in a cluster. */
    customers: integer('customers'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('insight_alerts_key_uq').on(t.key), index('insight_alerts_created_idx').on(t.createdAt, t.id)],
);

export const insightAlertTickets = sqliteTable(
  'insight_alert_tickets',
  {
    alertId: integer('alert_id')
      .notNull()
      .references(() => insightAlerts.id),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.ticketId] })],
);

/**
 * What happened to tickets per UTC day, beyond their opening: case reviews (outcome, redress,
 * root cause), ratings, risk flags, suitability mismatches by sales channel, escalations, SLA
 * targets met or missed and breaches, and how long targets took (a histogram). Each fact is
 * counted on the day it happened, in the cell of the ticket's channel, product, cause and team
 * at that moment (a later reclassification does not move history). Kept by triggers on the
 * source tables (migration insight_facts) and, for SLA times on business clocks, by the roll-up
 * hook; `measure` and `item` name the fact (review/upheld, flag/fraud, time/acknowledge:17…).
 */
export const insightDailyFacts = sqliteTable(
  'insight_daily_facts',
  {
    measure: text('measure').notNull(),
    day: text('day').notNull(),
    item: text('item').notNull(),
    /** '*' in cells that are not split by channel (the SLA time histogram). */
    channel: text('channel').notNull(),
    product: text('product').notNull(),
    /** '*' in cells that are not split by cause. */
    cause: text('cause').notNull(),
    teamId: integer('team_id').notNull(),
    n: integer('n').notNull(),
    /** Sum of the fact's amount: redress in minor units, rating scores. */
    total: integer('total').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.measure, t.day, t.item, t.channel, t.product, t.cause, t.teamId] }),
    index('insight_daily_facts_cover_idx').on(t.measure, t.day, t.item, t.channel, t.product, t.cause, t.teamId, t.n, t.total),
  ],
);

/** The same facts per month (YYYY-MM), so a long period reads months plus the edge days. */
export const insightMonthlyFacts = sqliteTable(
  'insight_monthly_facts',
  {
    measure: text('measure').notNull(),
    month: text('month').notNull(),
    item: text('item').notNull(),
    channel: text('channel').notNull(),
    product: text('product').notNull(),
    cause: text('cause').notNull(),
    teamId: integer('team_id').notNull(),
    n: integer('n').notNull(),
    total: integer('total').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.measure, t.month, t.item, t.channel, t.product, t.cause, t.teamId] }),
    index('insight_monthly_facts_cover_idx').on(t.measure, t.month, t.item, t.channel, t.product, t.cause, t.teamId, t.n, t.total),
  ],
);

/**
 * The monthly facts summed over channel and cause (measure × month × item × product × team): a
 * year of a measure is a few thousand of these instead of up to 260,000 monthly cells, for every
 * read that neither filters nor groups by channel or cause (the page unfiltered, or by team or
 * product). Kept equal to that sum by triggers on the daily cells, as the monthly cells are.
 */
export const insightMonthlyFactTotals = sqliteTable(
  'insight_monthly_fact_totals',
  {
    measure: text('measure').notNull(),
    month: text('month').notNull(),
    item: text('item').notNull(),
    product: text('product').notNull(),
    teamId: integer('team_id').notNull(),
    n: integer('n').notNull(),
    total: integer('total').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.measure, t.month, t.item, t.product, t.teamId] }),
    index('insight_monthly_fact_totals_cover_idx').on(t.measure, t.month, t.item, t.product, t.teamId, t.n, t.total),
  ],
);

/**
 * Per agent and day: tickets resolved while assigned to them (handled), reopened after that,
 * SLA breaches while assigned, ratings (n, score total). Team is the ticket's team at the time.
 */
export const insightAgentDaily = sqliteTable(
  'insight_agent_daily',
  {
    day: text('day').notNull(),
    agentId: integer('agent_id').notNull(),
    teamId: integer('team_id').notNull(),
    measure: text('measure').notNull(),
    n: integer('n').notNull(),
    total: integer('total').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.agentId, t.teamId, t.measure] }),
    index('insight_agent_daily_cover_idx').on(t.day, t.teamId, t.agentId, t.measure, t.n, t.total),
  ],
);

/**
 * Timers that just met their target, waiting for the roll-up to measure how long they took on
 * their own clock (business time needs the calendar, which SQL does not have). A trigger fills
 * it in the transaction that meets the timer; the roll-up hook and the insight scheduler empty it.
 */
export const insightTimerQueue = sqliteTable('insight_timer_queue', {
  timerId: integer('timer_id').primaryKey(),
});
