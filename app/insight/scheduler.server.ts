// Runs the early-warning scan once a day inside the server process. It checks every hour
// whether the UTC day has turned and scans once per day; a restart scans again, which is a
// no-op thanks to the alerts' unique keys.
import type { Db } from '../../db/client';
import { dayOf } from './early-warning';
import { measureQueuedTimers } from './rollup.server';
import { scanEarlyWarning, type ScanResult } from './scan.server';

export const SCAN_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/**
 * How often SLA targets met outside a ticket hook (the acknowledgement's delivery) are measured
 * into the reports' time histogram: the reports lag the acknowledgements by at most this.
 */
export const TIMER_MEASURE_INTERVAL_MS = 60 * 1000;

export interface InsightSchedulerOptions {
  db: Db;
  publicUrl: string;
  onScan?: (result: ScanResult) => void;
  onError?: (error: unknown) => void;
}

export interface InsightScheduler {
  /** Scans if `now` falls on a day not scanned yet; returns the result, or null when it did not scan. */
  tick(now: Date): ScanResult | null;
  start(intervalMs?: number, clock?: () => Date): void;
  stop(): void;
}

export function createInsightScheduler({ db, publicUrl, onScan, onError }: InsightSchedulerOptions): InsightScheduler {
  let lastDay: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let measureTimer: NodeJS.Timeout | undefined;

  function tick(now: Date): ScanResult | null {
    const day = dayOf(now);
    if (day === lastDay) return null;
    const result = scanEarlyWarning(db, { at: now, publicUrl });
    lastDay = day;
    onScan?.(result);
    return result;
  }

  function safeTick(clock: () => Date): void {
    try {
      tick(clock());
    } catch (error) {
      // A failed scan is retried at the next check; the server keeps serving.
      onError?.(error);
    }
  }

  return {
    tick,
    start(intervalMs = SCAN_CHECK_INTERVAL_MS, clock = () => new Date()) {
      timer = setInterval(() => safeTick(clock), intervalMs);
      timer.unref();
      measureTimer = setInterval(() => {
        try {
          measureQueuedTimers(db);
        } catch (error) {
          onError?.(error);
        }
      }, TIMER_MEASURE_INTERVAL_MS);
      measureTimer.unref();
      // After the HTTP server is up, not before: the first scan should not delay start-up.
      setImmediate(() => safeTick(clock));
    },
    stop() {
      if (timer) clearInterval(timer);
      if (measureTimer) clearInterval(measureTimer);
      timer = undefined;
      measureTimer = undefined;
    },
  };
}
