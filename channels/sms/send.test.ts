import { describe, expect, it } from 'vitest';
import { classifyTwilioError, rewriteApiUri, statusCallbackUrl } from './send';
import { translateStatusCallback } from './status';

describe('the Twilio sender’s pieces', () => {
  it('rewrites Twilio’s URIs onto TWILIO_API_URL, keeping path and query', () => {
    expect(rewriteApiUri('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1', 'http://127.0.0.1:4010')).toBe(
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?x=1',
    );
    expect(rewriteApiUri('https://api.dublin.ie1.twilio.com/2010-04-01/A', 'https://proxy.example/twilio/')).toBe(
      'https://proxy.example/twilio/2010-04-01/A',
    );
    expect(statusCallbackUrl('https://c.example/')).toBe('https://c.example/webhooks/twilio/status');
  });

  it('tells permanent errors from those worth retrying', () => {
    expect(classifyTwilioError({ status: 400, code: 21610, message: 'unsubscribed' })).toMatchObject({ permanent: true, error: 'twilio 21610 (opted out): unsubscribed' });
    expect(classifyTwilioError({ status: 400, code: 21211, message: 'bad' })).toMatchObject({ permanent: true });
    expect(classifyTwilioError({ status: 404 })).toMatchObject({ permanent: true });
    expect(classifyTwilioError({ status: 429, code: 20429 })).toMatchObject({ permanent: false });
    expect(classifyTwilioError({ status: 503 })).toMatchObject({ permanent: false });
    expect(classifyTwilioError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({
      permanent: false,
      error: 'network: ECONNREFUSED connect ECONNREFUSED',
    });
  });

  it('maps Twilio’s statuses onto delivery states', () => {
    const sid = `SM${'c'.repeat(32)}`;
    expect(translateStatusCallback({ MessageSid: sid, MessageStatus: 'read' })).toMatchObject({ ok: true, state: 'delivered' });
    expect(translateStatusCallback({ MessageSid: sid, MessageStatus: 'Undelivered', ErrorCode: '30003' })).toMatchObject({ state: 'undelivered', errorCode: '30003' });
    expect(translateStatusCallback({ MessageSid: sid, MessageStatus: 'receiving' })).toMatchObject({ ok: true, state: null });
    expect(translateStatusCallback({ MessageStatus: 'sent' })).toMatchObject({ ok: false });
  });
});
