import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../tests/support/csv-parse';
import { csvField, csvRow, plainText } from './csv';

describe('csv', () => {
  it('quotes only what needs quoting, as RFC 4180 says', () => {
    expect(csvField('CMP-2026-000001')).toBe('CMP-2026-000001');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(12.5)).toBe('12.5');
  });

  it('round-trips awkward text through a parser', () => {
    const values = ['我买的"稳健"理财，结果亏了 12,000 元', 'line\r\nbreak', '', ',', '"', '  spaced  ', '😀 emoji'];
    const text = csvRow(values) + csvRow(values.map((_, i) => String(i)));
    expect(parseCsv(text)).toEqual([values, values.map((_, i) => String(i))]);
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(plainText('=HYPERLINK("http://evil.example")')).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(plainText('-1+1')).toBe(`'-1+1`);
    expect(plainText('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(plainText('理财 = 存款？')).toBe('理财 = 存款？');
  });
});
