import { describe, expect, it } from 'vitest';
import { can, canSeeTicket } from './permissions';

describe('permissions', () => {
  it('gives each role its own work', () => {
    expect(can('agent', 'tickets.work')).toBe(true);
    expect(can('agent', 'tickets.assign')).toBe(false);
    expect(can('agent', 'accounts.manage')).toBe(false);
    expect(can('supervisor', 'macros.manage')).toBe(true);
    expect(can('compliance', 'reviews.manage')).toBe(true);
    expect(can('admin', 'accounts.manage')).toBe(true);
    expect(can('admin', 'tickets.view')).toBe(false);
    expect(can('agent', 'customers.merge')).toBe(false);
    expect(can('agent', 'tickets.merge')).toBe(false);
    expect(can('compliance', 'customers.merge')).toBe(true);
  });

  it('lets agents see their team, unassigned and their own tickets only', () => {
    const agent = { id: 7, role: 'agent' as const, teamId: 1 };
    expect(canSeeTicket(agent, { teamId: 1, assigneeId: 9 })).toBe(true);
    expect(canSeeTicket(agent, { teamId: 2, assigneeId: null })).toBe(true);
    expect(canSeeTicket(agent, { teamId: 2, assigneeId: 7 })).toBe(true);
    expect(canSeeTicket(agent, { teamId: 2, assigneeId: 9 })).toBe(false);
    expect(canSeeTicket({ id: 1, role: 'supervisor', teamId: null }, { teamId: 2, assigneeId: 9 })).toBe(true);
    expect(canSeeTicket({ id: 1, role: 'admin', teamId: null }, { teamId: null, assigneeId: null })).toBe(false);
  });
});
