// Escalation configuration from the command line: list and test rules, add or change a rule
// or a phrase list from a JSON file, switch a rule on or off. Every change names its author.
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { z } from 'zod';
import { InvalidConfig, loadEscalationConfig, savePhraseList, saveLevel, saveRule, seedEscalationDefaults, setRuleEnabled } from '../../app/escalation/config.server';
import { explainRules } from '../../app/escalation/engine.server';
import { RULE_TRIGGERS } from '../../app/escalation/rule-schema';
import { NotFound } from '../../app/tickets/errors';
import { writeTransaction, type Db } from '../../db/client';
import { findTicketByReference } from '../../db/store/tickets';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';

const authorFlag = { author: { type: 'string' as const } };
const authorSchema = z.string().trim().min(1).max(200).optional();
const defaultAuthor = () => `cli:${userInfo().username}`;

function withDb<T>(fn: (db: Db) => T): T {
  const { db } = openFromEnv();
  try {
    seedEscalationDefaults(db, new Date());
    return fn(db);
  } finally {
    db.$client.close();
  }
}

function readJson(file: string | undefined): unknown {
  if (!file) throw new UsageError('give a JSON file');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function refused(error: unknown): never {
  if (error instanceof InvalidConfig) {
    process.stderr.write(`${error.message.split(':')[0]}:\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`);
    throw new UsageError('refused; nothing was changed');
  }
  if (error instanceof NotFound) throw new UsageError(error.message);
  throw error;
}

export const rulesList: Command = {
  name: 'rules:list',
  summary: 'List escalation rules (order, key, version, on/off), phrase lists and levels',
  usage: '',
  async run(argv) {
    parseFlags(argv, {}, z.object({}));
    return withDb((db) => {
      const c = loadEscalationConfig(db);
      const out: string[] = ['Rules (in the order they run):'];
      for (const r of c.rules) out.push(`  ${r.rule.order.toString().padStart(4)}  ${r.key.padEnd(28)} v${r.version}  ${r.enabled ? 'on ' : 'off'}  ${r.rule.triggers.join(',')}  ${r.rule.name}`);
      out.push('Phrase lists:');
      for (const [name, l] of c.lists) out.push(`  ${name.padEnd(16)} ${l.entries.length} phrases`);
      out.push('Levels:');
      for (const [n, l] of [...c.levels].sort((a, b) => a[0] - b[0])) {
        out.push(`  ${n}  ${l.name.en} / ${l.name.zh}: roles ${l.roles.join(',') || '-'} (${l.team === 'ticket' ? "ticket's team" : 'any team'}), people ${l.people.join(',') || '-'}`);
      }
      for (const b of c.broken) out.push(`BROKEN ${b.kind} ${b.key}: ${b.problems.join('; ')}`);
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    });
  },
};

export const rulesSet: Command = {
  name: 'rules:set',
  summary: 'Add or change an escalation rule from a JSON file (validated; refused with the reasons)',
  usage: 'RULE.json [--author WHO]',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, authorFlag, z.object({ author: authorSchema }));
    const json = readJson(positionals[0]);
    return withDb((db) => {
      try {
        const r = writeTransaction(db, (tx) => saveRule(tx, json, values.author ?? defaultAuthor(), new Date()));
        process.stdout.write(r.version === null ? `Rule ${r.key} unchanged.\n` : `Rule ${r.key} saved as version ${r.version}.\n`);
        return 0;
      } catch (error) {
        refused(error);
      }
    });
  },
};

function toggle(enabled: boolean): Command {
  return {
    name: enabled ? 'rules:enable' : 'rules:disable',
    summary: `Switch an escalation rule ${enabled ? 'on' : 'off'}`,
    usage: 'KEY [--author WHO]',
    async run(argv) {
      const { values, positionals } = parseFlags(argv, authorFlag, z.object({ author: authorSchema }));
      const key = positionals[0];
      if (!key) throw new UsageError('give the rule key (see rules:list)');
      return withDb((db) => {
        try {
          const v = writeTransaction(db, (tx) => setRuleEnabled(tx, key, enabled, values.author ?? defaultAuthor(), new Date()));
          process.stdout.write(v === null ? `Rule ${key} was already ${enabled ? 'on' : 'off'}.\n` : `Rule ${key} switched ${enabled ? 'on' : 'off'} (version ${v}).\n`);
          return 0;
        } catch (error) {
          refused(error);
        }
      });
    },
  };
}

export const phrasesSet: Command = {
  name: 'phrases:set',
  summary: 'Add or change a risk-signal phrase list from a JSON file {"phrases": [...], "except": [...]}',
  usage: 'NAME LIST.json [--author WHO]',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, authorFlag, z.object({ author: authorSchema }));
    const [name, file] = positionals;
    if (!name) throw new UsageError('give the list name and a JSON file');
    const json = readJson(file);
    return withDb((db) => {
      try {
        const v = writeTransaction(db, (tx) => savePhraseList(tx, name, json, values.author ?? defaultAuthor(), new Date()));
        process.stdout.write(v === null ? `Phrase list ${name} unchanged.\n` : `Phrase list ${name} saved as version ${v}.\n`);
        return 0;
      } catch (error) {
        refused(error);
      }
    });
  },
};

export const levelsSet: Command = {
  name: 'levels:set',
  summary: 'Set who an escalation level (0-3) reaches, from a JSON file {"name":{"zh","en"},"roles":[...],"team":"ticket|any","people":[emails]}',
  usage: 'LEVEL LEVEL.json [--author WHO]',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, authorFlag, z.object({ author: authorSchema }));
    const level = Number(positionals[0]);
    if (!Number.isInteger(level)) throw new UsageError('give the level (0-3) and a JSON file');
    const json = readJson(positionals[1]);
    return withDb((db) => {
      try {
        const v = writeTransaction(db, (tx) => saveLevel(tx, level, json, values.author ?? defaultAuthor(), new Date()));
        process.stdout.write(v === null ? `Level ${level} unchanged.\n` : `Level ${level} saved as version ${v}.\n`);
        return 0;
      } catch (error) {
        refused(error);
      }
    });
  },
};

export const rulesTest: Command = {
  name: 'rules:test',
  summary: 'Show which escalation rules would fire for a ticket and why (changes nothing)',
  usage: `--ticket REF [--trigger ${RULE_TRIGGERS.join('|')}] [--target T --offset O]`,
  async run(argv) {
    const { values } = parseFlags(
      argv,
      { ticket: { type: 'string' }, trigger: { type: 'string' }, target: { type: 'string' }, offset: { type: 'string' } },
      z.object({
        ticket: z.string({ error: 'is required (a reference such as CMP-2026-000123)' }).trim().min(1),
        trigger: z.enum(RULE_TRIGGERS).optional(),
        target: z.string().optional(),
        offset: z.string().optional(),
      }),
    );
    return withDb((db) => {
      const ticket = findTicketByReference(db, values.ticket.toUpperCase());
      if (!ticket) throw new UsageError(`no ticket ${values.ticket}`);
      const trigger = values.trigger ?? 'message.received';
      const report = explainRules(db, ticket.id, { now: new Date(), trigger, data: { target: values.target, offset: values.offset } });
      const out = [
        `${ticket.reference}  ${ticket.kind}  priority ${ticket.priority}  level ${ticket.level}  (as if: ${trigger}, text of all client messages)`,
      ];
      if (report.riskFlags.length > 0) out.push(`Risk profile flags: ${report.riskFlags.map((f) => `${f.flag} (${f.detail})`).join('; ')}`);
      for (const v of report.verdicts) {
        const applies = v.triggers.includes(trigger);
        const state = !v.enabled ? 'OFF      ' : !applies ? 'other trigger' : v.matches ? 'WOULD FIRE' : 'no       ';
        out.push(`  ${state.padEnd(13)} ${v.key} v${v.version}${v.alreadyFired ? ' (already fired for the latest message)' : ''}`);
        out.push(
          applies
            ? `                ${v.matches ? 'because' : 'since'} ${v.reasons.join('; ')}`
            : `                runs on ${v.triggers.join(', ')}${v.matches ? '' : `; now: ${v.reasons.join('; ')}`}`,
        );
      }
      for (const b of report.broken) out.push(`  BROKEN ${b.kind} ${b.key}: ${b.problems.join('; ')}`);
      process.stdout.write(`${out.join('\n')}\n`);
      return 0;
    });
  },
};

export const escalationCommands: Command[] = [rulesList, rulesSet, toggle(true), toggle(false), rulesTest, phrasesSet, levelsSet];
