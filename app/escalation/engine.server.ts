// The escalation engine: a TicketHook that runs inside the transaction of every ticket change.
// It raises the client-risk flags of a complaint (suitability, assessment, age, repeat), then
// runs the enabled rules for the trigger in order. Each rule fires at most once per ticket and
// triggering event (escalation_firings), and its actions never run the hooks again, so one
// change can never set off a chain of further firings.
import type { Tx } from '../../db/client';
import { inSavepoint } from '../../db/savepoint';
import type { Priority } from '../../db/constants';
import { PRIORITIES } from '../../db/constants';
import {
  claimFiring,
  countComplaintsSince,
  hasFired,
  holdingsOf,
  latestEvents,
  nextRoundRobin,
  profileOf,
  setTicketAssignment,
  setTicketPriority,
  teamIdByName,
  activeStaffByEmails,
  type StaffRow,
} from '../../db/store/escalation';
import { addFlag, appendEvent, findTicketById, flagsOf, insertMessage, messagesOf, type TicketRow } from '../../db/store/tickets';
import type { TicketChange, TicketHook } from '../tickets/context';
import { loadEscalationConfig, type EscalationConfig, type LoadedRule } from './config.server';
import { evaluateCondition, type Facts, type Outcome } from './evaluate';
import { escalateInTx, queueStaffNotice, recipientsOf, type Notifier } from './levels.server';
import { RULE_TRIGGERS, type RuleAction, type RuleTrigger } from './rule-schema';
import { ageOf, heldProductsConcerned, REPEAT_DAYS, riskFlagsFor, type HoldingFacts, type RiskFlag } from './suitability';
import { fillText } from './templates';

export interface EscalationOptions {
  /** Base URL for the staff links in notifications. */
  publicUrl: string;
}

export function isRuleTrigger(trigger: string): trigger is RuleTrigger {
  return (RULE_TRIGGERS as readonly string[]).includes(trigger);
}

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/**
 * What identifies the triggering event. A message trigger is its message; an SLA trigger is its
 * target, offset and policy (a second sweep delivering the same breach is the same event, at
 * whatever time it runs); a status change is the change at its instant.
 */
export function triggerKeyOf(change: TicketChange): string {
  if (change.messageId !== undefined) return `${change.trigger}:m${change.messageId}`;
  if (change.trigger.startsWith('sla.')) return `${change.trigger}:${stableJson(change.data ?? {})}`;
  return `${change.trigger}:${change.now.getTime()}:${stableJson(change.data ?? {})}`;
}

export function createEscalationHook(opts: EscalationOptions): TicketHook {
  return (tx, change) => {
    if (!isRuleTrigger(change.trigger)) return;
    // Read once per change: the rules never edit it, so the derived triggers below share it.
    const config = loadEscalationConfig(tx);
    if (hasWork(config, change.trigger)) guarded(tx, change, () => runEscalation(tx, change, opts, config));
    // intake() hands the hooks only message.received when a client's message also reopens the
    // ticket or wakes a pending one; the status event it wrote is found here, so rules on
    // ticket.reopened and status.changed see those changes too (keyed to the message).
    if (change.trigger === 'message.received' && change.messageId !== undefined) {
      for (const e of latestEvents(tx, change.ticketId, 4)) {
        if (e.at.getTime() !== change.now.getTime() || e.actorType !== 'client') continue;
        const trigger = e.type === 'ticket.reopened' ? 'ticket.reopened' : e.type === 'status.changed' ? 'status.changed' : null;
        if (trigger === null) continue;
        const derived: TicketChange = { ...change, trigger, data: JSON.parse(e.data) as Record<string, unknown> };
        if (hasWork(config, trigger)) guarded(tx, derived, () => runEscalation(tx, derived, opts, config));
      }
    }
  };
}

/** Triggers on which a complaint's client-risk flags are raised, whatever the rules say. */
const RISK_TRIGGERS: readonly RuleTrigger[] = ['ticket.created', 'message.received'];

/**
 * Whether anything can happen for this trigger: risk flags, or an enabled rule that listens to
 * it. A staff member's status change, say, with no rule on status.changed, then costs neither a
 * savepoint nor reading the ticket's messages, profile and holdings.
 */
function hasWork(config: EscalationConfig, trigger: RuleTrigger): boolean {
  return RISK_TRIGGERS.includes(trigger) || config.rules.some((r) => r.enabled && r.rule.triggers.includes(trigger));
}

/**
 * Runs the rules in a savepoint: if they fail (a bug, a broken database object), their writes
 * roll back, the failure is recorded on the ticket, and the client's complaint is still
 * stored — a complaint is never lost because a rule could not run.
 */
function guarded(tx: Tx, change: TicketChange, fn: () => void): void {
  try {
    inSavepoint(tx, fn);
  } catch (error) {
    appendEvent(tx, {
      ticketId: change.ticketId,
      type: 'escalation.failed',
      actorType: 'system',
      data: { trigger: change.trigger, error: error instanceof Error ? error.message : String(error) },
      at: change.now,
    });
  }
}

interface Gathered {
  ticket: TicketRow;
  facts: Facts;
  riskFlags: RiskFlag[];
}

function slaOf(change: { data?: Record<string, unknown> }): Facts['sla'] {
  const d = change.data ?? {};
  const pick = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : undefined);
  const target = pick(d.target);
  return { target: target === undefined ? undefined : String(target), offset: pick(d.offset) };
}

function textOf(tx: Tx, ticket: TicketRow, messageId: number | undefined, allMessages: boolean): string {
  const inbound = messagesOf(tx, ticket.id, ['in']);
  if (messageId !== undefined) {
    const m = inbound.find((x) => x.id === messageId);
    if (m) return `${m.subject ?? ''}\n${m.text}`;
  }
  const chosen = allMessages ? inbound : inbound.slice(-1);
  return [ticket.subject, ...chosen.map((m) => `${m.subject ?? ''}\n${m.text}`)].join('\n');
}

export function gatherFacts(
  tx: Tx,
  ticket: TicketRow,
  input: { trigger: RuleTrigger; messageId?: number; data?: Record<string, unknown>; now: Date; allMessages?: boolean },
  config: EscalationConfig,
): Gathered {
  // Each fact is read when a condition or the risk flags first need it: an SLA event's rules
  // usually read none of the text, the holdings, the profile or the flags.
  let text: string | undefined;
  const textNow = () => (text ??= textOf(tx, ticket, input.messageId, input.allMessages ?? false));
  let concerned: HoldingFacts[] | undefined;
  const concernedNow = () => (concerned ??= heldProductsConcerned(holdingsOf(tx, ticket.customerId), ticket.product, `${ticket.subject}\n${textNow()}`));
  let profile: { row: ReturnType<typeof profileOf> } | undefined;
  const profileNow = () => (profile ??= { row: profileOf(tx, ticket.customerId) }).row;
  let flags: Set<string> | undefined;
  const counts = new Map<number, number>();
  const complaintsWithin = (days: number) => {
    if (!counts.has(days)) {
      counts.set(days, countComplaintsSince(tx, ticket.customerId, new Date(input.now.getTime() - days * 86_400_000), 1000));
    }
    return counts.get(days)!;
  };
  const riskFlags =
    ticket.kind === 'complaint' && (input.trigger === 'ticket.created' || input.trigger === 'message.received')
      ? riskFlagsFor({ profile: profileNow(), concerned: concernedNow(), complaintsIn90Days: complaintsWithin(REPEAT_DAYS), now: input.now })
      : [];
  const facts: Facts = {
    trigger: input.trigger,
    ticket: {
      kind: ticket.kind,
      channel: ticket.channel,
      product: ticket.product,
      cause: ticket.cause,
      priority: ticket.priority,
      status: ticket.status,
      language: ticket.language,
      level: ticket.level,
      // The set the rules add to as they flag (runEscalation), read once.
      get flags() {
        return (flags ??= new Set(flagsOf(tx, ticket.id).map((f) => f.flag)));
      },
    },
    customer: {
      get riskLevel() {
        return profileNow()?.riskLevel ?? null;
      },
      get age() {
        return ageOf(profileNow(), input.now);
      },
      get vulnerable() {
        return profileNow()?.vulnerable ?? false;
      },
      get holdsProduct() {
        return concernedNow().length > 0;
      },
      complaintsWithin,
    },
    get text() {
      return textNow();
    },
    sla: input.trigger.startsWith('sla.') ? slaOf(input) : null,
    lists: config.lists,
  };
  return { ticket, facts, riskFlags };
}

export function runEscalation(tx: Tx, change: TicketChange, opts: EscalationOptions, config: EscalationConfig): void {
  if (!isRuleTrigger(change.trigger)) return;
  const trigger = change.trigger;
  const ticket = findTicketById(tx, change.ticketId);
  if (!ticket) return;
  const { facts, riskFlags } = gatherFacts(tx, ticket, { trigger, messageId: change.messageId, data: change.data, now: change.now }, config);

  for (const rf of riskFlags) {
    if (addFlag(tx, ticket.id, rf.flag, rf.detail, change.now)) {
      appendEvent(tx, {
        ticketId: ticket.id,
        type: 'flag.added',
        actorType: 'system',
        actorId: 'risk-profile',
        data: { flag: rf.flag, detail: rf.detail },
        at: change.now,
      });
    }
    facts.ticket.flags.add(rf.flag);
  }

  const triggerKey = triggerKeyOf(change);
  // The ticket as the actions so far left it: read again only after one of them changed it.
  let current = ticket;
  const notifier: Notifier = { publicUrl: opts.publicUrl, sent: new Set() };
  for (const loaded of config.rules) {
    if (!loaded.enabled || !loaded.rule.triggers.includes(trigger)) continue;
    const outcome = evaluateCondition(loaded.rule.when, facts);
    if (!outcome.matched) continue;
    if (!claimFiring(tx, { ticketId: ticket.id, ruleKey: loaded.key, triggerKey, ruleVersion: loaded.version, now: change.now })) continue;
    const done = loaded.rule.actions.map((action) => {
      const r = applyAction(tx, { loaded, action, outcome, facts, config, notifier, ticket: current, trigger, now: change.now });
      // The next action sees the ticket as this one left it.
      if (r.changed) current = findTicketById(tx, ticket.id)!;
      return r.summary;
    });
    appendEvent(tx, {
      ticketId: ticket.id,
      type: 'rule.fired',
      actorType: 'rule',
      actorId: loaded.key,
      data: { rule: loaded.key, name: loaded.rule.name, version: loaded.version, trigger, triggerKey, matched: outcome.reasons, actions: done },
      at: change.now,
    });
  }
}

interface ActionInput {
  loaded: LoadedRule;
  action: RuleAction;
  outcome: Outcome;
  facts: Facts;
  config: EscalationConfig;
  notifier: Notifier;
  /** The ticket as it now stands. */
  ticket: TicketRow;
  trigger: RuleTrigger;
  now: Date;
}

interface ActionResult {
  /** What it did, for the rule.fired event. */
  summary: string;
  /** Whether it changed the ticket's row. */
  changed: boolean;
}

const unchanged = (summary: string): ActionResult => ({ summary, changed: false });
const changed = (summary: string): ActionResult => ({ summary, changed: true });

const rank = (p: Priority) => PRIORITIES.indexOf(p);

function matchedSummary(outcome: Outcome): string {
  return outcome.phrases.length > 0 ? outcome.phrases.map((p) => `${p.list}: "${p.phrase}"`).join(', ') : outcome.reasons.join(', ');
}

function applyAction(tx: Tx, a: ActionInput): ActionResult {
  const { ticket } = a;
  const actor = { actorType: 'rule' as const, actorId: a.loaded.key };
  const { action, now } = a;
  switch (action.do) {
    case 'priority': {
      const target = (action.set ?? action.atLeast)!;
      if (ticket.priority === target || (action.atLeast && rank(ticket.priority) >= rank(target))) return unchanged(`priority stays ${ticket.priority}`);
      setTicketPriority(tx, ticket.id, target, now);
      appendEvent(tx, { ticketId: ticket.id, type: 'priority.changed', ...actor, data: { from: ticket.priority, to: target, rule: a.loaded.key }, at: now });
      a.facts.ticket.priority = target;
      return changed(`priority ${ticket.priority} → ${target}`);
    }
    case 'flag': {
      const wanted: { flag: string; detail: string }[] = action.flag
        ? [{ flag: action.flag, detail: a.outcome.phrases[0]?.phrase ?? a.loaded.rule.name }]
        : a.outcome.phrases.map((p) => ({ flag: p.list, detail: p.phrase }));
      const added: string[] = [];
      for (const w of wanted) {
        if (addFlag(tx, ticket.id, w.flag, w.detail, now)) {
          appendEvent(tx, { ticketId: ticket.id, type: 'flag.added', ...actor, data: { flag: w.flag, detail: w.detail, rule: a.loaded.key }, at: now });
          added.push(`${w.flag} ("${w.detail}")`);
        }
        a.facts.ticket.flags.add(w.flag);
      }
      return added.length > 0 ? changed(`flagged ${added.join(', ')}`) : unchanged('flags already set');
    }
    case 'assign': {
      let assignee: StaffRow | undefined;
      let teamId: number | null = ticket.teamId;
      if (action.person) {
        assignee = activeStaffByEmails(tx, [action.person])[0];
        if (!assignee) return unchanged(`not assigned: no active staff member ${action.person}`);
        teamId = assignee.teamId ?? teamId;
      } else {
        const id = teamIdByName(tx, action.team!);
        if (id === undefined) return unchanged(`not assigned: no team "${action.team}"`);
        teamId = id;
        if (action.roundRobin) assignee = nextRoundRobin(tx, id);
      }
      const assigneeId = assignee?.id ?? (teamId === ticket.teamId ? ticket.assigneeId : null);
      if (assigneeId === ticket.assigneeId && teamId === ticket.teamId) return unchanged('assignment unchanged');
      setTicketAssignment(tx, ticket.id, { assigneeId, teamId }, now);
      appendEvent(tx, {
        ticketId: ticket.id,
        type: 'ticket.assigned',
        ...actor,
        data: { from: { assigneeId: ticket.assigneeId, teamId: ticket.teamId }, to: { assigneeId, teamId }, rule: a.loaded.key },
        at: now,
      });
      return changed(`assigned to ${assignee ? assignee.email : `team ${action.team}`}`);
    }
    case 'escalate': {
      const to = action.level ?? Math.min(3, ticket.level + 1);
      const r = escalateInTx(tx, {
        ticketId: ticket.id,
        current: ticket,
        to,
        actor: { type: 'rule', id: a.loaded.key },
        reason: `${a.loaded.rule.name}: ${matchedSummary(a.outcome)}`,
        notify: action.notify,
        template: action.template,
        values: { rule: a.loaded.rule.name, matched: matchedSummary(a.outcome), target: String(a.facts.sla?.target ?? '') },
        config: a.config,
        notifier: a.notifier,
        now,
      });
      if (r.escalated) a.facts.ticket.level = to;
      return r.escalated ? changed(`escalated ${r.from} → ${to}, ${r.notified} notice(s)`) : unchanged(`level stays ${r.from}`);
    }
    case 'notify': {
      let people = recipientsOf(tx, ticket, action.to, a.config);
      if (people.length === 0 && action.fallback) people = recipientsOf(tx, ticket, action.fallback, a.config);
      const n = queueStaffNotice(tx, {
        ticket,
        people,
        via: action.via,
        template: action.template,
        values: { rule: a.loaded.rule.name, matched: matchedSummary(a.outcome), target: String(a.facts.sla?.target ?? '') },
        config: a.config,
        notifier: a.notifier,
        now,
      });
      if (n > 0) {
        appendEvent(tx, {
          ticketId: ticket.id,
          type: 'notify.queued',
          ...actor,
          data: { template: action.template, staff: people.map((p) => p.id), via: action.via, rule: a.loaded.key },
          at: now,
        });
      }
      return unchanged(`${n} notice(s) queued`);
    }
    case 'note': {
      const raw = typeof action.text === 'string' ? action.text : action.text[ticket.language];
      const text = fillText(raw, {
        reference: ticket.reference,
        subject: ticket.subject,
        level: String(ticket.level),
        levelName: '',
        rule: a.loaded.rule.name,
        matched: matchedSummary(a.outcome),
        link: '',
        priority: ticket.priority,
        target: String(a.facts.sla?.target ?? ''),
      });
      const m = insertMessage(tx, { ticketId: ticket.id, direction: 'note', channel: ticket.channel, authorType: 'rule', text, createdAt: now });
      appendEvent(tx, { ticketId: ticket.id, type: 'note.added', ...actor, data: { messageId: m.id, rule: a.loaded.key }, at: now });
      return changed('internal note added');
    }
  }
}

export interface RuleVerdict {
  key: string;
  name: string;
  version: number;
  enabled: boolean;
  triggers: RuleTrigger[];
  /** Whether the condition holds now. */
  matches: boolean;
  reasons: string[];
  /** Already fired for this ticket's latest message (ticket.created / message.received). */
  alreadyFired: boolean;
}

/** rules:test: which rules would fire for the ticket as it stands, and why; writes nothing. */
export function explainRules(
  tx: Tx,
  ticketId: number,
  input: { now: Date; trigger?: RuleTrigger; data?: Record<string, unknown> },
): { ticket: TicketRow; riskFlags: RiskFlag[]; verdicts: RuleVerdict[]; broken: EscalationConfig['broken'] } {
  const ticket = findTicketById(tx, ticketId);
  if (!ticket) throw new Error(`No ticket ${ticketId}`);
  const config = loadEscalationConfig(tx);
  const trigger = input.trigger ?? 'message.received';
  const { facts, riskFlags } = gatherFacts(
    tx,
    ticket,
    { trigger: trigger === 'ticket.created' ? 'message.received' : trigger, data: input.data, now: input.now, allMessages: true },
    config,
  );
  facts.trigger = trigger;
  for (const rf of riskFlags) facts.ticket.flags.add(rf.flag);
  const last = messagesOf(tx, ticket.id, ['in']).at(-1);
  const verdicts = config.rules.map((l) => {
    const o = evaluateCondition(l.rule.when, facts);
    const alreadyFired =
      last !== undefined &&
      (hasFired(tx, ticket.id, l.key, `message.received:m${last.id}`) || hasFired(tx, ticket.id, l.key, `ticket.created:m${last.id}`));
    return { key: l.key, name: l.rule.name, version: l.version, enabled: l.enabled, triggers: l.rule.triggers, matches: o.matched, reasons: o.reasons, alreadyFired };
  });
  return { ticket, riskFlags, verdicts, broken: config.broken };
}

