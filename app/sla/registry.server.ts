// Parsed policy versions and calendars, read through one transaction and kept for the length
// of one operation (a hook, a sweep), so a batch of ten thousand timers parses each JSON once.
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
      hit = { id: row.id, key: row.key, name: row.name, version: row.version, definition: policyDefinitionSchema.parse(JSON.parse(row.definition)) };
      this.policies.set(key, hit);
    }
    return hit;
  }

  calendar(name: string): BusinessCalendar {
    let hit = this.calendars.get(name);
    if (!hit) {
      const text = calendarDefinition(this.tx, name);
      if (!text) throw new Error(`No business calendar named ${name}`);
      hit = parseCalendar(JSON.parse(text));
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
