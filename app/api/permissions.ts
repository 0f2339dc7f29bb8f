// What an API token's role may do. One small table, read by every API action through
// requirePermission(); a role not listed for an action gets 403.
import type { StaffRole } from '../../db/constants';

export const API_ACTIONS = ['read', 'create', 'reply', 'note', 'status', 'priority', 'assign', 'flag'] as const;
export type ApiAction = (typeof API_ACTIONS)[number];

export const PERMISSIONS: Record<StaffRole, readonly ApiAction[]> = {
  // Front line: opens tickets, answers clients, moves status and priority.
  agent: ['read', 'create', 'reply', 'note', 'status', 'priority'],
  // Also decides who works on what.
  supervisor: ['read', 'create', 'reply', 'note', 'status', 'priority', 'assign'],
  // Oversight: reads everything, annotates, raises and clears risk flags; does not answer clients.
  compliance: ['read', 'note', 'flag'],
  admin: API_ACTIONS,
};

export function can(role: StaffRole, action: ApiAction): boolean {
  return PERMISSIONS[role].includes(action);
}
