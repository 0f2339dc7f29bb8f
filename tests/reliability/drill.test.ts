// The reliability drill's short form (bench/drill.ts): mixed intake by web form, signed Twilio
// webhooks, SMTP and the raw-MIME webhook against the built server, SIGKILLed at random moments
// at least three times. Fails when an acknowledged submission is lost or anything is stored twice,
// half stored, left unsent in the outbox, or changed by a second delivery.
import { describe, expect, it } from 'vitest';
import { formatReport, runDrill, type DrillOptions } from '../../bench/drill';

describe('the reliability drill (short form)', () => {
  it('survives at least 3 SIGKILLs without losing, duplicating or half storing anything', async () => {
    const opts: DrillOptions = { durationMs: 15_000, roundMs: [2_000, 4_000], workers: 2, minKills: 3, sync: 'full', seed: Date.now() % 100_000 };
    const lines: string[] = [];
    const started = Date.now();
    const report = await runDrill({ ...opts, log: (l) => lines.push(l) });
    const table = formatReport(report, opts, Date.now() - started);
    expect(report.problems, `${table}\n${lines.join('\n')}`).toEqual([]);
    expect(report.killsSurvived).toBeGreaterThanOrEqual(3);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.lost).toBe(0);
    expect(report.duplicated).toBe(0);
    expect(report.found).toBe(report.acknowledged);
    expect(report.integrity).toBe('ok');
    expect(report.outboxUnsent).toBe(0);
    expect(report.replayChanges).toEqual({});
    expect(report.gracefulExit).toBe(0);
    // Every kind of intake got through at least once, so the drill exercised all four ways in.
    for (const kind of ['web', 'sms', 'smtp', 'webhook'] as const) expect(report.byKind[kind].acknowledged, kind).toBeGreaterThan(0);
  }, 300_000);
});
