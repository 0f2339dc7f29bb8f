// Builders for insight tests: complaints opened through intake() on chosen days (with the
// roll-up hook installed, as in the server), staff members, and synthetic Poisson histories.
import { createRollupHook } from '../../app/insight/rollup.server';
import { intake, type TicketFields } from '../../app/tickets/intake.server';
import type { TicketContext } from '../../app/tickets/context';
import type { InboundMessage } from '../../channels/types';
import type { Db } from '../../db/client';
import type { Language, StaffRole } from '../../db/constants';
import { staffUsers } from '../../db/schema';
import { bumpDailyCount } from '../../db/store/insight';
import { addFlag } from '../../db/store/tickets';
import { poissonDraw } from './random';
import { testContext, webMessage } from './ticket-context';

const DAY_MS = 86_400_000;

export function insightContext(opts: { file?: boolean } = {}) {
  const ctx = testContext(opts);
  ctx.hooks.push(createRollupHook());
  return ctx;
}

let customerSeq = 0;

export function openComplaint(
  ctx: TicketContext,
  {
    at,
    email,
    text,
    flag,
    channel = 'web',
    ...fields
  }: TicketFields & { at: Date; email?: string; text?: string; flag?: string; channel?: InboundMessage['channel'] },
) {
  customerSeq += 1;
  const r = intake(
    ctx,
    webMessage({
      channel,
      sender: { name: 'Client', email: email ?? `client-${process.pid}-${customerSeq}@example.com` },
      text: text ?? 'Complaint',
      receivedAt: at,
    }),
    { kind: 'complaint', ...fields },
  );
  if (flag) addFlag(ctx.db, r.ticketId, flag, 'test', at);
  return r;
}

export function addStaff(db: Db, s: { email: string; role: StaffRole; language: Language; disabled?: boolean }): number {
  return db
    .insert(staffUsers)
    .values({
      email: s.email,
      name: s.email.split('@')[0]!,
      role: s.role,
      language: s.language,
      passwordHash: 'not-used-here',
      disabledAt: s.disabled ? new Date('2026-01-01T00:00:00Z') : null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    })
    .returning({ id: staffUsers.id })
    .get().id;
}

export interface Series {
  fields: TicketFields;
  /** Complaints per day, per day index (0 = `start`). */
  rate: (day: number) => number;
}

/** Opens Poisson(rate) complaints per day and series, spread over each day, from `start` for `days` days. */
export function plantHistory(ctx: TicketContext, { start, days, series, random }: { start: Date; days: number; series: Series[]; random: () => number }): number {
  let n = 0;
  for (let d = 0; d < days; d++) {
    for (const s of series) {
      const count = poissonDraw(random, s.rate(d));
      for (let i = 0; i < count; i++) {
        openComplaint(ctx, { at: new Date(start.getTime() + d * DAY_MS + Math.floor(random() * DAY_MS)), ...s.fields });
        n++;
      }
    }
  }
  return n;
}

/**
 * The same Poisson history written straight into the roll-ups the scan reads: for tests of the
 * statistics over many series and days, where opening every ticket through intake() would cost
 * seconds and prove nothing more.
 */
export function plantCounts(db: Db, { start, days, series, random }: { start: Date; days: number; series: Series[]; random: () => number }): number {
  let n = 0;
  for (let d = 0; d < days; d++) {
    const day = new Date(start.getTime() + d * DAY_MS).toISOString().slice(0, 10);
    for (const s of series) {
      const count = poissonDraw(random, s.rate(d));
      if (count === 0) continue;
      bumpDailyCount(db, { day, channel: 'web', product: s.fields.product ?? null, cause: s.fields.cause ?? null, kind: 'complaint', teamId: null }, count);
      n += count;
    }
  }
  return n;
}
