// The rules commands, run in-process against a file database (the same code `npm run redress`
// runs): rules:test explains, rules:set refuses an invalid rule with its reasons and records
// the author of a valid one, rules:disable switches a rule off.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { seedEscalationDefaults } from '../../app/escalation/config.server';
import { createEscalationHook } from '../../app/escalation/engine.server';
import { intake } from '../../app/tickets/intake.server';
import { UsageError } from '../../cli/command';
import { escalationCommands } from '../../cli/commands/rules';
import { configHistory } from '../../db/store/escalation';
import { testContext, webMessage } from '../support/ticket-context';

const command = (name: string) => escalationCommands.find((c) => c.name === name)!;
let out: string[];
let err: string[];
let dir: string;
let ctx: ReturnType<typeof testContext>;

beforeEach(() => {
  ctx = testContext({ file: true });
  dir = ctx.dir;
  ctx.hooks.push(createEscalationHook({ publicUrl: ctx.publicUrl }));
  seedEscalationDefaults(ctx.db, new Date());
  vi.stubEnv('DATABASE_URL', `file:${join(dir, 'db.sqlite')}`);
  vi.stubEnv('DB_SYNC', 'normal');
  out = [];
  err = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  ctx.db.$client.close();
});

describe('rules commands', () => {
  it('rules:test shows which rules would fire for a ticket and why', async () => {
    const r = intake(ctx, webMessage({ text: '我要请律师起诉你们', receivedAt: new Date() }));
    expect(await command('rules:test').run(['--ticket', r.reference])).toBe(0);
    const text = out.join('');
    expect(text).toContain(`${r.reference}  complaint  priority high  level 2`);
    expect(text).toMatch(/WOULD FIRE\s+regulator-litigation-media v1 \(already fired for the latest message\)\n\s+because litigation: "起诉"/);
    expect(text).toMatch(/no\s+fraud v1\n\s+since no phrase of fraud/);
    expect(text).toMatch(/other trigger\s+sla-breach v1\n\s+runs on sla.breached/);
  });

  it('rules:test refuses an unknown ticket with one line', async () => {
    await expect(command('rules:test').run(['--ticket', 'CMP-2026-999999'])).rejects.toThrow(new UsageError('no ticket CMP-2026-999999'));
    await expect(command('rules:test').run([])).rejects.toThrow(/--ticket: is required/);
  });

  it('rules:set refuses an invalid rule with the reasons and stores a valid one with its author', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ key: 'fraud', name: 'Fraud', triggers: ['ticket.created'], actions: [{ do: 'escalate', level: 5 }] }));
    await expect(command('rules:set').run([bad, '--author', 'li.manager@bank.example'])).rejects.toThrow('refused; nothing was changed');
    expect(err.join('')).toContain('actions.0.level: Too big: expected number to be <=3');
    expect(configHistory(ctx.db, 'rule', 'fraud')).toHaveLength(1);

    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ key: 'fraud', name: 'Fraud → urgent, level 3', order: 20, triggers: ['ticket.created', 'message.received'], when: { phrases: 'fraud' }, actions: [{ do: 'escalate', level: 3 }] }));
    expect(await command('rules:set').run([good, '--author', 'li.manager@bank.example'])).toBe(0);
    expect(out.join('')).toContain('Rule fraud saved as version 2.');
    expect(configHistory(ctx.db, 'rule', 'fraud').at(-1)).toMatchObject({ version: 2, change: 'updated', author: 'li.manager@bank.example' });

    expect(await command('rules:disable').run(['fraud', '--author', 'li.manager@bank.example'])).toBe(0);
    expect(await command('rules:list').run([])).toBe(0);
    expect(out.join('')).toMatch(/fraud\s+v3\s+off/);
  });
});
