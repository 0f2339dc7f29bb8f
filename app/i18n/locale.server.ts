// The portal's language: the `lang` cookie when the client chose one, else Accept-Language.
import type { Language } from '../../db/constants';

export const LANG_COOKIE = 'lang';

export function parseCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function languageFromAcceptLanguage(header: string | null): Language {
  if (!header) return 'zh';
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag ?? '', q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh';
}

export function requestLanguage(request: Request): Language {
  const chosen = parseCookie(request.headers.get('Cookie'), LANG_COOKIE);
  if (chosen === 'zh' || chosen === 'en') return chosen;
  return languageFromAcceptLanguage(request.headers.get('Accept-Language'));
}

export function languageCookie(lang: Language): string {
  return `${LANG_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
