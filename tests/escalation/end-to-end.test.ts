// End to end with the built server: the server seeds the default rules; a web complaint that
// mentions the regulator's hotline in full-width digits goes through intake() on the server's
// database with the same escalation hook the server registers; the ticket is flagged and
// escalated to level 2, and the server's own outbox dispatcher delivers the complaints
// manager's notice (an .eml file, as there is no SMTP_URL).
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEscalationHook } from '../../app/escalation/engine.server';
import { intake } from '../../app/tickets/intake.server';
import { openDb, type Db } from '../../db/client';
import { eventsOf, findTicketById, flagsOf } from '../../db/store/tickets';
import { startServer, type TestServer } from '../support/server';
import { webMessage } from '../support/ticket-context';
import { addStaff } from './staff';

let server: TestServer | undefined;
let db: Db | undefined;

afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

async function waitFor<T>(what: string, probe: () => T | undefined, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a complaint mentioning 12378, through the built server', () => {
  it('is flagged, escalated to level 2, and the complaints manager is emailed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redress-e2e-escalation-'));
    db = openDb({ url: `file:${join(dir, 'redress.sqlite')}`, sync: 'normal' });
    addStaff(db, { email: 'manager@bank.example', role: 'supervisor', language: 'en' });
    server = await startServer({ PUBLIC_URL: 'https://complaints.example.com' }, dir);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(db.$client.prepare("select count(*) from escalation_config where kind = 'rule'").pluck().get()).toBeGreaterThan(0);

    const ctx = {
      db,
      publicUrl: 'https://complaints.example.com',
      attachmentDir: join(dir, 'attachments'),
      hooks: [createEscalationHook({ publicUrl: 'https://complaints.example.com' })],
    };
    const r = intake(
      ctx,
      webMessage({ sender: { name: '王女士', email: 'wang@example.com' }, text: '理财产品亏损，你们不处理我就打１２３７８投诉。', receivedAt: new Date() }),
      { kind: 'complaint', product: 'wealth' },
    );
    expect(findTicketById(db, r.ticketId)).toMatchObject({ level: 2, priority: 'high' });
    expect(flagsOf(db, r.ticketId).map((f) => [f.flag, f.detail])).toEqual([['regulator', '12378']]);
    const firing = eventsOf(db, r.ticketId).find((e) => e.type === 'rule.fired')!;
    expect(JSON.parse(firing.data)).toMatchObject({ rule: 'regulator-litigation-media', version: 1, matched: ['regulator: "12378"'] });

    const outbox = server.outboxDir;
    const eml = await waitFor('the manager’s notice', () => {
      if (!existsSync(outbox)) return undefined;
      return readdirSync(outbox)
        .map((f) => readFileSync(join(outbox, f), 'utf8'))
        .find((m) => m.includes('manager@bank.example'));
    });
    expect(eml).toContain(`[${r.reference}] Escalated to level 2 (Complaints manager)`);
    // Quoted-printable bodies wrap long lines with a soft break ("=" at the end of a line).
    expect(eml.replace(/=\r?\n/g, '')).toContain(`https://complaints.example.com/staff/tickets/${r.reference}`);
  });
});
