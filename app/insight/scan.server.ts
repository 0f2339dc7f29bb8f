// The early-warning scan: reads the last 9 weeks of complaint counts and the flagged complaints
// of the last 7 days, asks early-warning.ts what rose, and raises each finding once per period
// (the alert's unique key), with its tickets linked and an email per compliance officer queued
// in the same transaction. Running it again for the same day changes nothing.
import { writeTransaction, type Db, type Tx } from '../../db/client';
import { queueOutbox } from '../../db/store/outbox';
import {
  complaintsOpenedBetween,
  complianceStaff,
  dailyComplaintCounts,
  flaggedComplaintsBetween,
  insertAlert,
  linkAlertTickets,
} from '../../db/store/insight';
import { alertEmail, type AlertFacts } from './alert-message';
import {
  addDays,
  DEFAULT_SIGNAL_FLAGS,
  findClusters,
  findRises,
  MIN_CLUSTER_CUSTOMERS,
  scanWindow,
  type ScanWindow,
} from './early-warning';

export interface ScanOptions {
  /** The scan looks at the 7 complete UTC days before this instant's day. */
  at: Date;
  /** Base URL for the link to the reports page. */
  publicUrl: string;
  /** Risk-signal flags (ticket_flags.flag) that make a cluster. */
  signalFlags?: readonly string[];
  minClusterCustomers?: number;
}

export interface RaisedAlert {
  id: number;
  key: string;
  facts: AlertFacts;
  notified: number;
}

export interface ScanResult {
  window: ScanWindow;
  /** Alerts raised by this run. */
  raised: RaisedAlert[];
  /** Findings already raised earlier in the same period. */
  alreadyRaised: number;
}

const startOf = (day: string) => new Date(`${day}T00:00:00Z`);

export function scanEarlyWarning(db: Db, opts: ScanOptions): ScanResult {
  const window = scanWindow(opts.at);
  return writeTransaction(db, (tx) => {
    const result: ScanResult = { window, raised: [], alreadyRaised: 0 };
    const recipients = complianceStaff(tx);
    const reportsUrl = `${opts.publicUrl.replace(/\/$/, '')}/staff/reports`;
    const raise = (key: string, facts: AlertFacts, ticketIds: number[]) => {
      const id = insertAlert(tx, {
        key,
        kind: facts.kind,
        dimension: facts.dimension,
        value: facts.value,
        flag: facts.flag,
        period: window.period,
        windowFrom: window.windowFrom,
        windowTo: window.windowTo,
        observed: facts.observed,
        expected: facts.expected,
        pValue: facts.pValue,
        customers: facts.customers,
        createdAt: opts.at,
      });
      if (id === undefined) {
        result.alreadyRaised++;
        return;
      }
      linkAlertTickets(tx, id, ticketIds);
      notifyCompliance(tx, recipients, facts, id, opts.at);
      result.raised.push({ id, key, facts, notified: recipients.length });
    };
    const common = { windowFrom: window.windowFrom, windowLast: addDays(window.windowTo, -1), reportsUrl };

    for (const dimension of ['product', 'cause'] as const) {
      const counts = dailyComplaintCounts(tx, { dimension, fromDay: window.baselineFrom, toDay: window.windowTo });
      for (const rise of findRises(counts, window)) {
        const found = complaintsOpenedBetween(tx, {
          from: startOf(window.windowFrom),
          to: startOf(window.windowTo),
          dimension,
          value: rise.value,
        });
        raise(
          `spike:${dimension}:${rise.value}:${window.period}`,
          {
            kind: 'spike',
            dimension,
            value: rise.value,
            flag: null,
            observed: rise.observed,
            expected: rise.expected,
            pValue: rise.pValue,
            customers: null,
            references: found.map((t) => t.reference),
            ...common,
          },
          found.map((t) => t.ticketId),
        );
      }
    }

    const flagged = flaggedComplaintsBetween(tx, {
      from: startOf(window.windowFrom),
      to: startOf(window.windowTo),
      flags: opts.signalFlags ?? DEFAULT_SIGNAL_FLAGS,
    });
    for (const cluster of findClusters(flagged, opts.minClusterCustomers ?? MIN_CLUSTER_CUSTOMERS)) {
      raise(
        `cluster:${cluster.product}:${cluster.flag}:${window.period}`,
        {
          kind: 'cluster',
          dimension: 'product',
          value: cluster.product,
          flag: cluster.flag,
          observed: cluster.tickets.length,
          expected: null,
          pValue: null,
          customers: cluster.customers,
          references: cluster.tickets.map((t) => t.reference),
          ...common,
        },
        cluster.tickets.map((t) => t.ticketId),
      );
    }
    return result;
  });
}

function notifyCompliance(
  tx: Tx,
  recipients: ReturnType<typeof complianceStaff>,
  facts: AlertFacts,
  alertId: number,
  now: Date,
): void {
  for (const r of recipients) {
    const { subject, body } = alertEmail(r.language, facts);
    queueOutbox(tx, {
      channel: 'email',
      recipient: r.email,
      subject,
      body,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Redress-Alert': String(alertId) },
      purpose: 'insight.alert',
      now,
    });
  }
}
