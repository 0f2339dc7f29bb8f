// The page a client sees when a portal edge turns them away with 429. It is written before
// Remix runs (the request is refused unread), so it is plain HTML: the client's language, what
// happened, how long to wait, and the way back. Nothing in it comes from the request.
import type { Language } from '../../db/constants';
import { translate } from '../i18n/dictionary';

export function limitedPage(lang: Language, retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key, { minutes });
  return `<!DOCTYPE html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('limited.title')} — ${t('app.name')}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}a{color:#0b57d0}</style>
</head>
<body>
<main>
<h1>${t('limited.title')}</h1>
<p role="alert">${t('limited.body')}</p>
<p><a href="/">${t('error.back')}</a></p>
</main>
</body>
</html>
`;
}
