// Idempotency records of the API: one row per (token, key), written in the same transaction as
// the change it answers for.
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../client';
import { apiIdempotency } from '../schema';

export type IdempotencyRow = typeof apiIdempotency.$inferSelect;

export function findIdempotency(tx: Tx, tokenId: number, key: string): IdempotencyRow | undefined {
  return tx
    .select()
    .from(apiIdempotency)
    .where(and(eq(apiIdempotency.tokenId, tokenId), eq(apiIdempotency.key, key)))
    .get();
}

export function recordIdempotency(
  tx: Tx,
  input: { tokenId: number; key: string; operation: string; ticketId: number; response: string; now: Date },
): void {
  tx.insert(apiIdempotency)
    .values({ ...input, createdAt: input.now })
    .run();
}
