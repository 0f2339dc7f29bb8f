import { describe, expect, it } from 'vitest';
import { languageFromAcceptLanguage, requestLanguage } from './locale.server';

describe('portal language', () => {
  it('follows Accept-Language by quality', () => {
    expect(languageFromAcceptLanguage('en-GB,en;q=0.9')).toBe('en');
    expect(languageFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(languageFromAcceptLanguage('fr-FR,en;q=0.5,zh;q=0.4')).toBe('en');
    expect(languageFromAcceptLanguage('fr')).toBe('zh');
  });

  it('prefers the remembered cookie', () => {
    const r = new Request('http://x/', { headers: { Cookie: 'a=b; lang=en', 'Accept-Language': 'zh-CN' } });
    expect(requestLanguage(r)).toBe('en');
  });
});
