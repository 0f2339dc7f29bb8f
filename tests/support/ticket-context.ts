// A TicketContext on a fresh database for domain tests (in memory, or a file for tests that
// need several connections).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TicketContext } from '../../app/tickets/context';
import type { InboundMessage } from '../../channels/types';
import { openDb } from '../../db/client';

export function testContext(opts: { file?: boolean } = {}): TicketContext & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'redress-unit-'));
  const db = openDb({ url: opts.file ? `file:${join(dir, 'db.sqlite')}` : ':memory:', sync: 'normal' });
  return { db, dir, publicUrl: 'https://complaints.example.com', attachmentDir: join(dir, 'attachments'), hooks: [] };
}

let seq = 0;
export function webMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  seq += 1;
  return {
    channel: 'web',
    sender: { name: 'Li Wei', email: 'li.wei@example.com' },
    text: 'My wealth product was sold to me as a deposit.',
    attachments: [],
    providerMessageId: `web-test-${process.pid}-${seq}-${Math.random()}`,
    threadHints: [],
    receivedAt: new Date('2026-03-01T08:00:00Z'),
    ...overrides,
  };
}
