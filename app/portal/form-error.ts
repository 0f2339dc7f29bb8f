// Form errors travel as dictionary keys (with URL-encoded variables), never as finished
// sentences: the same schema runs in the browser and on the server, and the words are chosen
// where they are shown, in the client's language.
import { isMessageKey, translate, type MessageKey } from '../i18n/dictionary';
import type { Language } from '../../db/constants';

export function formError(key: MessageKey, vars?: Record<string, string | number>): string {
  if (!vars) return key;
  const encoded = Object.entries(vars)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${key}|${encoded}`;
}

export function errorText(lang: Language, raw: string): string {
  const [key, query] = raw.split('|', 2) as [string, string | undefined];
  if (!isMessageKey(key)) return translate(lang, 'form.error.invalid');
  const vars: Record<string, string> = {};
  for (const pair of query ? query.split('&') : []) {
    const [k, v = ''] = pair.split('=', 2);
    if (k) vars[k] = safeDecode(v);
  }
  return translate(lang, key, vars);
}

function safeDecode(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}
