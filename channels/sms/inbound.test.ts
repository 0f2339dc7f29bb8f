import { describe, expect, it } from 'vitest';
import { parseForm } from './form';
import { phoneOf, threadHintsFor, translateSmsWebhook } from './inbound';
import { smsKeyword } from './keywords';

const AC = `AC${'a'.repeat(32)}`;
const SM = `SM${'b'.repeat(32)}`;
const at = new Date('2026-05-01T10:00:00Z');

describe('translateSmsWebhook', () => {
  it('turns Twilio’s form into an InboundMessage with threading hints', () => {
    const r = translateSmsWebhook(parseForm(`MessageSid=${SM}&AccountSid=${AC}&From=%2B8613800138000&To=%2B447700900000&Body=CMP-2026-000123+more+photos&NumMedia=0&Extra=1`), at);
    expect(r).toEqual({
      ok: true,
      keyword: null,
      message: {
        channel: 'sms',
        sender: { phone: '+8613800138000' },
        text: 'CMP-2026-000123 more photos',
        attachments: [],
        providerMessageId: SM,
        threadHints: [
          { kind: 'reference', reference: 'CMP-2026-000123' },
          { kind: 'recent-open', withinDays: 7 },
        ],
        receivedAt: at,
        meta: { to: '+447700900000', segments: null, media: 0 },
      },
    });
  });

  it('lists MMS media as attachments still to fetch', () => {
    const r = translateSmsWebhook(
      { MessageSid: SM, AccountSid: AC, From: '+8613800138000', Body: '', NumMedia: '2', MediaUrl0: 'https://api.twilio.com/a', MediaContentType0: 'image/jpeg', MediaUrl1: 'https://api.twilio.com/b', MediaContentType1: 'application/pdf' },
      at,
    );
    expect(r.ok && r.message.attachments).toEqual([
      { filename: 'mms-1.jpg', declaredType: 'image/jpeg', sourceUrl: 'https://api.twilio.com/a' },
      { filename: 'mms-2.pdf', declaredType: 'application/pdf', sourceUrl: 'https://api.twilio.com/b' },
    ]);
  });

  it('refuses what is not a Twilio message, naming the field', () => {
    expect(translateSmsWebhook({ AccountSid: AC, From: '+8613800138000' }, at)).toMatchObject({ ok: false, error: expect.stringMatching(/^MessageSid /) });
    expect(translateSmsWebhook({ MessageSid: SM, AccountSid: AC, From: '+8613800138000', NumMedia: '1' }, at)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^MediaUrl0/),
    });
    expect(translateSmsWebhook({ MessageSid: SM, AccountSid: AC, From: '+8613800138000', Body: ['a', 'b'] }, at)).toMatchObject({ ok: false });
  });

  it('keeps senders that are not phone numbers apart, and takes no command from them', () => {
    const r = translateSmsWebhook({ MessageSid: SM, AccountSid: AC, From: 'BANK', Body: 'STOP' }, at);
    expect(r).toMatchObject({ ok: true, keyword: null, message: { sender: { other: 'BANK' }, threadHints: [] } });
  });
});

describe('the pieces', () => {
  it('knows phone numbers from short codes and other ids', () => {
    expect(phoneOf('+8613800138000')).toBe('+8613800138000');
    expect(phoneOf('+447700900123')).toBe('+447700900123');
    expect(phoneOf('95588')).toBeUndefined();
    expect(phoneOf('whatsapp:+8613800138000')).toBeUndefined();
    expect(phoneOf('+12')).toBeUndefined();
  });

  it('honours a reference only at the start of the text', () => {
    expect(threadHintsFor('  fbk-2026-000045: thanks')[0]).toEqual({ kind: 'reference', reference: 'FBK-2026-000045' });
    expect(threadHintsFor('about CMP-2026-000123')).toEqual([{ kind: 'recent-open', withinDays: 7 }]);
  });

  it('reads carrier keywords only as the whole text', () => {
    expect(['STOP', ' stop ', 'StopAll', 'unsubscribe', 'END', 'quit', 'Cancel', 'OPTOUT', 'revoke'].map(smsKeyword)).toEqual(Array(9).fill('stop'));
    expect(['START', 'yes', 'Unstop'].map(smsKeyword)).toEqual(['start', 'start', 'start']);
    expect(smsKeyword('help')).toBe('help');
    expect(smsKeyword('please stop charging me')).toBeNull();
  });

  it('keeps every field of the form, a repeated one as a list', () => {
    expect(parseForm('a=1&b=x+y&a=2&c=%E4%BD%A0')).toEqual({ a: ['1', '2'], b: 'x y', c: '你' });
  });
});
