// The tracking link over HTTP: what the client sees, follow-ups that join the same case,
// forged tokens, and "Lost your link?" with its uniform answer and per-IP rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/client';
import { outboxOfTicket } from '../../db/store/outbox';
import { findTicketByReference, messagesOf } from '../../db/store/tickets';
import { addNote, replyToClient } from '../../app/tickets/reply.server';
import { changeStatus } from '../../app/tickets/status.server';
import { startServer, type TestServer } from '../support/server';
import { fieldError, findEml, multipart, page, PDF, post, referenceOn, submissionIdOf, tokenOf, validComplaint } from './portal-client';

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await startServer();
  db = openDb({ url: `file:${server.databasePath}`, migrate: false, sync: 'normal' });
});
afterAll(async () => {
  db?.$client.close();
  await server?.stop();
});

async function newComplaint(overrides: Record<string, string> = {}): Promise<{ token: string; reference: string }> {
  const sid = await submissionIdOf(server, '/complaint');
  const res = await post(server, '/complaint', multipart(validComplaint(sid, overrides)));
  const token = tokenOf(res);
  return { token, reference: referenceOn((await page(server, `/track/${token}/sent`)).html) };
}

const ctx = () => ({ db, publicUrl: server.url, attachmentDir: `${server.dir}/attachments`, hooks: [] });

describe('tracking page', () => {
  it('shows status in plain words, the timeline and the client-visible thread, never notes', async () => {
    const { token, reference } = await newComplaint({ email: 'thread@example.com' });
    const ticket = findTicketByReference(db, reference)!;
    const now = new Date();
    addNote(ctx(), { ticketId: ticket.id, text: 'INTERNAL: check the adviser', author: { type: 'staff' }, now });
    replyToClient(ctx(), { ticketId: ticket.id, text: 'We are looking into the sale.', author: { type: 'staff' }, now });
    changeStatus(ctx(), { ticketId: ticket.id, to: 'pending', actor: { type: 'staff' }, now });

    const en = await page(server, `/track/${token}`, 'en');
    expect(en.status).toBe(200);
    expect(en.html).toContain(`Case ${reference}`);
    expect(en.html).toContain('data-testid="status">Waiting for information<');
    expect(en.html).toContain('Your case was opened');
    expect(en.html).toContain('We sent you a reply');
    expect(en.html).toContain('Status changed to: Waiting for information');
    expect(en.html).toContain('The adviser sold me a wealth product');
    expect(en.html).toContain('We are looking into the sale.');
    expect(en.html).not.toContain('INTERNAL');

    const zh = await page(server, `/track/${token}`, 'zh');
    expect(zh.html).toContain('等待补充信息');
    expect(zh.html).toContain('案件已受理');
  });

  it('adds a follow-up with an attachment to the same case, once however often it is posted', async () => {
    const { token, reference } = await newComplaint({ email: 'follow@example.com' });
    const sid = await submissionIdOf(server, `/track/${token}`);
    const body = () => multipart({ submissionId: sid, text: 'Here is the contract <b>page 2</b>.' }, [{ name: '合同.pdf', content: PDF }]);
    const first = await post(server, `/track/${token}`, body());
    const again = await post(server, `/track/${token}`, body());
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(`/track/${token}?added=1#messages`);
    expect(again.status).toBe(302);
    const ticket = findTicketByReference(db, reference)!;
    expect(messagesOf(db, ticket.id).map((m) => m.text)).toEqual([expect.stringContaining('The adviser'), 'Here is the contract <b>page 2</b>.']);
    const { html } = await page(server, `/track/${token}?added=1`);
    expect(html).toContain('Here is the contract &lt;b&gt;page 2&lt;/b&gt;.');
    expect(html).toContain('合同.pdf');
    expect(html).toContain('Your message has been added to your case.');
  });

  it('refuses an empty follow-up and one on a closed case', async () => {
    const { token, reference } = await newComplaint({ email: 'closed@example.com' });
    const sid = await submissionIdOf(server, `/track/${token}`);
    const empty = await post(server, `/track/${token}`, multipart({ submissionId: sid, text: '' }));
    expect(empty.status).toBe(400);
    expect(fieldError(await empty.text(), 'follow-up-text')).toBe('Please fill in this field.');

    changeStatus(ctx(), { ticketId: findTicketByReference(db, reference)!.id, to: 'closed', actor: { type: 'staff' }, now: new Date() });
    const closed = await post(server, `/track/${token}`, multipart({ submissionId: sid, text: 'one more thing' }));
    expect(closed.status).toBe(409);
    expect(await closed.text()).toContain('This case is closed');
    expect((await page(server, `/track/${token}`)).html).toContain('This case is closed.');
  });

  it('answers 404 to forged, malformed and unknown tokens, for pages and posts', async () => {
    const forged = 'A'.repeat(43);
    for (const path of [`/track/${forged}`, `/track/${forged}/sent`, '/track/short', "/track/'%3Cscript%3E", `/track/${forged}x`]) {
      const res = await page(server, path);
      expect(res.status, path).toBe(404);
      expect(res.html).toContain('We could not find that page.');
    }
    const res = await post(server, `/track/${forged}`, multipart({ submissionId: 'x'.repeat(22), text: 'hello' }));
    expect(res.status).toBe(404);
  });
});

describe('lost your link', () => {
  it('sends a new link when reference and contact match, and says the same words when they do not', async () => {
    const { reference } = await newComplaint({ email: 'lost@example.com', phone: '13900139000' });
    const ticket = findTicketByReference(db, reference)!;

    const match = await post(server, '/track', new URLSearchParams({ reference: reference.toLowerCase(), contact: 'LOST@example.com' }));
    const miss = await post(server, '/track', new URLSearchParams({ reference, contact: 'someone.else@example.com' }));
    const phone = await post(server, '/track', new URLSearchParams({ reference, contact: '139 0013 9000' }));
    expect([match.status, miss.status, phone.status]).toEqual([200, 200, 200]);
    const words = (html: string) => /data-testid="lost-answer">([^<]+)</.exec(html)?.[1];
    const [a, b] = [words(await match.text()), words(await miss.text())];
    expect(a).toBe('If the reference and the contact details match a case, we have sent a new tracking link to them. Older links keep working.');
    expect(b).toBe(a);

    const links = outboxOfTicket(db, ticket.id).filter((o) => o.purpose === 'tracking-link');
    expect(links.map((o) => [o.channel, o.recipient])).toEqual([
      ['email', 'lost@example.com'],
      ['sms', '+8613900139000'],
    ]);
    const eml = await findEml(server, reference, 'Your tracking link');
    const token = /\/track\/([\w-]{43})/.exec(eml)![1]!;
    expect((await page(server, `/track/${token}`)).status).toBe(200);
  });

  it('re-renders bad input with errors beside the fields', async () => {
    const res = await post(server, '/track', new URLSearchParams({ reference: 'nope', contact: '' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, 'lost-link-reference')).toBe('Enter a reference such as CMP-2026-000123.');
    expect(fieldError(html, 'lost-link-contact')).toBe('Enter the email address or mobile number you used.');
  });

  it('limits lookups per IP with 429 and Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 10; i++) {
      last = await post(server, '/track', new URLSearchParams({ reference: 'CMP-2026-999999', contact: `x${i}@example.com` }));
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.text()).toContain('Too many attempts');
  });
});
