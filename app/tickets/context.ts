// What ticket operations need from the process around them. The server builds one of these
// and hands it to routes (through Remix's load context), channels' wiring and the CLI.
import type { Db, Tx } from '../../db/client';

export type TicketTrigger =
  | 'ticket.created'
  | 'message.received'
  | 'status.changed'
  | 'ticket.reopened'
  | 'reply.sent'
  | 'sla.warning'
  | 'sla.breached';

export interface TicketChange {
  ticketId: number;
  trigger: TicketTrigger;
  messageId?: number;
  /** Extra facts about the trigger (the SLA target and offset, the old status…). */
  data?: Record<string, unknown>;
  now: Date;
}

/**
 * Runs inside the transaction that made the change, after its own rows are written: SLA timers
 * and escalation rules hook in here so that they commit, or roll back, with the change.
 */
export type TicketHook = (tx: Tx, change: TicketChange) => void;

export interface TicketContext {
  db: Db;
  publicUrl: string;
  attachmentDir: string;
  hooks: TicketHook[];
}

export function runHooks(ctx: TicketContext, tx: Tx, change: TicketChange): void {
  for (const hook of ctx.hooks) hook(tx, change);
}
