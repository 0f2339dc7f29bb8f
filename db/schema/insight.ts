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
