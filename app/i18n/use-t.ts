// The current language and translator for components, from the root loader's data.
import { useRouteLoaderData } from '@remix-run/react';
import type { Language } from '../../db/constants';
import { translate, type MessageKey } from './dictionary';

export function useLanguage(): Language {
  const data = useRouteLoaderData<{ lang: Language }>('root');
  return data?.lang ?? 'zh';
}

export function useT(): (key: MessageKey, vars?: Record<string, string | number>) => string {
  const lang = useLanguage();
  return (key, vars) => translate(lang, key, vars);
}
