// What a hostile client sends, as fast-check arbitraries and fixed payloads: invalid UTF-8, NUL
// bytes, path traversal, huge and negative numbers, bombs dressed as allowed file types.
import { crc32, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';

/** Byte sequences that are not UTF-8 (lone continuation, overlong, surrogate, truncated, 0xFF). */
export const INVALID_UTF8 = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe4, 0xb8]),
  Buffer.from([0xff, 0xfe, 0x00]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
];

const nasty = [
  '',
  '\u0000',
  'a\u0000b',
  '../../../../etc/passwd',
  '..\\..\\windows\\system32\\config\\sam',
  '/etc/passwd',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '%00',
  '%',
  '%zz',
  '1e400',
  '-1',
  '-0.01',
  '1,5,0',
  'NaN',
  'Infinity',
  '0x10',
  '9'.repeat(400),
  '99999999999999.99',
  '<script>alert(1)</script>',
  '"; drop table tickets; --',
  '\u202eexe.pdf',
  '\ud800',
  '\uffff',
  '𝕏'.repeat(50),
  '  ',
  '\r\n\r\n',
  '{{7*7}}',
  '__proto__',
  'constructor',
];

/** Text a browser could never type but a script can send. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...nasty),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.integer({ min: 1000, max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.double().map(String),
  fc.bigInt().map(String),
);

/** Bytes for a field value: hostile text, or text with invalid UTF-8 spliced in. */
export const hostileBytes: fc.Arbitrary<Buffer> = fc.oneof(
  hostileText.map((s) => Buffer.from(s)),
  fc.tuple(hostileText, fc.constantFrom(...INVALID_UTF8), hostileText).map(([a, b, c]) => Buffer.concat([Buffer.from(a), b, Buffer.from(c)])),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);

/** A zip whose one entry inflates from about 10 KB to 10 MB of zeros. */
export function zipBomb(): Buffer {
  const name = Buffer.from('zeros.bin');
  const plain = Buffer.alloc(10 * 1024 * 1024);
  const data = deflateRawSync(plain, { level: 9 });
  const crc = crc32(plain);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.byteLength, 18);
  local.writeUInt32LE(plain.byteLength, 22);
  local.writeUInt16LE(name.byteLength, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.byteLength, 20);
  central.writeUInt32LE(plain.byteLength, 24);
  central.writeUInt16LE(name.byteLength, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.byteLength, 12);
  end.writeUInt32LE(30 + name.byteLength + data.byteLength, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

/** A PDF whose one stream inflates to 50 MB: it passes the type check, so it must be stored as opaque bytes, never opened. */
export function pdfBomb(): Buffer {
  const stream = deflateRawSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 });
  return Buffer.concat([
    Buffer.from(`%PDF-1.4\n1 0 obj << /Length ${stream.byteLength} /Filter /FlateDecode >>\nstream\n`),
    stream,
    Buffer.from('\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'),
  ]);
}

/** "Billion laughs": a few hundred bytes of XML that expand to gigabytes in a naive parser. */
export function xmlBomb(): Buffer {
  const entities = ['<!ENTITY lol "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
  return Buffer.from(`<?xml version="1.0"?>\n<!DOCTYPE lolz [\n${entities.join('\n')}\n]>\n<lolz>&lol9;</lolz>\n`);
}

export const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
export const PDF_SMALL = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** File contents: bombs, lies about the type, truncated signatures, random bytes. */
export const hostileFile: fc.Arbitrary<{ filename: Buffer; contentType: string; content: Buffer }> = fc.record({
  filename: fc.oneof(
    fc.constantFrom('../../../etc/passwd.pdf', '..\\..\\boot.ini.png', '/abs/path.jpg', '.hidden.pdf', 'a\u0000b.pdf', 'x'.repeat(5000) + '.pdf', '\u202efdp.exe', '').map((s) =>
      Buffer.from(s),
    ),
    hostileBytes,
  ),
  contentType: fc.constantFrom('application/pdf', 'image/png', 'image/jpeg', 'application/zip', 'text/xml', '', 'application/pdf; charset=\u0000', 'x/y'),
  content: fc.oneof(
    fc.constant(Buffer.alloc(0)),
    fc.constant(PDF_SMALL),
    fc.constant(PNG_HEAD),
    fc.constant(Buffer.from([0xff, 0xd8])),
    fc.constant(xmlBomb()),
    fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.concat([PDF_SMALL.subarray(0, 5), Buffer.from(a)])),
  ),
});

/** JSON nested `depth` levels deep, built as text (JSON.stringify would recurse). */
export function deepJson(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}
