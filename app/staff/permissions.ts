// Who may do what. The one table the guard, the loaders and the UI consult; pure, so the
// browser can hide what the server would refuse anyway.
import type { StaffRole } from '../../db/constants';

export const PERMISSIONS = {
  /** See tickets at all (agents only their team's, unassigned ones and their own). */
  'tickets.view': ['agent', 'supervisor', 'compliance'],
  /** See every ticket, not only their team's. */
  'tickets.viewAll': ['supervisor', 'compliance'],
  /** Reply, note, change status, priority, resolve, log a call, assign to self. */
  'tickets.work': ['agent', 'supervisor', 'compliance'],
  /** Assign to anyone or any team, round-robin. */
  'tickets.assign': ['supervisor'],
  /** Merge a ticket into another of the same customer, and two customers who are one person ("supervisors and up"). */
  'tickets.merge': ['supervisor', 'compliance'],
  'customers.merge': ['supervisor', 'compliance'],
  'tickets.escalate': ['supervisor', 'compliance'],
  'macros.manage': ['supervisor'],
  'flags.manage': ['compliance'],
  'reviews.manage': ['compliance'],
  'reports.view': ['supervisor', 'compliance', 'admin'],
  'rules.manage': ['compliance', 'admin'],
  'accounts.manage': ['admin'],
  'teams.manage': ['admin'],
  'policies.manage': ['admin'],
  'calendars.manage': ['admin'],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}

export interface Viewer {
  id: number;
  role: StaffRole;
  teamId: number | null;
}

/** Whether a staff member may open a ticket; a ticket they may not see is a 404 for them. */
export function canSeeTicket(viewer: Viewer, ticket: { teamId: number | null; assigneeId: number | null }): boolean {
  if (!can(viewer.role, 'tickets.view')) return false;
  if (can(viewer.role, 'tickets.viewAll')) return true;
  return ticket.assigneeId === null || ticket.assigneeId === viewer.id || (viewer.teamId !== null && ticket.teamId === viewer.teamId);
}
