// The in-process bus behind the staff pages' server-sent events. It is fed from the
// append-only event log: every committed change to a ticket writes an event row, so reading
// events after the last id seen catches every writer (routes, channels, the SLA sweep, the
// CLI in another process) and never reports a change that was rolled back. Writers in this
// process call poke() after they commit so staff see the change at once; a slow poll covers
// the rest. It also tracks who has which ticket open, for "also viewing".
import type { Db } from '../../db/client';
import { changesSince, lastEventId } from '../../db/store/queue';

export type LiveMessage =
  | { type: 'change'; ticketIds: number[] }
  | { type: 'presence'; ticketId: number; viewers: { id: number; name: string }[] };

type Listener = (message: LiveMessage) => void;

export class LiveBus {
  private readonly listeners = new Set<Listener>();
  private readonly viewers = new Map<number, Map<string, { id: number; name: string }>>();
  private lastId: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pending = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly intervalMs = 1000,
  ) {}

  subscribe(listener: Listener): () => void {
    if (this.closed) return () => {};
    this.listeners.add(listener);
    this.lastId ??= lastEventId(this.db);
    if (!this.timer) {
      this.timer = setInterval(() => this.poll(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        this.lastId = undefined;
      }
    };
  }

  /** A write in this process committed: look at the event log now rather than at the next tick. */
  poke(): void {
    if (this.pending || this.listeners.size === 0) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.poll();
    });
  }

  private poll(): void {
    if (this.listeners.size === 0 || this.lastId === undefined) return;
    try {
      for (let round = 0; round < 20; round++) {
        const { lastId, ticketIds } = changesSince(this.db, this.lastId, 500);
        if (lastId === this.lastId) break;
        this.lastId = lastId;
        this.emit({ type: 'change', ticketIds });
      }
    } catch {
      // A busy database: the next tick tries again.
    }
  }

  private emit(message: LiveMessage): void {
    for (const l of this.listeners) {
      try {
        l(message);
      } catch {
        this.listeners.delete(l);
      }
    }
  }

  /** Marks a staff member as viewing a ticket (one entry per open page); returns the leave function. */
  join(ticketId: number, viewer: { id: number; name: string }, connectionId: string): () => void {
    const map = this.viewers.get(ticketId) ?? new Map();
    map.set(connectionId, viewer);
    this.viewers.set(ticketId, map);
    this.emit({ type: 'presence', ticketId, viewers: this.viewersOf(ticketId) });
    return () => {
      map.delete(connectionId);
      if (map.size === 0) this.viewers.delete(ticketId);
      this.emit({ type: 'presence', ticketId, viewers: this.viewersOf(ticketId) });
    };
  }

  viewersOf(ticketId: number): { id: number; name: string }[] {
    const unique = new Map<number, { id: number; name: string }>();
    for (const v of this.viewers.get(ticketId)?.values() ?? []) unique.set(v.id, v);
    return [...unique.values()];
  }

  /** Ends every stream (server shutdown), so open event streams do not hold the server up. */
  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.emit({ type: 'change', ticketIds: [] });
    for (const l of [...this.closeHandlers]) l();
    this.listeners.clear();
  }

  private readonly closeHandlers = new Set<() => void>();
  onClose(handler: () => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }
}
