import { parseWithZod } from '@conform-to/zod/v4';
import { describe, expect, it } from 'vitest';
import { complaintSchema } from './complaint-form';
import { errorText } from './form-error';
import { parseAmountMinor } from './form-fields';

const schema = complaintSchema({ region: 'CN', today: '2026-03-10' });

/** The errors of a parse, by field ({} when it succeeded). */
function errorsOf(fields: Record<string, string>): Record<string, string[] | null> {
  const s = parseWithZod(form(fields), { schema });
  return s.status === 'error' ? (s.error ?? {}) : {};
}

function form(fields: Record<string, string>): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}

const good = {
  submissionId: 'a'.repeat(22),
  name: 'Li Wei',
  email: ' Li.Wei@Example.COM ',
  product: 'funds',
  cause: 'fees',
  occurredOn: '2026-03-10',
  description: 'line one\r\nline two',
  outcome: 'refund',
  consent: 'on',
};

describe('complaint schema', () => {
  it('normalizes email, phone, amount and line breaks', () => {
    const s = parseWithZod(form({ ...good, phone: '138 0013 8000', amount: '1,234.5' }), { schema });
    expect(s.status).toBe('success');
    if (s.status !== 'success') return;
    expect(s.value).toMatchObject({ email: 'li.wei@example.com', phone: '+8613800138000', amount: 123450, description: 'line one\nline two' });
    expect(s.value.attachments).toEqual([]);
  });

  it('needs an email or a phone, and says so on both', () => {
    const errors = errorsOf({ ...good, email: '' });
    expect(errors.email).toEqual(['form.error.contact']);
    expect(errors.phone).toEqual(['form.error.contact']);
  });

  it('refuses a date after today (one day of slack for time zones)', () => {
    expect(parseWithZod(form({ ...good, occurredOn: '2026-03-11' }), { schema }).status).toBe('success');
    expect(errorsOf({ ...good, occurredOn: '2026-03-12' }).occurredOn).toEqual(['form.error.date']);
  });

  it('turns decimal amounts into minor units without floating point', () => {
    expect(parseAmountMinor('0.1')).toBe(10);
    expect(parseAmountMinor('19.99')).toBe(1999);
    expect(parseAmountMinor('1 000 000')).toBe(100000000);
    expect(parseAmountMinor('1.234')).toBeUndefined();
    expect(parseAmountMinor('-5')).toBeUndefined();
    expect(parseAmountMinor('1e5')).toBeUndefined();
  });

  it('words its errors in the client language, with variables', () => {
    const [key] = errorsOf({ ...good, name: 'x'.repeat(201) }).name!;
    expect(errorText('en', key!)).toBe('This is too long: at most 200 characters.');
    expect(errorText('zh', key!)).toBe('内容过长：最多 200 个字符。');
    expect(errorText('en', 'no.such.key')).toBe('This value is not valid.');
  });
});
