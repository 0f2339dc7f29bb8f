// Lessons and rating comments under a narrow filter (product and two more) are read from the
// filter's tickets instead of walking the period newest first: the same rows in the same order.
import { describe, expect, it } from 'vitest';
import type { Cause, Channel, Product } from '../../db/constants';
import { ratingComments, searchLessons } from '../../db/store/insight';
import { generateInsightYear, YEAR_NOW, YEAR_START } from '../support/insight-year';
import { testContext } from '../support/ticket-context';

const period = { from: new Date(YEAR_START), to: YEAR_NOW };

describe('narrow report filters', () => {
  it('find the same newest lessons and rating comments from the tickets as by walking the period', () => {
    const { db } = testContext();
    generateInsightYear(db, { tickets: 3_000, mode: 'bulk' });
    const cellOf = db.$client.prepare('select channel, team_id as teamId from tickets where reference = ?');
    // The busiest product × cause × channel, so that the lists hold several rows.
    const busiest = (rows: string) =>
      db.$client
        .prepare(
          `select t.product, t.cause, t.channel, count(*) as n from ${rows} x join tickets t on t.id = x.ticket_id
           where t.product is not null and t.cause is not null group by 1, 2, 3 order by n desc, 1, 2, 3 limit 1`,
        )
        .get() as { product: Product; cause: Cause; channel: Channel; n: number };

    const l = busiest('case_reviews');
    expect(l.n).toBeGreaterThanOrEqual(3);
    // Product and cause only: not narrow, the walk; then the channel tested here.
    const walked = searchLessons(db, { ...period, filter: { product: l.product, cause: l.cause }, limit: 10_000 }).filter(
      (r) => (cellOf.get(r.reference) as { channel: string }).channel === l.channel,
    );
    const narrow = searchLessons(db, { ...period, filter: { product: l.product, cause: l.cause, channel: l.channel }, limit: 3 });
    expect(narrow).toEqual(walked.slice(0, 3));
    expect(narrow).toHaveLength(3);

    const withQuery = searchLessons(db, { ...period, filter: { product: l.product, cause: l.cause, channel: l.channel }, query: '风险', limit: 50 });
    expect(withQuery).toEqual(walked.filter((r) => r.lesson.includes('风险')));

    const r = busiest("(select * from ratings where coalesce(comment, '') <> '')");
    const ratingsWalked = ratingComments(db, { ...period, filter: { product: r.product, cause: r.cause }, limit: 10_000 }).filter(
      (c) => (cellOf.get(c.reference) as { channel: string }).channel === r.channel,
    );
    const ratingsNarrow = ratingComments(db, { ...period, filter: { product: r.product, cause: r.cause, channel: r.channel }, limit: 50 });
    expect(ratingsNarrow).toEqual(ratingsWalked);
    expect(ratingsNarrow.length).toBeGreaterThanOrEqual(1);
  });
});
