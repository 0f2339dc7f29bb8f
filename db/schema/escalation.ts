// Escalation: rules, phrase lists and levels as versioned data (each change a row with its
// author), the record of which rule fired for which triggering event, round-robin state, and
// the customer risk profile and holdings that suitability checks read.
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { customers } from './customers';
import { staffUsers, teams } from './staff';
import { tickets } from './tickets';

/**
 * The current definition of each piece of escalation configuration. `kind` is rule,
 * phrase-list or level; `key` names it within its kind. `definition` is the JSON as given,
 * parsed with zod wherever it is read.
 */
export const escalationConfig = sqliteTable(
  'escalation_config',
  {
    kind: text('kind').$type<'rule' | 'phrase-list' | 'level'>().notNull(),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** Evaluation order of rules (ascending); unused for lists and levels. */
    position: integer('position').notNull().default(0),
    definition: text('definition').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.key] })],
);

/** Append-only: every version of every piece of configuration, with who changed it and how. */
export const escalationConfigChanges = sqliteTable(
  'escalation_config_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').$type<'rule' | 'phrase-list' | 'level'>().notNull(),
    key: text('key').notNull(),
    version: integer('version').notNull(),
    /** created | updated | enabled | disabled | seeded */
    change: text('change').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
    definition: text('definition').notNull(),
    author: text('author').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('escalation_config_changes_version_uq').on(t.kind, t.key, t.version)],
);

/** One row per (ticket, rule, triggering event): the guard that makes a rule fire at most once per event. */
export const escalationFirings = sqliteTable(
  'escalation_firings',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    ruleKey: text('rule_key').notNull(),
    triggerKey: text('trigger_key').notNull(),
    ruleVersion: integer('rule_version').notNull(),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.ruleKey, t.triggerKey] })],
);

/** The last person a team's round-robin handed a ticket to. */
export const escalationRoundRobin = sqliteTable('escalation_round_robin', {
  teamId: integer('team_id')
    .primaryKey()
    .references(() => teams.id),
  lastStaffId: integer('last_staff_id')
    .notNull()
    .references(() => staffUsers.id),
});

/** Risk profile from the institution's records (customers:import). */
export const customerProfiles = sqliteTable('customer_profiles', {
  customerId: integer('customer_id')
    .primaryKey()
    .references(() => customers.id),
  /** C1 (most cautious) … C5; null when never assessed. */
  riskLevel: text('risk_level'),
  /** YYYY-MM-DD of the last suitability assessment. */
  assessedOn: text('assessed_on'),
  birthDate: text('birth_date'),
  /** "65+", "60-64" …, when only a band is known. */
  ageBand: text('age_band'),
  vulnerable: integer('vulnerable', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

export const customerHoldings = sqliteTable(
  'customer_holdings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    customerId: integer('customer_id')
      .notNull()
      .references(() => customers.id),
    productCode: text('product_code').notNull(),
    name: text('name').notNull(),
    /** One of the ticket product categories (funds, wealth, insurance…). */
    type: text('type').notNull(),
    /** R1 … R5. */
    riskLevel: text('risk_level').notNull(),
    purchasedOn: text('purchased_on'),
    salesChannel: text('sales_channel'),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('customer_holdings_customer_product_uq').on(t.customerId, t.productCode)],
);
