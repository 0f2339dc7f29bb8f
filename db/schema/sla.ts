// SLA tables: business calendars, policies (ordered, versioned, JSON definitions parsed with
// zod in app/sla/policy.ts), and one timer per ticket and target.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SlaClock, SlaPauseReason, SlaState, SlaTarget } from '../sla-constants';
import { tickets } from './tickets';

export const slaCalendars = sqliteTable('sla_calendars', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** JSON: zone, weekly shifts, holidays, 调休 workdays (app/sla/calendar.ts calendarSchema). */
  definition: text('definition').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const slaPolicies = sqliteTable(
  'sla_policies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Stable code of a preset (cn-nfra, uk-fca…), or of a policy an administrator made. */
    key: text('key').notNull(),
    name: text('name').notNull(),
    /** The regulation or rule the policy follows, shown beside it. */
    regulation: text('regulation').notNull(),
    /** Explicit order: the first enabled policy whose conditions match a ticket applies. */
    position: integer('position').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** The current version; its definition is the row of sla_policy_versions with that number. */
    version: integer('version').notNull().default(1),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('sla_policies_key_uq').on(t.key), index('sla_policies_position_idx').on(t.position, t.id)],
);

/** Every version a policy had: running timers keep the version they started under. */
export const slaPolicyVersions = sqliteTable(
  'sla_policy_versions',
  {
    policyId: integer('policy_id')
      .notNull()
      .references(() => slaPolicies.id),
    version: integer('version').notNull(),
    /** JSON: conditions, calendar, targets, warnings, pause statuses, extension steps. */
    definition: text('definition').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.policyId, t.version] })],
);

export const slaTimers = sqliteTable(
  'sla_timers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    target: text('target').$type<SlaTarget>().notNull(),
    policyId: integer('policy_id')
      .notNull()
      .references(() => slaPolicies.id),
    policyVersion: integer('policy_version').notNull(),
    clock: text('clock').$type<SlaClock>().notNull(),
    /** Null on a calendar clock. */
    calendarName: text('calendar_name'),
    startedAt: integer('started_at', { mode: 'timestamp_ms' }).notNull(),
    /** The target's length on the timer's clock (ms), extensions included. */
    budgetMs: integer('budget_ms').notNull(),
    dueAt: integer('due_at', { mode: 'timestamp_ms' }).notNull(),
    pausedSince: integer('paused_since', { mode: 'timestamp_ms' }),
    pauseReason: text('pause_reason').$type<SlaPauseReason>(),
    /** Paused time on the timer's clock (business ms on business clocks), finished pauses only. */
    pausedTotalMs: integer('paused_total_ms').notNull().default(0),
    state: text('state').$type<SlaState>().notNull(),
    /** How many of the version's warnings (in firing order) have fired: the sweep's exactly-once guard. */
    warningsFired: integer('warnings_fired').notNull().default(0),
    /** The next instant the sweep must act on a running timer (next warning or due time); null otherwise. */
    nextActionAt: integer('next_action_at', { mode: 'timestamp_ms' }),
    extensionStep: integer('extension_step').notNull().default(0),
    metAt: integer('met_at', { mode: 'timestamp_ms' }),
    breachedAt: integer('breached_at', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('sla_timers_ticket_target_uq').on(t.ticketId, t.target),
    // The sweep's claim: only running timers are in it, ordered by when they must act.
    index('sla_timers_next_idx').on(t.nextActionAt).where(sql`state = 'running'`),
    // The API list: dueWithin=PT4H over running timers, and sla=breached|paused|warning.
    index('sla_timers_due_idx').on(t.dueAt).where(sql`state = 'running'`),
    index('sla_timers_state_idx').on(t.state, t.ticketId),
    index('sla_timers_warned_idx').on(t.ticketId).where(sql`state = 'running' and warnings_fired > 0`),
  ],
);
