// The outbound sender over a real SMTP session to a local capture server: pooled, threaded
// headers, Reply-To from the reply token, text and HTML, and how SMTP answers become results.
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailSink, type MailSink } from '../../tests/support/mail-sink';
import { createEmailSender } from './send';

let sink: MailSink;
let port: number;

beforeAll(async () => {
  sink = await startMailSink();
  port = sink.port;
});
afterAll(() => sink.close());

const message = {
  id: 7,
  channel: 'email' as const,
  recipient: 'li.wei@example.com',
  subject: '[CMP-2026-000001] Your complaint',
  body: 'We are looking into it.\n\nSee https://complaints.example.com/track/abc',
  html: null,
  headers: {
    'Message-ID': '<cmp-2026-000001.b@complaints.example.com>',
    'In-Reply-To': '<client-1@example.com>',
    References: '<cmp-2026-000001.a@complaints.example.com> <client-1@example.com>',
    'X-Redress-Reply-Token': '0123456789abcdef0123456789abcdef',
  },
};

describe('the email sender', () => {
  it('sends threaded, with Reply-To reply+token, plain text and HTML, marked as our own', async () => {
    const sender = createEmailSender({
      from: 'Redress <complaints@example.com>',
      smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
      outboxDir: '/nonexistent',
      replyToDomain: 'reply.example.com',
    });
    const result = await sender.send(message);
    sender.close();
    expect(result).toEqual({ ok: true, providerId: '<cmp-2026-000001.b@complaints.example.com>' });
    const mail = await simpleParser(sink.received.at(-1)!.raw);
    expect(mail.messageId).toBe('<cmp-2026-000001.b@complaints.example.com>');
    expect(mail.inReplyTo).toBe('<client-1@example.com>');
    expect(mail.references).toEqual(['<cmp-2026-000001.a@complaints.example.com>', '<client-1@example.com>']);
    expect(mail.replyTo?.value[0]?.address).toBe('reply+0123456789abcdef0123456789abcdef@reply.example.com');
    expect(mail.text).toContain('We are looking into it.');
    expect(mail.html).toContain('<a href="https://complaints.example.com/track/abc">');
    expect(mail.headers.get('x-redress-outbox')).toBe('7');
    expect(mail.headers.has('x-redress-reply-token')).toBe(false);
  });

  it('a 5xx rejection is permanent, a 4xx answer is retried', async () => {
    const sender = createEmailSender({ from: 'complaints@example.com', smtpUrl: `smtp://127.0.0.1:${port}?ignoreTLS=true`, outboxDir: '/nonexistent' });
    sink.answerData({ code: 550, text: 'mailbox unavailable' });
    expect(await sender.send(message)).toMatchObject({ ok: false, permanent: true, error: expect.stringContaining('550') });
    sink.answerData({ code: 451, text: 'try later' });
    expect(await sender.send(message)).toMatchObject({ ok: false, permanent: false });
    sink.answerData(null);
    sender.close();
  });
});
