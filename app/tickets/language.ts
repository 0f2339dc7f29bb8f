// Which language a client wrote in. Chinese when the text holds Han characters, else English:
// good enough for choosing the language of an acknowledgement, and cheap.
import type { Language } from '../../db/constants';

const HAN = /\p{Script=Han}/u;

export function detectLanguage(text: string): Language {
  return HAN.test(text) ? 'zh' : 'en';
}
