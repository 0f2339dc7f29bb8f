// Changing policies (for the staff admin pages to come, and tests). A change is a new version:
// new tickets get it, running timers keep the version they started under, so nobody's deadline
// moves retroactively. Order and on/off are not versioned: they only decide which policy new
// tickets get.
import { writeTransaction, type Db } from '../../db/client';
import { allPolicies, calendarDefinition, insertPolicyVersion, setPolicyEnabled } from '../../db/store/sla';
import { Invalid, NotFound } from '../tickets/errors';
import { policyDefinitionSchema, type PolicyDefinition } from './policy';

export function listPolicies(db: Db) {
  return allPolicies(db);
}

export function updatePolicyDefinition(db: Db, input: { key: string; definition: unknown; now: Date }): { version: number; definition: PolicyDefinition } {
  const definition = policyDefinitionSchema.parse(input.definition);
  return writeTransaction(db, (tx) => {
    const policy = allPolicies(tx).find((p) => p.key === input.key);
    if (!policy) throw new NotFound(`No SLA policy ${input.key}`);
    // A policy naming a calendar that does not exist would stop every new ticket it matches.
    if (!calendarDefinition(tx, definition.calendar)) throw new Invalid(`No business calendar named ${definition.calendar}`);
    return { version: insertPolicyVersion(tx, policy.id, JSON.stringify(definition), input.now), definition };
  });
}

export function enablePolicy(db: Db, input: { key: string; enabled: boolean; now: Date }): void {
  writeTransaction(db, (tx) => {
    if (!setPolicyEnabled(tx, input.key, input.enabled, input.now)) throw new NotFound(`No SLA policy ${input.key}`);
  });
}
