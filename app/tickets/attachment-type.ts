// The type of an uploaded file, decided by its first bytes, never by its name or by what the
// browser or the provider claimed.
export const ALLOWED_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AllowedType = (typeof ALLOWED_TYPES)[number];
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;

const SIGNATURES: { type: AllowedType; bytes: number[]; ext: string }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], ext: 'pdf' }, // %PDF-
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], ext: 'png' },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff], ext: 'jpg' },
];

export function detectAttachmentType(head: Uint8Array): AllowedType | undefined {
  return SIGNATURES.find((s) => s.bytes.every((b, i) => head[i] === b))?.type;
}

export function extensionFor(type: AllowedType): string {
  return SIGNATURES.find((s) => s.type === type)!.ext;
}

/**
 * A file name safe to show and to put in a Content-Disposition header: no directories, no
 * control or bidirectional-override characters, bounded length.
 */
export function safeFilename(name: string, fallback = 'attachment'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // C0/C1 controls and the bidi controls that can disguise an extension (U+202E etc.).
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^\.+/, '')
    .trim();
  const chars = [...cleaned];
  const bounded = chars.length > 120 ? chars.slice(chars.length - 120).join('') : cleaned;
  return bounded.length > 0 ? bounded : fallback;
}
