// How many SMS parts a body costs. GSM-7 when every character is in the GSM 03.38 alphabet
// (160 septets, or 153 per part once concatenated; extension characters take two septets and
// are never split across parts); otherwise UCS-2 (70 UTF-16 units, or 67 per part; a
// surrogate pair, such as an emoji, is never split). Carriers bill per part, so staff see it.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 units (UCS-2) the body takes. */
  units: number;
}

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

export function countSegments(body: string): SegmentCount {
  const chars = [...body];
  if (chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c))) {
    const widths = chars.map((c) => (GSM_EXTENSION.has(c) ? 2 : 1));
    return { encoding: 'GSM-7', ...pack(widths, 160, 153) };
  }
  return { encoding: 'UCS-2', ...pack(chars.map((c) => c.length), 70, 67) };
}

/** Greedy packing: a character that does not fit in the current part starts the next one. */
function pack(widths: number[], single: number, perPart: number): { segments: number; units: number } {
  const units = widths.reduce((a, b) => a + b, 0);
  if (units <= single) return { segments: 1, units };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > perPart) {
      segments += 1;
      used = 0;
    }
    used += w;
  }
  return { segments, units };
}
