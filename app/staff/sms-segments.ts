// How many SMS a text takes: GSM-7 fits 160 characters in one message (153 per part when
// split); anything outside the GSM alphabet (Chinese, emoji) forces UCS-2: 70, then 67.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

export interface SegmentCount {
  encoding: 'gsm7' | 'ucs2';
  /** Characters as the network counts them (extended GSM characters count twice; UCS-2 counts UTF-16 units). */
  units: number;
  segments: number;
}

export function countSegments(text: string): SegmentCount {
  let gsm = true;
  let units = 0;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) units += 1;
    else if (GSM_EXTENDED.includes(ch)) units += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'gsm7', units, segments: units === 0 ? 0 : units <= 160 ? 1 : Math.ceil(units / 153) };
  const u = text.length; // UTF-16 code units
  return { encoding: 'ucs2', units: u, segments: u === 0 ? 0 : u <= 70 ? 1 : Math.ceil(u / 67) };
}
