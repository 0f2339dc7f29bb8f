import { describe, expect, it } from 'vitest';
import { STAFF_ROLES } from '../../db/constants';
import { API_ACTIONS, can } from './permissions';

describe('API permissions', () => {
  it('lets every role read and only admins do everything', () => {
    for (const role of STAFF_ROLES) expect(can(role, 'read')).toBe(true);
    for (const action of API_ACTIONS) expect(can('admin', action)).toBe(true);
  });

  it('keeps assignment to supervisors and flags to compliance', () => {
    expect(can('agent', 'assign')).toBe(false);
    expect(can('supervisor', 'assign')).toBe(true);
    expect(can('agent', 'flag')).toBe(false);
    expect(can('supervisor', 'flag')).toBe(false);
    expect(can('compliance', 'flag')).toBe(true);
    expect(can('compliance', 'reply')).toBe(false);
    expect(can('agent', 'reply')).toBe(true);
  });
});
