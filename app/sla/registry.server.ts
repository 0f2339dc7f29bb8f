// Parsed policy versions and calendars, read through one transaction and kept for the length
// of one operation (a hook, a sweep), so a batch of ten thousand timers parses each JSON once.
// The parsed forms are also kept across operations, keyed by the stored JSON text itself (so
// an edited calendar or a new policy version is simply a new key, never a stale hit): opening
// a ticket read and re-parsed both on every intake, about a tenth of the SLA hook's time.
import type { Tx } from '../../db/client';
import { calendarDefinition, policyVersion } from '../../db/store/sla';
import { parseCalendar, type BusinessCalendar } from './calendar';
import { policyDefinitionSchema, type PolicyDefinition, type TargetDefinition } from './policy';
import type { Clock } from './schedule';

export interface LoadedPolicy {
  id: number;
  key: string;
  name: string;
  version: number;
  definition: PolicyDefinition;
}

const PARSED_LIMIT = 256;
const parsedPolicies = new Map<string, PolicyDefinition>();
const parsedCalendars = new Map<string, BusinessCalendar>();

function parsedOnce<T>(cache: Map<string, T>, text: string, parse: (json: unknown) => T): T {
  let hit = cache.get(text);
  if (!hit) {
    hit = parse(JSON.parse(text));
    // Definitions change rarely; a process that has seen this many is better off starting over.
    if (cache.size >= PARSED_LIMIT) cache.clear();
    cache.set(text, hit);
  }
  return hit;
}

/** A stored policy definition, parsed once per distinct text. */
export function parsedPolicyDefinition(text: string): PolicyDefinition {
  return parsedOnce(parsedPolicies, text, (j) => policyDefinitionSchema.parse(j));
}

export class SlaRegistry {
  private policies = new Map<string, LoadedPolicy>();
  private calendars = new Map<string, BusinessCalendar>();

  constructor(private readonly tx: Tx) {}

  policy(policyId: number, version: number): LoadedPolicy {
    const key = `${policyId}:${version}`;
    let hit = this.policies.get(key);
    if (!hit) {
      const row = policyVersion(this.tx, policyId, version);
      if (!row) throw new Error(`SLA policy ${policyId} has no version ${version}`);
      hit = { id: row.id, key: row.key, name: row.name, version: row.version, definition: parsedPolicyDefinition(row.definition) };
      this.policies.set(key, hit);
    }
    return hit;
  }

  calendar(name: string): BusinessCalendar {
    let hit = this.calendars.get(name);
    if (!hit) {
      const text = calendarDefinition(this.tx, name);
      if (!text) throw new Error(`No business calendar named ${name}`);
      hit = parsedOnce(parsedCalendars, text, parseCalendar);
      this.calendars.set(name, hit);
    }
    return hit;
  }

  clock(kind: 'calendar' | 'business', calendarName: string | null): Clock {
    return kind === 'calendar' ? { kind: 'calendar' } : { kind: 'business', calendar: this.calendar(calendarName!) };
  }

  target(policy: LoadedPolicy, target: string): TargetDefinition {
    const t = policy.definition.targets.find((x) => x.target === target);
    if (!t) throw new Error(`Policy ${policy.key} v${policy.version} has no ${target} target`);
    return t;
  }
}
