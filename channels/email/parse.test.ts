// The translator against the fixture folder: charsets, HTML, quotes, attachments, automatic
// mail and broken MIME, each from the raw bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEmail, type ParsedEmail } from './parse';

const fixture = (name: string, replace: Record<string, string> = {}) => {
  let raw = readFileSync(new URL(`../../tests/fixtures/email/${name}`, import.meta.url)).toString('latin1');
  for (const [k, v] of Object.entries(replace)) raw = raw.split(k).join(v);
  return Buffer.from(raw, 'latin1');
};
const ACK = '<cmp-2026-000001.ack@complaints.example.com>';
const opts = { ownHosts: ['complaints.example.com'], replyToDomain: 'reply.example.com', receivedAt: new Date('2026-03-02T02:00:00Z') };

async function message(name: string, extra: Partial<typeof opts> & { envelope?: { mailFrom: string; rcptTo: string[] } } = {}) {
  const parsed = await parseEmail(fixture(name, { __ACK_ID__: ACK, __RECIPIENT__: 'li.wei@example.com' }), { ...opts, ...extra });
  if (parsed.kind !== 'message') throw new Error(`${name} parsed as ${parsed.kind}`);
  return parsed.message;
}

describe('charsets, in bodies and RFC 2047 headers', () => {
  it.each([
    ['gbk.eml', '理财产品被当作存款销售', '被客户经理说成是存款', '王喆'],
    ['big5.eml', '信用卡年費被重複扣款', '請退還', '陳大文'],
    ['gb2312-as-gbk.eml', '刘堃的基金赎回', '迟迟未到账。刘堃', '刘堃'],
    ['gb18030.eml', '保险理赔被拒𠀀', '理由不成立。𠀀', 'Zhao'],
    ['iso-2022-jp.eml', '口座の手数料について', '説明なく引き落とされました', 'Tanaka'],
    ['iso-8859-2.eml', 'Opłata za konto', 'Zażółć gęślą jaźń', 'Jan'],
  ])('%s', async (name, subject, body, sender) => {
    const m = await message(name);
    expect(m.subject).toBe(subject);
    expect(m.text).toContain(body);
    expect(m.sender.name).toBe(sender);
  });
});

describe('HTML-only mail', () => {
  it('gets a text version and sanitized HTML without scripts, handlers, javascript:, forms or remote images', async () => {
    const m = await message('html-only.eml');
    expect(m.text).toContain('My fund was switched without my consent.');
    expect(m.text).toContain('Please refund 5,000 CNY.');
    expect(m.text).not.toContain('alert');
    const html = m.html!;
    expect(html).toContain('<b>switched</b>');
    for (const bad of ['<script', 'alert(', 'onload', 'onclick', 'javascript:', '<form', '<input', 'tracker.example', 'password']) {
      expect(html).not.toContain(bad);
    }
    expect(html).toContain('href="https://bank.example/statement"');
    expect(html).toContain('src="cid:chart1@client"');
    // The inline image is kept as an attachment.
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]).toMatchObject({ filename: 'chart.png', inline: true });
  });
});

describe('quoted replies are trimmed, the full text kept', () => {
  it.each([
    ['reply-gmail.eml', 'Here is my contract number: HT-88231. Please call me after 6pm.', 'We have received your complaint'],
    ['reply-outlook.eml', 'The branch manager has not called me back yet.', 'Sent: Monday'],
    ['reply-apple.eml', 'I attach nothing, but the fee was charged twice.', 'We have received your complaint'],
    ['reply-foxmail.eml', '补充一下：购买日期是2026年1月5日。', '原始邮件'],
    ['reply-outlook-zh.eml', '客户经理至今没有回电。', '发送时间'],
  ])('%s', async (name, visible, quotedMarker) => {
    const m = await message(name);
    expect(m.text).toBe(visible);
    expect(String(m.meta?.fullText)).toContain(quotedMarker);
    expect(m.threadHints[0]).toEqual({ kind: 'message-ids', ids: [ACK] });
  });
});

describe('threading hints in order', () => {
  it('message ids, then the reply token, then the subject reference', async () => {
    const m = await message('reply-gmail.eml', {
      envelope: { mailFrom: 'li.wei@example.com', rcptTo: [`reply+${'a'.repeat(32)}@reply.example.com`] },
    });
    expect(m.threadHints.map((h) => h.kind)).toEqual(['message-ids', 'reply-token', 'reference']);
    expect(m.threadHints[2]).toEqual({ kind: 'reference', reference: 'CMP-2026-000001' });
  });
  it('ignores reply addresses of other domains', async () => {
    const m = await message('reply-gmail.eml', { envelope: { mailFrom: 'x@y.com', rcptTo: [`reply+${'a'.repeat(32)}@evil.example`] } });
    expect(m.threadHints.some((h) => h.kind === 'reply-token')).toBe(false);
  });
});

describe('automatic mail', () => {
  it('auto-replies by header and by subject', async () => {
    expect((await message('auto-reply.eml')).automated).toBe('auto-reply');
    expect((await message('out-of-office-subject.eml')).automated).toBe('auto-reply');
    expect((await message('gbk.eml')).automated).toBeUndefined();
  });
  it('a DSN bounce names the message it returns, the recipient and a hard status', async () => {
    const p = await parseEmail(fixture('dsn-bounce.eml', { __ACK_ID__: ACK, __RECIPIENT__: 'li.wei@example.com' }), opts);
    expect(p.kind).toBe('bounce');
    const b = (p as Extract<ParsedEmail, { kind: 'bounce' }>).bounce;
    expect(b).toMatchObject({ originalMessageIds: [ACK], recipient: 'li.wei@example.com', status: '5.1.1', hard: true });
  });
  it('an empty return path with a failure subject is a bounce', async () => {
    const raw = Buffer.from(fixture('no-message-id.eml').toString('latin1').replace('Card blocked without notice', 'Undelivered Mail Returned to Sender'), 'latin1');
    expect((await parseEmail(raw, { ...opts, envelope: { mailFrom: '', rcptTo: [] } })).kind).toBe('bounce');
  });
  it('an empty return path is never acknowledged; Reply-To is where the ack goes', async () => {
    expect((await message('gbk.eml', { envelope: { mailFrom: '', rcptTo: [] } })).ackTo).toBeNull();
    const withReplyTo = Buffer.from(fixture('gbk.eml').toString('latin1').replace('MIME-Version', 'Reply-To: other@example.cn\r\nMIME-Version'), 'latin1');
    const p = await parseEmail(withReplyTo, opts);
    expect(p.kind === 'message' && p.message.ackTo).toBe('other@example.cn');
  });
  it("Redress's own mail is recognised", async () => {
    expect((await parseEmail(fixture('own-mail.eml'), opts)).kind).toBe('own');
  });
});

describe('broken and hostile MIME', () => {
  it('no Message-ID: a hash of the raw bytes stands in', async () => {
    const a = await parseEmail(fixture('no-message-id.eml'), opts);
    const b = await parseEmail(fixture('no-message-id.eml'), opts);
    expect(a.dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.dedupeKey).toBe(b.dedupeKey);
  });
  it('broken base64, an unterminated boundary and deep nesting still give text', async () => {
    expect((await message('broken-base64.eml')).text.length).toBeGreaterThan(0);
    const u = await message('unterminated-boundary.eml');
    expect(u.text).toContain('The insurer never answered my claim letter.');
    expect((await message('deeply-nested.eml')).text).toContain('unsuitable product');
  });
  it('attachment names keep no directories or bidi overrides once stored (names are raw here)', async () => {
    const m = await message('evil-attachment-name.eml');
    expect(m.attachments.map((a) => a.filename)).toEqual(['../../etc/statement\u202egnp.exe', '../contract.pdf']);
  });
});
