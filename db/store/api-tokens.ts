// API tokens: only their SHA-256 is stored; the token itself is shown once, at creation.
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../client';
import type { StaffRole } from '../constants';
import { apiTokens } from '../schema';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

export function insertApiToken(tx: Tx, input: { name: string; role: StaffRole; tokenHash: string; now: Date }): number {
  return tx
    .insert(apiTokens)
    .values({ name: input.name, role: input.role, tokenHash: input.tokenHash, createdAt: input.now })
    .returning({ id: apiTokens.id })
    .get().id;
}

/** A live (not revoked) token by its hash; uses the partial unique index api_tokens_hash_uq. */
export function findLiveApiToken(tx: Tx, tokenHash: string): ApiTokenRow | undefined {
  return tx
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)))
    .get();
}
