// Everything the reports page shows for one set of filters, gathered in one read transaction so
// the figures agree with each other. Each figure comes from a roll-up or a small index (never a
// scan of the tickets table); see docs/decisions/0007-insight-rollups.md.
import type { Db } from '../../db/client';
import type { Language } from '../../db/constants';
import { alertsRaisedBetween, alertTicketSample, policyNames, ratingComments, searchLessons, type LessonRow, type RatingComment } from '../../db/store/insight';
import { listTeams, staffByIds } from '../../db/store/staff';
import { alertEmail } from './alert-message';
import { addDays } from './early-warning';
import { periodInstants, reportFilterOf, type ReportParams } from './report-params';
import {
  backlogByAge,
  outcomesReport,
  riskReport,
  satisfactionReport,
  slaReport,
  staffQuality,
  volumeBreakdowns,
  volumeByDay,
  volumeByWeek,
  type AgentQuality,
  type BacklogBand,
  type OutcomesReport,
  type RiskReport,
  type SatisfactionReport,
  type SlaReport,
} from './reports.server';

/** The page lists every ticket of an alert up to this many (an alert over more is rare and says how many). */
export const ALERT_TICKETS_SHOWN = 500;
export const ALERTS_SHOWN = 100;
export const COMMENTS_SHOWN = 50;
export const LESSONS_SHOWN = 50;

export interface ReportAlert {
  id: number;
  kind: 'spike' | 'cluster';
  headline: string;
  windowFrom: string;
  windowLast: string;
  createdAt: string;
  references: string[];
  totalTickets: number;
}

export interface ReportPage {
  volume: { label: string; opened: number }[];
  byChannel: { value: string | number | null; opened: number }[];
  byProduct: { value: string | number | null; opened: number }[];
  byCause: { value: string | number | null; opened: number }[];
  byKind: { value: string | number | null; opened: number }[];
  backlog: BacklogBand[];
  alerts: ReportAlert[];
  sla: SlaReport;
  outcomes: OutcomesReport;
  risk: RiskReport;
  satisfaction: SatisfactionReport;
  comments: (Omit<RatingComment, 'createdAt'> & { createdAt: string })[];
  lessons: (Omit<LessonRow, 'createdAt'> & { createdAt: string })[];
  staffQuality: AgentQuality[];
  teams: { id: number; name: string }[];
  agents: { id: number; name: string }[];
  policies: { id: number; name: string }[];
}

export function loadReportPage(db: Db, { params, now, language }: { params: ReportParams; now: Date; language: Language }): ReportPage {
  const filter = reportFilterOf(params);
  const period = periodInstants(params);
  // One read transaction: every figure sees the same committed state.
  return db.transaction((tx) => {
    const volume =
      params.by === 'week'
        ? volumeByWeek(tx, filter).map((w) => ({ label: w.week, opened: w.opened }))
        : volumeByDay(tx, filter).map((d) => ({ label: d.day, opened: d.opened }));
    const alerts = alertsRaisedBetween(tx, { ...period, limit: ALERTS_SHOWN }).map((a): ReportAlert => {
      const sample = alertTicketSample(tx, a.id, ALERT_TICKETS_SHOWN);
      const windowLast = addDays(a.windowTo, -1);
      const { subject } = alertEmail(language, {
        kind: a.kind,
        dimension: a.dimension as 'product' | 'cause',
        value: a.value,
        flag: a.flag,
        windowFrom: a.windowFrom,
        windowLast,
        observed: a.observed,
        expected: a.expected,
        pValue: a.pValue,
        customers: a.customers,
        references: sample.references,
        reportsUrl: '',
      });
      return {
        id: a.id,
        kind: a.kind,
        headline: subject,
        windowFrom: a.windowFrom,
        windowLast,
        createdAt: a.createdAt.toISOString(),
        references: sample.references,
        totalTickets: sample.total,
      };
    });
    const ticketFilter = { channel: params.channel, product: params.product, cause: params.cause, teamId: params.teamId };
    const quality = staffQuality(tx, filter);
    const comments = ratingComments(tx, { ...period, filter: ticketFilter, limit: COMMENTS_SHOWN });
    const breakdowns = volumeBreakdowns(tx, filter, ['channel', 'product', 'cause', 'kind']);
    const agentIds = [...new Set([...quality.map((q) => q.agentId), ...comments.flatMap((c) => (c.assigneeId === null ? [] : [c.assigneeId]))])];
    return {
      volume,
      byChannel: breakdowns.channel,
      byProduct: breakdowns.product,
      byCause: breakdowns.cause,
      byKind: breakdowns.kind,
      // The backlog is as at now, not over the period: it only takes the period's other filters.
      backlog: backlogByAge(tx, { now, filter: { channel: params.channel, product: params.product, cause: params.cause, teamId: params.teamId } }),
      alerts,
      sla: slaReport(tx, filter),
      outcomes: outcomesReport(tx, filter),
      risk: riskReport(tx, filter),
      satisfaction: satisfactionReport(tx, filter),
      // ISO strings: the page renders dates the same on the server and after hydration.
      comments: comments.map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
      lessons: searchLessons(tx, { ...period, filter: ticketFilter, query: params.q, limit: LESSONS_SHOWN }).map((l) => ({ ...l, createdAt: l.createdAt.toISOString() })),
      staffQuality: quality,
      teams: listTeams(tx).map((t) => ({ id: t.id, name: t.name })),
      agents: staffByIds(tx, agentIds).map((a) => ({ id: a.id, name: a.name })),
      policies: policyNames(tx),
    };
  });
}
