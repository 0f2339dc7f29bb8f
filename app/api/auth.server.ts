// Bearer-token authentication for /api/v1. Tokens are compared by their SHA-256 through the
// unique index, so the lookup is one indexed read and a stored hash never opens anything.
import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../../db/client';
import type { StaffRole } from '../../db/constants';
import { findLiveApiToken } from '../../db/store/api-tokens';
import { fail } from './respond.server';
import { can, type ApiAction } from './permissions';

export interface ApiCaller {
  tokenId: number;
  name: string;
  role: StaffRole;
}

const TOKEN_PREFIX = 'rdr_';

/** A new token: a recognisable prefix and 256 random bits. */
export function newApiToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function authenticate(tx: Tx, request: Request): ApiCaller {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+([A-Za-z0-9_-]{10,200})\s*$/i.exec(header);
  const challenge = { 'WWW-Authenticate': 'Bearer realm="redress"' };
  if (!match) fail(401, 'unauthorized', 'Send an API token as "Authorization: Bearer <token>".', undefined, challenge);
  const row = findLiveApiToken(tx, hashApiToken(match[1]!));
  if (!row) fail(401, 'unauthorized', 'The API token is not valid or has been revoked.', undefined, { ...challenge, 'WWW-Authenticate': 'Bearer realm="redress", error="invalid_token"' });
  return { tokenId: row.id, name: row.name, role: row.role };
}

const DOING: Record<ApiAction, string> = {
  read: 'read tickets',
  create: 'open tickets',
  reply: 'reply to clients',
  note: 'add notes',
  status: 'change status',
  priority: 'change priority',
  assign: 'assign tickets',
  flag: 'change flags',
};

export function requirePermission(caller: ApiCaller, action: ApiAction): void {
  if (!can(caller.role, action)) fail(403, 'forbidden', `This token's role (${caller.role}) may not ${DOING[action]}.`);
}
