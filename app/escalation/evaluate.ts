// Pure evaluation of a rule's condition against the facts of one ticket at one triggering
// event. Returns whether it matched and, for the firing event and rules:test, why.
import type { Channel, Language, Priority, Product, TicketKind, TicketStatus, Cause } from '../../db/constants';
import { matchList, normalizeText, type CompiledList, type PhraseMatch } from './phrases';
import type { Condition, FieldCondition, RuleTrigger } from './rule-schema';

export interface Facts {
  trigger: RuleTrigger;
  ticket: {
    kind: TicketKind;
    channel: Channel;
    product: Product | null;
    cause: Cause | null;
    priority: Priority;
    status: TicketStatus;
    language: Language;
    level: number;
    flags: Set<string>;
  };
  customer: {
    riskLevel: string | null;
    age: number | null;
    vulnerable: boolean;
    holdsProduct: boolean;
    /** Complaints opened in the last `days` days (including this one). */
    complaintsWithin(days: number): number;
  };
  /** The text a `phrases` condition reads: the triggering message, or the ticket's subject and latest client message. */
  text: string;
  sla: { target?: string; offset?: string | number } | null;
  lists: Map<string, CompiledList>;
}

export interface Outcome {
  matched: boolean;
  /** Human-readable reasons: `phrases regulator: "12378"`, `customer.age 67 >= 65`. */
  reasons: string[];
  phrases: PhraseMatch[];
}

const no = (reason: string): Outcome => ({ matched: false, reasons: [reason], phrases: [] });
const yes = (reason: string, phrases: PhraseMatch[] = []): Outcome => ({ matched: true, reasons: [reason], phrases });

function compareNumber(label: string, actual: number | null, c: { eq?: number; gt?: number; gte?: number; lt?: number; lte?: number }): Outcome {
  if (actual === null) return no(`${label} unknown`);
  const [op, want] = (Object.entries(c).find(([k, v]) => ['eq', 'gt', 'gte', 'lt', 'lte'].includes(k) && v !== undefined) ?? ['eq', NaN]) as [string, number];
  const sym = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
  const ok =
    op === 'eq' ? actual === want : op === 'gt' ? actual > want : op === 'gte' ? actual >= want : op === 'lt' ? actual < want : actual <= want;
  return ok ? yes(`${label} ${actual} ${sym} ${want}`) : no(`${label} ${actual} not ${sym} ${want}`);
}

function compareValue(label: string, actual: string | number | null | undefined, c: { is?: unknown; in?: unknown[] }): Outcome {
  const wanted = c.in ?? [c.is];
  const ok = actual !== null && actual !== undefined && wanted.some((w) => String(w) === String(actual));
  const shown = actual === null || actual === undefined ? '(none)' : String(actual);
  return ok ? yes(`${label} is ${shown}`) : no(`${label} is ${shown}, not ${wanted.map(String).join('/')}`);
}

function evaluateField(c: FieldCondition, f: Facts): Outcome {
  switch (c.field) {
    case 'ticket.kind':
      return compareValue(c.field, f.ticket.kind, c);
    case 'ticket.channel':
      return compareValue(c.field, f.ticket.channel, c);
    case 'ticket.product':
      return compareValue(c.field, f.ticket.product, c);
    case 'ticket.cause':
      return compareValue(c.field, f.ticket.cause, c);
    case 'ticket.priority':
      return compareValue(c.field, f.ticket.priority, c);
    case 'ticket.status':
      return compareValue(c.field, f.ticket.status, c);
    case 'ticket.language':
      return compareValue(c.field, f.ticket.language, c);
    case 'ticket.level':
      return compareNumber(c.field, f.ticket.level, c);
    case 'ticket.flags':
      return f.ticket.flags.has(c.has) ? yes(`flag ${c.has}`) : no(`no flag ${c.has}`);
    case 'customer.riskLevel':
      return compareValue(c.field, f.customer.riskLevel, c);
    case 'customer.age':
      return compareNumber(c.field, f.customer.age, c);
    case 'customer.vulnerable':
      return f.customer.vulnerable === c.is ? yes(`customer.vulnerable is ${c.is}`) : no(`customer.vulnerable is ${f.customer.vulnerable}`);
    case 'customer.holdsProduct':
      return f.customer.holdsProduct === c.is ? yes(`customer.holdsProduct is ${c.is}`) : no(`customer.holdsProduct is ${f.customer.holdsProduct}`);
    case 'customer.complaints': {
      return compareNumber(`customer complaints in ${c.days} days`, f.customer.complaintsWithin(c.days), c);
    }
    case 'sla.target':
      return f.sla ? compareValue(c.field, f.sla.target, c) : no('not an SLA event');
    case 'sla.offset': {
      if (!f.sla) return no('not an SLA event');
      if (c.is !== undefined || c.in !== undefined) return compareValue(c.field, f.sla.offset, c);
      const n = typeof f.sla.offset === 'number' ? f.sla.offset : Number.parseFloat(String(f.sla.offset ?? ''));
      return compareNumber(c.field, Number.isFinite(n) ? n : null, c);
    }
  }
}

// The event's text, normalized at most once however many rules and phrase lists read it (a 50 KB
// email normalized once per rule cost more than the rest of its intake), and never for an
// event whose rules match no phrases (SLA events).
const normalizedTexts = new WeakMap<Facts, string>();

function normalizedTextOf(f: Facts): string {
  let text = normalizedTexts.get(f);
  if (text === undefined) {
    text = normalizeText(f.text);
    normalizedTexts.set(f, text);
  }
  return text;
}

export function evaluateCondition(c: Condition | undefined, f: Facts): Outcome {
  if (!c) return yes('always');
  switch (c.type) {
    case 'all': {
      const parts = c.all.map((x) => evaluateCondition(x, f));
      const failed = parts.find((p) => !p.matched);
      if (failed) return { matched: false, reasons: failed.reasons, phrases: [] };
      return { matched: true, reasons: parts.flatMap((p) => p.reasons), phrases: parts.flatMap((p) => p.phrases) };
    }
    case 'any': {
      // Every branch is evaluated, so a flag action can name each list that matched.
      const parts = c.any.map((x) => evaluateCondition(x, f));
      const hits = parts.filter((p) => p.matched);
      if (hits.length === 0) return { matched: false, reasons: parts.flatMap((p) => p.reasons), phrases: [] };
      return { matched: true, reasons: hits.flatMap((p) => p.reasons), phrases: hits.flatMap((p) => p.phrases) };
    }
    case 'not': {
      const inner = evaluateCondition(c.not, f);
      return inner.matched ? no(`not (${inner.reasons.join(', ')})`) : yes(`not (${inner.reasons.join(', ')})`);
    }
    case 'phrases': {
      const names = [c.phrases].flat();
      const hits: PhraseMatch[] = [];
      for (const name of names) {
        const list = f.lists.get(name);
        const hit = list ? matchList(list, normalizedTextOf(f)) : null;
        if (hit) hits.push(hit);
      }
      if (hits.length === 0) return no(`no phrase of ${names.join('/')}`);
      return { matched: true, reasons: hits.map((h) => `${h.list}: "${h.phrase}"`), phrases: hits };
    }
    case 'field':
      return evaluateField(c, f);
  }
}
