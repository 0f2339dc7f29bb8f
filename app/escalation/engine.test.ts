import { beforeEach, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../db/client';
import { configHistory } from '../../db/store/escalation';
import { outboxOfTicket } from '../../db/store/outbox';
import { eventsOf, findTicketById, flagsOf, messagesOf } from '../../db/store/tickets';
import { addStaff, addTeam } from '../../tests/escalation/staff';
import { testContext, webMessage } from '../../tests/support/ticket-context';
import type { TicketChange, TicketContext } from '../tickets/context';
import { intake } from '../tickets/intake.server';
import { changeStatus } from '../tickets/status.server';
import { InvalidConfig, saveLevel, saveRule, seedEscalationDefaults, setRuleEnabled } from './config.server';
import { createEscalationHook, explainRules } from './engine.server';
import { escalateTicket } from './levels.server';

const now = new Date('2026-03-01T08:00:00Z');
let ctx: TicketContext & { dir: string };
let staff: Record<string, number>;

beforeEach(() => {
  ctx = testContext();
  ctx.hooks.push(createEscalationHook({ publicUrl: ctx.publicUrl }));
  seedEscalationDefaults(ctx.db, now);
  const team = addTeam(ctx.db, 'Wealth');
  staff = {
    agent: addStaff(ctx.db, { email: 'agent@bank.example', role: 'agent', teamId: team, language: 'en' }),
    lead: addStaff(ctx.db, { email: 'lead@bank.example', role: 'supervisor', teamId: team, language: 'zh' }),
    manager: addStaff(ctx.db, { email: 'manager@bank.example', role: 'supervisor', language: 'en' }),
    compliance: addStaff(ctx.db, { email: 'compliance@bank.example', role: 'compliance', language: 'zh', phone: '+8613900000001' }),
  };
});

const complain = (text: string, extra: Parameters<typeof webMessage>[0] = {}) =>
  intake(ctx, webMessage({ text, receivedAt: now, ...extra }), { kind: 'complaint' });
const ticketOf = (id: number) => findTicketById(ctx.db, id)!;
const flags = (id: number) => Object.fromEntries(flagsOf(ctx.db, id).map((f) => [f.flag, f.detail]));
const fired = (id: number) =>
  eventsOf(ctx.db, id)
    .filter((e) => e.type === 'rule.fired')
    .map((e) => JSON.parse(e.data) as { rule: string; version: number; matched: string[]; trigger: string });
const notices = (id: number) => outboxOfTicket(ctx.db, id).filter((o) => o.purpose === 'escalation');

function inTeamWealth(ticketId: number) {
  ctx.db.$client.prepare("update tickets set team_id = (select id from teams where name = 'Wealth') where id = ?").run(ticketId);
}

function runHook(change: TicketChange) {
  writeTransaction(ctx.db, (tx) => ctx.hooks.forEach((h) => h(tx, change)));
}

describe('default rules', () => {
  it('regulator (full-width 12378, Chinese): high, level 2, flag with the phrase, firing event, notice in the recipient’s language', () => {
    const r = complain('你们再不处理，我就打１２３７８投诉！');
    expect(ticketOf(r.ticketId)).toMatchObject({ priority: 'high', level: 2 });
    expect(flags(r.ticketId)).toMatchObject({ regulator: '12378' });
    expect(fired(r.ticketId)).toEqual([
      expect.objectContaining({ rule: 'regulator-litigation-media', version: 1, trigger: 'ticket.created', matched: ['regulator: "12378"'] }),
    ]);
    const escalated = eventsOf(ctx.db, r.ticketId).find((e) => e.type === 'ticket.escalated')!;
    expect(escalated.actorType).toBe('rule');
    expect(JSON.parse(escalated.data)).toMatchObject({ from: 0, to: 2 });
    const sent = notices(r.ticketId);
    expect(sent.map((o) => [o.channel, o.recipient])).toEqual(
      expect.arrayContaining([
        ['email', 'manager@bank.example'],
        ['email', 'lead@bank.example'],
      ]),
    );
    expect(sent.find((o) => o.recipient === 'manager@bank.example')!.subject).toContain('Escalated to level 2 (Complaints manager)');
    expect(sent.find((o) => o.recipient === 'lead@bank.example')!.subject).toContain('已升级至 2 级（投诉管理负责人）');
  });

  it('litigation and media in English: high, level 2, one flag per list', () => {
    const r = complain('My solicitor will take you to court and I will talk to the press.');
    expect(ticketOf(r.ticketId)).toMatchObject({ priority: 'high', level: 2 });
    expect(flags(r.ticketId)).toMatchObject({ litigation: 'solicitor', media: 'press' });
  });

  it('false friends raise nothing', () => {
    const r = complain('I have an issue with my statement and will pursue it with the branch. Please express my thanks.');
    expect(ticketOf(r.ticketId)).toMatchObject({ priority: 'normal', level: 0 });
    expect(flags(r.ticketId)).toEqual({});
    expect(fired(r.ticketId)).toEqual([]);
  });

  it('fraud (Chinese and English): urgent, level 2', () => {
    for (const text of ['我的信用卡被盗刷了', 'Someone made unauthorised transfers, it is a scam']) {
      const r = complain(text, { sender: { email: `${text.length}@example.com` } });
      expect(ticketOf(r.ticketId)).toMatchObject({ priority: 'urgent', level: 2 });
      expect(Object.keys(flags(r.ticketId))).toContain('fraud');
    }
  });

  it('self-harm: urgent, level 3, compliance told by SMS and email at once, an internal note', () => {
    const r = complain('钱都没了，我真的想死');
    expect(ticketOf(r.ticketId)).toMatchObject({ priority: 'urgent', level: 3 });
    expect(flags(r.ticketId)).toMatchObject({ 'self-harm': '想死' });
    const sent = notices(r.ticketId).filter((o) => o.recipient.includes('compliance') || o.recipient.startsWith('+86139'));
    expect(sent.map((o) => o.channel).sort()).toEqual(['email', 'sms']);
    expect(sent.every((o) => o.nextAttemptAt.getTime() === now.getTime())).toBe(true);
    expect(sent.find((o) => o.channel === 'sms')!.body).toContain('紧急');
    const note = messagesOf(ctx.db, r.ticketId, ['note'])[0]!;
    expect(note.authorType).toBe('rule');
    expect(note.text).toContain('自伤风险');
  });

  it('self-harm reaches the named person of level 3 by SMS and email', () => {
    addStaff(ctx.db, { email: 'duty@bank.example', role: 'agent', language: 'en', phone: '+447700900001' });
    writeTransaction(ctx.db, (tx) =>
      saveLevel(tx, 3, { name: { en: 'Compliance officer', zh: '合规官' }, roles: ['compliance'], people: ['duty@bank.example'] }, 'admin@bank.example', now),
    );
    const r = complain('I want to kill myself', { sender: { email: 'sh@example.com' } });
    const duty = notices(r.ticketId).filter((o) => o.recipient === 'duty@bank.example' || o.recipient === '+447700900001');
    expect(duty.map((o) => o.channel).sort()).toEqual(['email', 'sms']);
    expect(duty.find((o) => o.channel === 'sms')!.body).toMatch(/^Redress URGENT: CMP-2026-\d+: self-harm: "kill myself"/);
  });

  it('self-harm in English, not "想死你了"', () => {
    const en = complain('I cannot go on, I want to end my life', { sender: { email: 'en@example.com' } });
    expect(ticketOf(en.ticketId)).toMatchObject({ priority: 'urgent', level: 3 });
    const greeting = complain('好久不见，想死你了，想问一下理财到期时间', { sender: { email: 'zh@example.com' } });
    expect(ticketOf(greeting.ticketId)).toMatchObject({ priority: 'normal', level: 0 });
  });

  it('vulnerable: at least high, never lowering urgent', () => {
    const a = complain('This was my mother’s pension savings, she has dementia.', { sender: { email: 'a@example.com' } });
    expect(ticketOf(a.ticketId).priority).toBe('high');
    expect(flags(a.ticketId)).toMatchObject({ vulnerable: 'dementia' });
    const b = complain('老人的养老钱被骗了', { sender: { email: 'b@example.com' } });
    expect(ticketOf(b.ticketId).priority).toBe('urgent');
    expect(Object.keys(flags(b.ticketId))).toEqual(expect.arrayContaining(['fraud', 'vulnerable']));
  });

  it('mis-selling and group complaints are flagged with the phrase', () => {
    const r = complain('当时说是保本的，我们有多人都买了');
    expect(flags(r.ticketId)).toMatchObject({ 'mis-selling': '保本', 'group-complaint': '多人' });
    const en = complain('I was mis-sold this policy', { sender: { email: 'ms@example.com' } });
    expect(flags(en.ticketId)).toMatchObject({ 'mis-selling': 'mis-sold' });
  });

  it('a follow-up message is a new event: rules run again for it, once', () => {
    const r = complain('Where is my money?', { sender: { email: 'f@example.com' } });
    expect(ticketOf(r.ticketId).level).toBe(0);
    const more = intake(ctx, webMessage({ sender: { email: 'f@example.com' }, text: 'I will go to the FCA.', threadHints: [{ kind: 'recent-open', withinDays: 30 }], receivedAt: now }));
    expect(more.ticketId).toBe(r.ticketId);
    expect(ticketOf(r.ticketId).level).toBe(2);
    // The same change delivered again (a retried hook) does nothing more.
    runHook({ ticketId: r.ticketId, trigger: 'message.received', messageId: more.messageId, now });
    expect(fired(r.ticketId)).toHaveLength(1);
  });
});

describe('SLA events', () => {
  it('a breach escalates one level once, not once per sweep, and notifies that level', () => {
    const r = complain('Where is my money?');
    inTeamWealth(r.ticketId);
    const breach: TicketChange = { ticketId: r.ticketId, trigger: 'sla.breached', data: { target: 'resolution', offset: 0, policy: 'CN-NFRA' }, now };
    runHook(breach);
    runHook({ ...breach, now: new Date(now.getTime() + 15_000) });
    expect(ticketOf(r.ticketId).level).toBe(1);
    expect(fired(r.ticketId).map((f) => f.rule)).toEqual(['sla-breach']);
    expect(notices(r.ticketId).map((o) => o.recipient)).toEqual(['lead@bank.example']);
    expect(notices(r.ticketId)[0]!.subject).toContain('已超时：resolution');
    // Another target's breach is another event: one more level.
    runHook({ ...breach, data: { target: 'first_response', offset: 0, policy: 'CN-NFRA' } });
    expect(ticketOf(r.ticketId).level).toBe(2);
  });

  it('never escalates past 3 or down', () => {
    const r = complain('我想死');
    expect(ticketOf(r.ticketId).level).toBe(3);
    runHook({ ticketId: r.ticketId, trigger: 'sla.breached', data: { target: 'resolution', offset: 0, policy: 'p' }, now });
    expect(ticketOf(r.ticketId).level).toBe(3);
  });

  it('a warning goes to the assignee, or to the team lead when unassigned', () => {
    const r = complain('Where is my money?');
    inTeamWealth(r.ticketId);
    const warn: TicketChange = { ticketId: r.ticketId, trigger: 'sla.warning', data: { target: 'resolution', offset: '50%', policy: 'p' }, now };
    runHook(warn);
    expect(notices(r.ticketId).map((o) => o.recipient)).toEqual(['lead@bank.example']);
    ctx.db.$client.prepare('update tickets set assignee_id = ? where id = ?').run(staff.agent, r.ticketId);
    runHook({ ...warn, data: { target: 'resolution', offset: '75%', policy: 'p' } });
    const last = notices(r.ticketId).at(-1)!;
    expect(last.recipient).toBe('agent@bank.example');
    expect(last.subject).toBe(`[${r.reference}] SLA warning: resolution`);
  });
});

describe('rules as data', () => {
  it('an edit takes effect for the next event and is recorded with its author', () => {
    const before = complain('I will complain to the ombudsman', { sender: { email: 'x@example.com' } });
    expect(ticketOf(before.ticketId).level).toBe(2);
    writeTransaction(ctx.db, (tx) =>
      saveRule(
        tx,
        {
          key: 'regulator-litigation-media',
          name: 'Regulator, litigation or media → urgent, level 3',
          order: 30,
          triggers: ['ticket.created', 'message.received'],
          when: { phrases: ['regulator', 'litigation', 'media'] },
          actions: [{ do: 'flag' }, { do: 'priority', set: 'urgent' }, { do: 'escalate', level: 3 }],
        },
        'manager@bank.example',
        new Date('2026-03-01T09:00:00Z'),
      ),
    );
    const after = complain('I will complain to the ombudsman', { sender: { email: 'y@example.com' } });
    expect(ticketOf(after.ticketId)).toMatchObject({ priority: 'urgent', level: 3 });
    expect(fired(after.ticketId)[0]).toMatchObject({ rule: 'regulator-litigation-media', version: 2 });
    expect(fired(before.ticketId)[0]).toMatchObject({ version: 1 });
    const history = configHistory(ctx.db, 'rule', 'regulator-litigation-media');
    expect(history.map((h) => [h.version, h.change, h.author])).toEqual([
      [1, 'seeded', 'system:seed'],
      [2, 'updated', 'manager@bank.example'],
    ]);
  });

  it('a switched-off rule does not fire', () => {
    writeTransaction(ctx.db, (tx) => setRuleEnabled(tx, 'fraud', false, 'manager@bank.example', now));
    const r = complain('This is fraud');
    expect(ticketOf(r.ticketId)).toMatchObject({ priority: 'normal', level: 0 });
    expect(configHistory(ctx.db, 'rule', 'fraud').at(-1)).toMatchObject({ change: 'disabled', author: 'manager@bank.example' });
  });

  it('an invalid rule is refused with the reason, and nothing is stored', () => {
    const attempt = (rule: unknown) => {
      try {
        writeTransaction(ctx.db, (tx) => saveRule(tx, rule, 'manager@bank.example', now));
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidConfig);
        return (error as InvalidConfig).problems;
      }
    };
    const base = { key: 'bad', name: 'Bad', triggers: ['ticket.created'], actions: [{ do: 'flag' }] };
    expect(attempt({ ...base, actions: [{ do: 'priority', set: 'extreme' }] })[0]).toMatch(/^actions\.0\.set: /);
    expect(attempt({ ...base, triggers: ['ticket.deleted'] })[0]).toMatch(/^triggers\.0: /);
    expect(attempt({ ...base, actions: [{ do: 'escalate', level: 0 }] })).toEqual(['actions.0.level: escalation never goes down to 0']);
    expect(attempt({ ...base, when: { phrases: 'no-such-list' } })).toEqual(['when: no phrase list named "no-such-list"']);
    expect(attempt({ ...base, when: { field: 'customer.shoeSize', is: 'x' } })[0]).toMatch(/^when.*unknown field/);
    expect(attempt({ ...base, when: { all: [{ field: 'customer.age', gte: 'old' }] } })[0]).toMatch(/^when\.all\.0\.gte: /);
    expect(attempt({ ...base, actions: [] })).toEqual(['actions: a rule needs at least one action']);
    expect(configHistory(ctx.db, 'rule', 'bad')).toEqual([]);
  });

  it('seeding twice changes nothing', () => {
    expect(seedEscalationDefaults(ctx.db, now)).toBe(0);
  });

  it('status and reopen triggers run rules that ask for them', () => {
    writeTransaction(ctx.db, (tx) =>
      saveRule(
        tx,
        { key: 'reopened', name: 'Reopened → team lead', triggers: ['ticket.reopened'], actions: [{ do: 'escalate', level: 1 }] },
        'manager@bank.example',
        now,
      ),
    );
    const r = complain('Where is my money?');
    changeStatus(ctx, { ticketId: r.ticketId, to: 'open', actor: { type: 'staff' }, now });
    changeStatus(ctx, { ticketId: r.ticketId, to: 'resolved', actor: { type: 'staff' }, now });
    expect(ticketOf(r.ticketId).level).toBe(0);
    changeStatus(ctx, { ticketId: r.ticketId, to: 'open', actor: { type: 'staff' }, now: new Date(now.getTime() + 1000) });
    expect(ticketOf(r.ticketId).level).toBe(1);
  });

  it('a client message that reopens a resolved ticket fires ticket.reopened rules, once', () => {
    writeTransaction(ctx.db, (tx) =>
      saveRule(
        tx,
        { key: 'reopened', name: 'Reopened → team lead', triggers: ['ticket.reopened'], actions: [{ do: 'escalate', level: 1 }] },
        'manager@bank.example',
        now,
      ),
    );
    const r = complain('Where is my money?', { sender: { email: 'reopen@example.com' } });
    ctx.db.$client.prepare("update tickets set status = 'resolved', resolved_at = ? where id = ?").run(now.getTime(), r.ticketId);
    const later = new Date(now.getTime() + 86_400_000);
    const more = intake(ctx, webMessage({ sender: {}, text: 'Still not fixed', threadHints: [{ kind: 'tracking-token', token: r.trackingToken! }], receivedAt: later }));
    expect(more.ticketId).toBe(r.ticketId);
    expect(ticketOf(r.ticketId)).toMatchObject({ status: 'open', level: 1 });
    runHook({ ticketId: r.ticketId, trigger: 'message.received', messageId: more.messageId, now: later });
    expect(fired(r.ticketId).filter((f) => f.rule === 'reopened')).toHaveLength(1);
  });

  it('assigns round-robin within a team and conditions on ticket and customer fields', () => {
    const team = addTeam(ctx.db, 'Cards');
    const a = addStaff(ctx.db, { email: 'c1@bank.example', role: 'agent', teamId: team });
    const b = addStaff(ctx.db, { email: 'c2@bank.example', role: 'agent', teamId: team });
    writeTransaction(ctx.db, (tx) =>
      saveRule(
        tx,
        {
          key: 'cards',
          name: 'Card complaints → Cards team',
          triggers: ['ticket.created'],
          when: { all: [{ field: 'ticket.product', is: 'cards' }, { not: { field: 'customer.complaints', days: 90, gte: 5 } }] },
          actions: [{ do: 'assign', team: 'Cards', roundRobin: true }],
        },
        'manager@bank.example',
        now,
      ),
    );
    const ids = [1, 2, 3].map((i) => intake(ctx, webMessage({ sender: { email: `rr${i}@example.com` }, receivedAt: now }), { product: 'cards' }).ticketId);
    expect(ids.map((id) => ticketOf(id).assigneeId)).toEqual([a, b, a]);
    expect(ticketOf(ids[0]!).teamId).toBe(team);
  });
});

describe('robustness', () => {
  it('a failure inside the rules never loses the complaint: it is stored, and the failure recorded', () => {
    ctx.db.$client.exec('drop table escalation_firings');
    const r = complain('I will go to the FCA');
    expect(ticketOf(r.ticketId)).toMatchObject({ level: 0, priority: 'normal' });
    expect(flags(r.ticketId)).toEqual({});
    const failed = eventsOf(ctx.db, r.ticketId).find((e) => e.type === 'escalation.failed')!;
    expect(JSON.parse(failed.data)).toMatchObject({ trigger: 'ticket.created', error: expect.stringContaining('escalation_firings') });
    expect(messagesOf(ctx.db, r.ticketId, ['in'])).toHaveLength(1);
  });
});

describe('escalating by hand', () => {
  it('goes up with who and why, notifies the level, and never goes down', () => {
    const r = complain('Where is my money?');
    inTeamWealth(r.ticketId);
    const up = escalateTicket(ctx.db, { ticketId: r.ticketId, to: 1, staffId: staff.agent!, reason: 'Client very upset', publicUrl: ctx.publicUrl, now });
    expect(up).toEqual({ escalated: true, from: 0, notified: 1 });
    const e = eventsOf(ctx.db, r.ticketId).find((x) => x.type === 'ticket.escalated')!;
    expect(e).toMatchObject({ actorType: 'staff', actorId: String(staff.agent) });
    expect(JSON.parse(e.data)).toMatchObject({ from: 0, to: 1, reason: 'Client very upset' });
    expect(escalateTicket(ctx.db, { ticketId: r.ticketId, to: 0, staffId: staff.agent!, reason: 'oops', publicUrl: ctx.publicUrl, now })).toMatchObject({ escalated: false, from: 1 });
    expect(ticketOf(r.ticketId).level).toBe(1);
  });
});

describe('rules:test', () => {
  it('explains which rules would fire and why, without writing', () => {
    const r = complain('我要起诉你们');
    const eventsBefore = eventsOf(ctx.db, r.ticketId).length;
    const report = explainRules(ctx.db, r.ticketId, { now });
    const byKey = Object.fromEntries(report.verdicts.map((v) => [v.key, v]));
    expect(byKey['regulator-litigation-media']).toMatchObject({ matches: true, reasons: ['litigation: "起诉"'], alreadyFired: true });
    expect(byKey.fraud).toMatchObject({ matches: false, reasons: ['no phrase of fraud'] });
    expect(eventsOf(ctx.db, r.ticketId)).toHaveLength(eventsBefore);
  });
});
