// The portal's forms over plain HTTP, as a browser without JavaScript posts them: good posts
// open tickets, and every kind of bad input gets the form back with a clear error beside the
// field and a 4xx, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../db/client';
import { outboxOfTicket } from '../../db/store/outbox';
import { attachmentsOfTicket, findTicketByReference, messagesOf } from '../../db/store/tickets';
import { startServer, type TestServer } from '../support/server';
import { EXE, fieldError, send, multipart, page, PDF, post, referenceOn, submissionIdOf, tokenOf, validComplaint } from './portal-client';

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

async function ticketCount(): Promise<number> {
  return (db.$client.prepare('select count(*) as n from tickets').get() as { n: number }).n;
}

describe('complaint form over HTTP', () => {
  it('opens a complaint and shows its reference and tracking link on the confirmation page', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const res = await post(
      server,
      '/complaint',
      multipart(validComplaint(sid, { phone: '138 0013 8000', amount: '1,500.50', customerNumber: 'C-1' }), [{ name: 'contract.pdf', content: PDF }]),
    );
    expect(res.status).toBe(302);
    const token = tokenOf(res);
    const sent = await page(server, `/track/${token}/sent`);
    expect(sent.status).toBe(200);
    const reference = referenceOn(sent.html);
    expect(reference).toMatch(/^CMP-\d{4}-\d{6}$/);
    expect(sent.html).toContain(`/track/${token}`);

    const ticket = findTicketByReference(db, reference)!;
    expect(ticket).toMatchObject({ kind: 'complaint', channel: 'web', product: 'wealth', cause: 'mis_selling', amountMinor: 150050, currency: 'CNY', language: 'en' });
    expect(attachmentsOfTicket(db, ticket.id).map((a) => [a.filename, a.contentType, a.state])).toEqual([['contract.pdf', 'application/pdf', 'stored']]);
    // The phone was normalized to E.164 with the default region (CN).
    expect(outboxOfTicket(db, ticket.id).map((o) => [o.channel, o.recipient]).sort()).toEqual([
      ['email', 'li.wei@example.com'],
      ['sms', '+8613800138000'],
    ]);
  });

  it('makes one ticket and one acknowledgement of a replayed post, and still shows a working link', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const fields = validComplaint(sid, { email: 'replay@example.com' });
    const before = await ticketCount();
    // A double click (two at once), then a refresh or replay later.
    const [first, doubleClick] = await Promise.all([post(server, '/complaint', multipart(fields)), post(server, '/complaint', multipart(fields))]);
    const second = await post(server, '/complaint', multipart(fields));
    expect([first.status, doubleClick.status, second.status]).toEqual([302, 302, 302]);
    expect(await ticketCount()).toBe(before + 1);
    const [t1, t2] = [tokenOf(first), tokenOf(second)];
    expect(t2).not.toBe(t1);
    const ref1 = referenceOn((await page(server, `/track/${t1}/sent`)).html);
    const ref2 = referenceOn((await page(server, `/track/${t2}/sent`)).html);
    expect(ref2).toBe(ref1);
    expect((await page(server, `/track/${t2}`)).status).toBe(200);
    const ticket = findTicketByReference(db, ref1)!;
    expect(outboxOfTicket(db, ticket.id).filter((o) => o.purpose === 'ack')).toHaveLength(1);
    expect(messagesOf(db, ticket.id)).toHaveLength(1);
  });

  it('re-renders an empty form with an error beside every required field (400)', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const res = await post(server, '/complaint', multipart({ submissionId: sid }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, 'complaint-name')).toBe('Please fill in this field.');
    expect(fieldError(html, 'complaint-email')).toBe('Give an email address or a mobile number (or both).');
    expect(fieldError(html, 'complaint-phone')).toBe('Give an email address or a mobile number (or both).');
    expect(fieldError(html, 'complaint-product')).toBe('Please choose one of the options.');
    expect(fieldError(html, 'complaint-cause')).toBe('Please choose one of the options.');
    expect(fieldError(html, 'complaint-occurredOn')).toBe('Please fill in this field.');
    expect(fieldError(html, 'complaint-description')).toBe('Please fill in this field.');
    expect(fieldError(html, 'complaint-consent')).toBe('Please agree to be contacted so that we can handle your complaint.');
    expect(html).toContain('role="alert"');
  });

  it('answers in Chinese for a Chinese client', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const res = await post(server, '/complaint', multipart({ submissionId: sid }), 'zh');
    expect(res.status).toBe(400);
    expect(fieldError(await res.text(), 'complaint-name')).toBe('请填写此项。');
  });

  it('refuses oversized fields and keeps what was typed', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const long = 'x'.repeat(10_001);
    const res = await post(server, '/complaint', multipart(validComplaint(sid, { description: long, name: 'N'.repeat(300_000), email: 'keep@example.com' })));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, 'complaint-description')).toBe('This is too long: at most 10000 characters.');
    expect(fieldError(html, 'complaint-name')).toBe('This is too long: at most 200 characters.');
    expect(html).toContain('value="keep@example.com"');
    expect(html).toContain(`>${long}</textarea>`);
  });

  it('refuses unknown product and cause codes, a bad phone, a future date and a bad amount', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const res = await post(
      server,
      '/complaint',
      multipart(validComplaint(sid, { product: 'crypto', cause: 'x', phone: '12', occurredOn: '2999-01-01', amount: '12.345' })),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, 'complaint-product')).toBe('Please choose one of the options.');
    expect(fieldError(html, 'complaint-cause')).toBe('Please choose one of the options.');
    expect(fieldError(html, 'complaint-phone')).toContain('Enter a mobile number');
    expect(fieldError(html, 'complaint-occurredOn')).toBe('Enter a date that is not in the future.');
    expect(fieldError(html, 'complaint-amount')).toBe('Enter an amount such as 1500 or 1500.50.');
  });

  it('answers a 50 MB upload with 413 and the form, without a ticket', async () => {
    const before = await ticketCount();
    const sid = await submissionIdOf(server, '/complaint');
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
    PDF.copy(big);
    const res = await post(server, '/complaint', multipart(validComplaint(sid, { name: 'Big Upload' }), [{ name: 'scan.pdf', content: big }]));
    expect(res.status).toBe(413);
    const html = await res.text();
    expect(fieldError(html, 'complaint-attachments')).toContain('“scan.pdf” is larger than 10 MB.');
    expect(html).toContain('value="Big Upload"');
    expect(await ticketCount()).toBe(before);
  });

  it('refuses an executable renamed .pdf with an error beside the attachments', async () => {
    const before = await ticketCount();
    const sid = await submissionIdOf(server, '/complaint');
    const res = await post(server, '/complaint', multipart(validComplaint(sid), [{ name: 'invoice.pdf', content: EXE }]));
    expect(res.status).toBe(400);
    expect(fieldError(await res.text(), 'complaint-attachments')).toContain('“invoice.pdf” is not a PDF, PNG or JPEG file.');
    expect(await ticketCount()).toBe(before);
  });

  it('refuses a sixth attachment', async () => {
    const sid = await submissionIdOf(server, '/complaint');
    const files = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.pdf`, content: PDF }));
    const res = await post(server, '/complaint', multipart(validComplaint(sid), files));
    expect(res.status).toBe(400);
    expect(fieldError(await res.text(), 'complaint-attachments')).toContain('Attach at most 5 files.');
  });

  it('stores markup and script exactly as given and renders them escaped', async () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"`;
    const sid = await submissionIdOf(server, '/complaint');
    const res = await post(
      server,
      '/complaint',
      multipart(validComplaint(sid, { name: evil, description: `${evil}\nline two`, outcome: evil, customerNumber: '<b>1</b>' })),
    );
    expect(res.status).toBe(302);
    const token = tokenOf(res);
    const { html } = await page(server, `/track/${token}`);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const reference = referenceOn((await page(server, `/track/${token}/sent`)).html);
    const ticket = findTicketByReference(db, reference)!;
    expect(ticket.outcomeWanted).toBe(evil);
    expect(messagesOf(db, ticket.id)[0]!.text).toBe(`${evil}\nline two`);
    expect(messagesOf(db, ticket.id)[0]!.senderName).toBe(evil);

    // A field error re-renders the evil text escaped too.
    const sid2 = await submissionIdOf(server, '/complaint');
    const bad = await post(server, '/complaint', multipart(validComplaint(sid2, { name: evil, product: '<script>x</script>' })));
    const badHtml = await bad.text();
    expect(bad.status).toBe(400);
    expect(badHtml).not.toContain('<script>alert');
  });

  it('refuses a post without the form id, and a body that is not a form', async () => {
    const res = await post(server, '/complaint', multipart(validComplaint('')));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('This form has expired');
    const raw = await send(server, '/complaint', { method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' } });
    expect(raw.status).toBe(400);
    expect(await raw.text()).toContain('We could not read the form');
    const broken = await send(server, '/complaint', {
      method: 'POST',
      body: '--zzz\r\nContent-Disposition: form-data; name="name"\r\n\r\nhalf',
      headers: { 'Content-Type': 'multipart/form-data; boundary=zzz', 'Accept-Language': 'en' },
    });
    expect(broken.status).toBeGreaterThanOrEqual(400);
    expect(broken.status).toBeLessThan(500);
  });
});

describe('feedback form over HTTP', () => {
  it('opens feedback with an FBK reference, contact optional', async () => {
    const sid = await submissionIdOf(server, '/feedback');
    const res = await post(server, '/feedback', new URLSearchParams({ submissionId: sid, feedbackType: 'compliment', text: 'Ms Wang at the Pudong branch was very patient.' }));
    expect(res.status).toBe(302);
    const reference = referenceOn((await page(server, `/track/${tokenOf(res)}/sent`)).html);
    expect(reference).toMatch(/^FBK-\d{4}-\d{6}$/);
    expect(findTicketByReference(db, reference)).toMatchObject({ kind: 'feedback', feedbackType: 'compliment' });
  });

  it('re-renders with errors beside the kind and the text', async () => {
    const sid = await submissionIdOf(server, '/feedback');
    const res = await post(server, '/feedback', new URLSearchParams({ submissionId: sid, feedbackType: 'rant', text: '   ', email: 'not-an-email' }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, 'feedback-text')).toBe('Please fill in this field.');
    expect(fieldError(html, 'feedback-email')).toBe('Enter an email address such as name@example.com.');
    expect(html).toMatch(/<div id="feedback-feedbackType-error" class="error"><p>Please choose one of the options\.<\/p>/);
  });
});
