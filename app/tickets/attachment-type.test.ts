import { describe, expect, it } from 'vitest';
import { detectAttachmentType, safeFilename } from './attachment-type';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('detectAttachmentType', () => {
  it('knows PDF, PNG and JPEG by their first bytes', () => {
    expect(detectAttachmentType(new TextEncoder().encode('%PDF-1.7\n'))).toBe('application/pdf');
    expect(detectAttachmentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(detectAttachmentType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
  });

  it('refuses an executable whatever it is called', () => {
    expect(detectAttachmentType(bytes(0x4d, 0x5a, 0x90, 0x00))).toBeUndefined(); // MZ
    expect(detectAttachmentType(bytes(0x7f, 0x45, 0x4c, 0x46))).toBeUndefined(); // ELF
    expect(detectAttachmentType(new TextEncoder().encode('<html><script>'))).toBeUndefined();
    expect(detectAttachmentType(bytes())).toBeUndefined();
  });
});

describe('safeFilename', () => {
  it('strips directories and bidi overrides', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(safeFilename('..\\..\\boot.ini')).toBe('boot.ini');
    expect(safeFilename('...')).toBe('attachment');
    expect(safeFilename('合同.pdf')).toBe('合同.pdf');
  });
});
