// The server process runs the early warning by itself: a database holding a spike in the last
// week gets its alert raised and mailed to compliance (the .eml outbox) soon after start-up.
// (That a second scan raises nothing again is tested in early-warning.test.ts.)
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { insightAlerts, outbox } from '../../db/schema';
import { openDb } from '../../db/client';
import { addStaff, openComplaint } from '../support/insight-fixtures';
import { startServer, type TestServer } from '../support/server';
import { createRollupHook } from '../../app/insight/rollup.server';

const DAY_MS = 86_400_000;

async function waitFor<T>(what: string, probe: () => T | undefined, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('early warning in the server', () => {
  it('scans at start-up and mails compliance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-insight-'));
    const db = openDb({ url: `file:${join(dir, 'redress.sqlite')}`, sync: 'normal' });
    const ctx = { db, publicUrl: 'http://127.0.0.1', attachmentDir: join(dir, 'attachments'), hooks: [createRollupHook()] };
    addStaff(db, { email: 'wang@bank.example', role: 'compliance', language: 'zh' });
    // A quiet product that drew six complaints last week: a spike by any measure.
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    for (let d = 6; d >= 1; d--) {
      openComplaint(ctx, { at: new Date(today - d * DAY_MS + 3_600_000), product: 'deposits', cause: 'fees' });
    }
    db.$client.close();

    server = await startServer({}, dir);
    const mail = await waitFor('the alert mail', () => {
      const files = existsSync(server!.outboxDir) ? readdirSync(server!.outboxDir) : [];
      const texts = files.map((f) => readFileSync(join(server!.outboxDir, f), 'utf8'));
      return texts.find((t) => t.includes('wang@bank.example'));
    });
    expect(mail).toMatch(/Subject: =\?UTF-8\?/); // a Chinese subject, encoded
    expect(mail).toContain('Auto-Submitted: auto-generated');
    await server.stop();
    server = undefined;
    const check = openDb({ url: `file:${join(dir, 'redress.sqlite')}`, migrate: false });
    expect(check.select().from(insightAlerts).all().map((a) => a.key)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^spike:product:deposits:/), expect.stringMatching(/^spike:cause:fees:/)]),
    );
    expect(check.select().from(insightAlerts).all()).toHaveLength(2);
    expect(check.select().from(outbox).all().filter((o) => o.purpose === 'insight.alert')).toHaveLength(2);
    check.$client.close();
  });
});
