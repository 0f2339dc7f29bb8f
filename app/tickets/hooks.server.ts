// The ticket hooks every process that changes tickets runs, in one list, so the server and the
// CLI (`sla:tick`) have the same effects: a breach fired from the command line escalates and
// notifies exactly as one fired by the server's sweep. This is wiring, the one place in
// app/tickets that knows the modules hooking into it (they import app/tickets, never the reverse
// elsewhere); server/main.ts adds its process-only hooks (the staff pages' live bus) after these.
import { seedEscalationDefaults } from '../escalation/config.server';
import { createEscalationHook } from '../escalation/engine.server';
import { createRollupHook } from '../insight/rollup.server';
import { ensureSlaPresets } from '../sla/seed.server';
import { createSlaHook } from '../sla/timers.server';
import type { TicketContext, TicketHook } from './context';

/**
 * Seeds what the hooks read when it is missing (SLA presets and calendars, the shipped
 * escalation rules, phrase lists and levels; never over an edit) and returns the hooks in the
 * order they must run: SLA timers, then escalation rules, then roll-ups, last so they count a
 * ticket with the team and priority the rules gave it.
 */
export function createTicketHooks(ctx: TicketContext, { now }: { now: Date }): TicketHook[] {
  ensureSlaPresets(ctx.db, now);
  seedEscalationDefaults(ctx.db, now);
  return [createSlaHook(ctx), createEscalationHook({ publicUrl: ctx.publicUrl }), createRollupHook()];
}
