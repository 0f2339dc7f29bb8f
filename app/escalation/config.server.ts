// Escalation configuration as versioned data: loading (parsed with zod once per version),
// seeding the shipped defaults idempotently, and validated edits recorded with their author.
import { writeTransaction, type Db, type Tx } from '../../db/client';
import { CONFIG_MEMO, configFingerprint, getConfig, listConfig, putConfig, type ConfigKind, type ConfigRow } from '../../db/store/escalation';
import { memoInTransaction } from '../../db/tx-memo';
import { Invalid, NotFound } from '../tickets/errors';
import { DEFAULT_PHRASE_LISTS } from './default-phrases';
import { DEFAULT_LEVELS, DEFAULT_RULES } from './default-rules';
import { compileList, phraseListSchema, type CompiledList } from './phrases';
import { describeIssues, levelSchema, ruleSchema, type Condition, type Level, type Rule } from './rule-schema';

export interface LoadedRule {
  key: string;
  version: number;
  enabled: boolean;
  rule: Rule;
}

export interface EscalationConfig {
  rules: LoadedRule[];
  /** Rows whose stored JSON no longer parses (edited by hand): skipped, and shown by rules:list. */
  broken: { kind: ConfigKind; key: string; problems: string[] }[];
  lists: Map<string, CompiledList>;
  levels: Map<number, Level>;
}

/** Refused configuration: `problems` holds one line per reason. */
export class InvalidConfig extends Invalid {
  constructor(
    what: string,
    readonly problems: string[],
  ) {
    super(`${what} was refused: ${problems.join('; ')}`);
  }
}

// Parsing is cached per (kind, key, version): a rule edit is a new version, so it takes effect
// for the next event while unchanged rules are not re-parsed on every message.
const parsed = new Map<string, { ok: true; value: unknown } | { ok: false; problems: string[] }>();

function parseRow<T>(row: ConfigRow, parse: (json: unknown) => T): { ok: true; value: T } | { ok: false; problems: string[] } {
  const cacheKey = `${row.kind}\u0000${row.key}\u0000${row.version}\u0000${row.definition.length}`;
  const hit = parsed.get(cacheKey);
  if (hit) return hit as { ok: true; value: T } | { ok: false; problems: string[] };
  let result: { ok: true; value: T } | { ok: false; problems: string[] };
  try {
    result = { ok: true, value: parse(JSON.parse(row.definition)) };
  } catch (error) {
    result = { ok: false, problems: error instanceof InvalidConfig ? error.problems : [String(error instanceof Error ? error.message : error)] };
  }
  if (parsed.size > 5000) parsed.clear();
  parsed.set(cacheKey, result);
  return result;
}

function strictParse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, what: string) {
  return (json: unknown): T => {
    const r = schema.safeParse(json);
    if (!r.success) throw new InvalidConfig(what, describeIssues(r.error));
    return r.data;
  };
}

// Whole parsed configurations (rules, compiled phrase lists, levels), keyed by the stored rows'
// full text: every ticket event loads the configuration, and reading, parsing and compiling it
// each time was a large part of an event's cost. An edit changes the text, so it is never stale.
const loaded = new Map<string, EscalationConfig>();

/** The configuration in force, parsed; shared between callers, so it must not be modified. */
export function loadEscalationConfig(tx: Tx): EscalationConfig {
  // Once per transaction: a sweep's batch runs the rules for hundreds of events in one.
  return memoInTransaction(tx, CONFIG_MEMO, () => configInForce(tx));
}

function configInForce(tx: Tx): EscalationConfig {
  const fingerprint = configFingerprint(tx);
  const hit = loaded.get(fingerprint);
  if (hit) return hit;
  const config = readEscalationConfig(tx);
  if (loaded.size >= 8) loaded.clear();
  loaded.set(fingerprint, config);
  return config;
}

function readEscalationConfig(tx: Tx): EscalationConfig {
  const config: EscalationConfig = { rules: [], broken: [], lists: new Map(), levels: new Map() };
  for (const row of listConfig(tx, 'phrase-list')) {
    const r = parseRow(row, strictParse(phraseListSchema, `Phrase list ${row.key}`));
    if (r.ok) config.lists.set(row.key, compileList(row.key, r.value));
    else config.broken.push({ kind: row.kind, key: row.key, problems: r.problems });
  }
  for (const row of listConfig(tx, 'level')) {
    const r = parseRow(row, strictParse(levelSchema, `Level ${row.key}`));
    if (r.ok) config.levels.set(Number(row.key), r.value);
    else config.broken.push({ kind: row.kind, key: row.key, problems: r.problems });
  }
  for (const row of listConfig(tx, 'rule')) {
    const r = parseRow(row, strictParse(ruleSchema, `Rule ${row.key}`));
    if (r.ok) config.rules.push({ key: row.key, version: row.version, enabled: row.enabled, rule: r.value });
    else config.broken.push({ kind: row.kind, key: row.key, problems: r.problems });
  }
  return config;
}

function listsIn(c: Condition | undefined, into: Set<string> = new Set()): Set<string> {
  if (!c) return into;
  if (c.type === 'all') c.all.forEach((x) => listsIn(x, into));
  else if (c.type === 'any') c.any.forEach((x) => listsIn(x, into));
  else if (c.type === 'not') listsIn(c.not, into);
  else if (c.type === 'phrases') [c.phrases].flat().forEach((l) => into.add(l));
  return into;
}

/** Validates a rule (schema, and that the phrase lists it names exist). Throws InvalidConfig with every reason. */
export function validateRule(tx: Tx, input: unknown): Rule {
  const r = ruleSchema.safeParse(input);
  const what = `Rule ${typeof input === 'object' && input && 'key' in input ? String((input as { key: unknown }).key) : ''}`.trim();
  if (!r.success) throw new InvalidConfig(what, describeIssues(r.error));
  const missing = [...listsIn(r.data.when)].filter((name) => !getConfig(tx, 'phrase-list', name));
  if (missing.length > 0) throw new InvalidConfig(what, missing.map((m) => `when: no phrase list named "${m}"`));
  return r.data;
}

export function saveRule(tx: Tx, input: unknown, author: string, now: Date): { key: string; version: number | null } {
  const rule = validateRule(tx, input);
  const version = putConfig(tx, {
    kind: 'rule',
    key: rule.key,
    definition: JSON.stringify(input),
    enabled: rule.enabled,
    position: rule.order,
    author,
    now,
  });
  return { key: rule.key, version };
}

export function setRuleEnabled(tx: Tx, key: string, enabled: boolean, author: string, now: Date): number | null {
  const row = getConfig(tx, 'rule', key);
  if (!row) throw new NotFound(`No rule "${key}"`);
  const definition = { ...(JSON.parse(row.definition) as Record<string, unknown>), enabled };
  return putConfig(tx, { kind: 'rule', key, definition: JSON.stringify(definition), enabled, position: row.position, author, now, change: enabled ? 'enabled' : 'disabled' });
}

export function savePhraseList(tx: Tx, name: string, input: unknown, author: string, now: Date): number | null {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw new InvalidConfig(`Phrase list ${name}`, ['name: lower-case letters, digits and dashes']);
  const r = phraseListSchema.safeParse(input);
  if (!r.success) throw new InvalidConfig(`Phrase list ${name}`, describeIssues(r.error));
  return putConfig(tx, { kind: 'phrase-list', key: name, definition: JSON.stringify(input), enabled: true, position: 0, author, now });
}

export function saveLevel(tx: Tx, level: number, input: unknown, author: string, now: Date): number | null {
  if (![0, 1, 2, 3].includes(level)) throw new InvalidConfig(`Level ${level}`, ['level: must be 0, 1, 2 or 3']);
  const r = levelSchema.safeParse(input);
  if (!r.success) throw new InvalidConfig(`Level ${level}`, describeIssues(r.error));
  return putConfig(tx, { kind: 'level', key: String(level), definition: JSON.stringify(input), enabled: true, position: level, author, now });
}

export const SEED_AUTHOR = 'system:seed';

/** Writes the shipped lists, levels and rules that are missing; never touches an edited one. Returns how many it wrote. */
export function seedEscalationDefaults(db: Db, now: Date): number {
  return writeTransaction(db, (tx) => {
    let written = 0;
    const put = (kind: ConfigKind, key: string, definition: unknown, position: number) => {
      if (putConfig(tx, { kind, key, definition: JSON.stringify(definition), enabled: true, position, author: SEED_AUTHOR, now, onlyIfMissing: true }) !== null) {
        written++;
      }
    };
    for (const [name, list] of Object.entries(DEFAULT_PHRASE_LISTS)) put('phrase-list', name, list, 0);
    for (const [level, def] of Object.entries(DEFAULT_LEVELS)) put('level', level, def, Number(level));
    for (const rule of DEFAULT_RULES) put('rule', rule.key, rule, validateRule(tx, rule).order);
    return written;
  });
}
