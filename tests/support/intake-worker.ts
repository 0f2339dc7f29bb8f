// A separate process that opens many tickets on a shared database file (reference race test).
import { intake } from '../../app/tickets/intake.server';
import { openDb } from '../../db/client';

const [dbPath, worker, count] = process.argv.slice(2);
const db = openDb({ url: `file:${dbPath}`, sync: 'normal' });
const ctx = { db, publicUrl: 'https://x.example', attachmentDir: `${dbPath}.files`, hooks: [] };
for (let i = 0; i < Number(count); i++) {
  intake(ctx, {
    channel: 'web',
    sender: { email: `w${worker}-${i}@example.com` },
    text: 'race',
    attachments: [],
    providerMessageId: `race-${worker}-${i}`,
    threadHints: [],
    receivedAt: new Date('2026-05-01T00:00:00Z'),
  });
}
