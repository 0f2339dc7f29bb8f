// The queue's URL: view, sort, search, filters and the keyset cursor, parsed with zod once.
// Bad values fall back to "no filter" rather than failing the page: a stale bookmark still opens.
import { z } from 'zod';
import { CAUSES, CHANNELS, PRIORITIES, PRODUCTS, TICKET_KINDS, TICKET_STATUSES } from '../../db/constants';
import { QUEUE_SORTS, QUEUE_VIEWS, SLA_STATES, type QueueSort, type QueueView } from '../../db/queue-constants';
import type { QueueFilters } from '../../db/store/queue';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional()).catch(undefined);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const queueParamsSchema = z.object({
  view: z.enum(QUEUE_VIEWS).catch('open'),
  sort: optional(z.enum(QUEUE_SORTS)),
  q: optional(z.string().trim().max(200)),
  cursor: optional(z.string().max(200)),
  status: optional(z.enum(TICKET_STATUSES)),
  channel: optional(z.enum(CHANNELS)),
  kind: optional(z.enum(TICKET_KINDS)),
  priority: optional(z.enum(PRIORITIES)),
  product: optional(z.enum(PRODUCTS)),
  cause: optional(z.enum(CAUSES)),
  flag: optional(z.string().regex(/^[\w.-]{1,40}$/)),
  assignee: optional(z.coerce.number().int().positive()),
  team: optional(z.coerce.number().int().positive()),
  level: optional(z.coerce.number().int().min(0).max(3)),
  sla: optional(z.enum(SLA_STATES)),
  from: optional(day),
  to: optional(day),
});
export type QueueParams = z.infer<typeof queueParamsSchema>;

export function parseQueueParams(search: URLSearchParams): QueueParams {
  return queueParamsSchema.parse(Object.fromEntries(search));
}

export function defaultSort(view: QueueView): QueueSort {
  return view === 'resolved' ? 'updated' : 'due';
}

export function filtersOf(p: QueueParams): QueueFilters {
  return {
    status: p.status,
    channel: p.channel,
    kind: p.kind,
    priority: p.priority,
    product: p.product,
    cause: p.cause,
    flag: p.flag,
    assigneeId: p.assignee,
    teamId: p.team,
    level: p.level,
    slaState: p.sla,
    createdFrom: p.from ? new Date(`${p.from}T00:00:00Z`) : undefined,
    createdTo: p.to ? new Date(`${p.to}T00:00:00Z`) : undefined,
  };
}

export function encodeCursor(values: number[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** A cursor that does not decode is treated as "first page". */
export function decodeCursor(text: string | undefined): number[] | null {
  if (!text) return null;
  try {
    const parsed = z.array(z.number().finite()).min(1).max(4).safeParse(JSON.parse(Buffer.from(text, 'base64url').toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
