import { describe, expect, it } from 'vitest';
import { openDb } from '../client';
import { QUEUE_SORTS, QUEUE_VIEWS } from '../queue-constants';
import { insertBulkTickets } from '../seed-bulk';
import { countViews, queuePage, searchTickets, type QueueSort, type QueueView } from './queue';

const now = new Date('2026-06-01T00:00:00Z');

function setup() {
  const db = openDb({ url: ':memory:', sync: 'normal' });
  db.$client.prepare("insert into teams (name, created_at) values ('A', 0), ('B', 0)").run();
  db.$client.prepare("insert into staff_users (email, name, role, team_id, password_hash, created_at) values ('a@x', 'A', 'agent', 1, 'x', 0), ('s@x', 'S', 'supervisor', 2, 'x', 0)").run();
  insertBulkTickets(db, { count: 600, now, staffIds: [1, 2], teamIds: [1, 2], seed: 3 });
  // Ties and missing due times.
  db.$client.prepare(`update tickets set sla_due_at = case when id % 5 = 0 then null else ? + (id % 7) * 60000 end, level = id % 2, sla_state = case when id % 3 = 0 then 'breached' else sla_state end`).run(now.getTime() + 3_600_000);
  return db;
}

const all = { userId: 2, teamId: 2, restricted: false };

function pageAll(db: ReturnType<typeof setup>, view: QueueView, sort: QueueSort, scope = all) {
  const seen: number[] = [];
  let cursor: number[] | null = null;
  for (let i = 0; i < 100; i++) {
    const page = queuePage(db, { view, sort, filters: {}, scope, cursor, limit: 25, now });
    seen.push(...page.ids);
    if (!page.next) break;
    cursor = page.next;
  }
  return seen;
}

describe('queue keyset pages', () => {
  const db = setup();
  for (const view of QUEUE_VIEWS) {
    for (const sort of QUEUE_SORTS) {
      it(`${view} by ${sort}: every ticket once`, () => {
        const seen = pageAll(db, view, sort);
        expect(new Set(seen).size).toBe(seen.length);
        const total = countViews(db, [view], all, now)[view];
        expect(seen.length).toBe(total);
      });
    }
  }

  // Keyset pages read several index ranges after a cursor; together they must be exactly the
  // view in its sort order, ties on the due time (and missing ones) included.
  for (const scope of [all, { userId: 1, teamId: 1, restricted: true }]) {
    for (const sort of QUEUE_SORTS) {
      it(`open by ${sort} (${scope.restricted ? 'agent' : 'supervisor'}): pages in the order of one long page`, () => {
        const whole = queuePage(db, { view: 'open', sort, filters: {}, scope, limit: 10_000, now }).ids;
        expect(whole.length).toBeGreaterThan(50);
        expect(pageAll(db, 'open', sort, scope)).toEqual(whole);
      });
    }
  }

  it('search pages newest first through matches in subjects, messages and customers', () => {
    const search = (text: string, beforeId: number | null = null, limit = 10) => searchTickets(db, { text, view: 'open', filters: {}, scope: all, beforeId, limit, now });
    const seen: number[] = [];
    let before: number | null = null;
    for (let i = 0; i < 100; i++) {
      const page = search('理财产品', before);
      seen.push(...page.ids);
      if (page.next === null) break;
      before = page.next;
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(seen).toEqual(search('理财产品', null, 10_000).ids);
    // One ticket found only by its message text, one only by its customer's email.
    const byMessage = db.$client.prepare("select ticket_id as id from messages m join tickets t on t.id = m.ticket_id where t.status in ('new','open','pending') and m.direction = 'in' order by m.id desc limit 1").get() as { id: number };
    db.$client.prepare("update messages set text = 'only-in-a-message zq' where ticket_id = ?").run(byMessage.id);
    expect(search('only-in-a-message').ids).toEqual([byMessage.id]);
    const byCustomer = db.$client.prepare("select t.id, cc.value from tickets t join customer_contacts cc on cc.customer_id = t.customer_id where t.status in ('new','open','pending') and cc.kind = 'email' order by t.id limit 1").get() as { id: number; value: string };
    expect(search(byCustomer.value).ids).toContain(byCustomer.id);
  });

  it('restricts agents to their team, unassigned and their own tickets', () => {
    const seen = pageAll(db, 'open', 'due', { userId: 1, teamId: 1, restricted: true });
    const rows = db.$client.prepare(`select id, team_id as teamId, assignee_id as assigneeId from tickets where id in (${seen.join(',')})`).all() as { teamId: number | null; assigneeId: number | null }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.teamId === 1 || r.assigneeId === null || r.assigneeId === 1).toBe(true);
  });

  it('finds Chinese text, phone fragments and names', () => {
    const q = (text: string) => searchTickets(db, { text, view: 'open', filters: {}, scope: all, limit: 10, now }).ids.length;
    expect(q('理财产品')).toBeGreaterThan(0);
    expect(q('13800000')).toBeGreaterThan(0);
    expect(q('客户1')).toBeGreaterThan(0);
    expect(q('no such words anywhere')).toBe(0);
  });
});
