import type { LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteError,
  useRouteLoaderData,
} from '@remix-run/react';
import type { ReactNode } from 'react';
import type { Language } from '../db/constants';
import { translate } from './i18n/dictionary';
import { requestLanguage } from './i18n/locale.server';
import stylesheet from './styles/app.css?url';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: stylesheet }];

export async function loader({ request }: LoaderFunctionArgs) {
  return { lang: requestLanguage(request) };
}

function LanguageSwitch({ lang }: { lang: Language }) {
  const location = useLocation();
  const other: Language = lang === 'zh' ? 'en' : 'zh';
  return (
    <Form method="post" action="/language" className="lang-switch">
      <input type="hidden" name="lang" value={other} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button type="submit" lang={other === 'zh' ? 'zh-CN' : 'en'} aria-label={`${translate(lang, 'lang.label')}: ${translate(lang, 'lang.switch')}`}>
        {translate(lang, 'lang.switch')}
      </button>
    </Form>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>('root');
  const error = useRouteError();
  const carried = isRouteErrorResponse(error) ? (error.data as { lang?: 'zh' | 'en' } | null)?.lang : undefined;
  const lang = data?.lang ?? carried ?? 'zh';
  return (
    <html lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          {lang === 'zh' ? '跳到主要内容' : 'Skip to content'}
        </a>
        <header className="site-header">
          <Link to="/" className="brand">
            {translate(lang, 'app.name')}
          </Link>
          <LanguageSwitch lang={lang} />
        </header>
        <main id="main">{children}</main>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>('root');
  const carried = isRouteErrorResponse(error) ? (error.data as { lang?: 'zh' | 'en' } | null)?.lang : undefined;
  const lang = data?.lang ?? carried ?? 'zh';
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // 503: storage could not take the write; nothing was saved and posting again will work later.
  const unavailable = isRouteErrorResponse(error) && error.status === 503;
  return (
    <section className="panel" role="alert" data-error-status={isRouteErrorResponse(error) ? error.status : 500}>
      <h1>{translate(lang, unavailable ? 'error.unavailableTitle' : 'error.title')}</h1>
      <p>{translate(lang, notFound ? 'error.notFound' : unavailable ? 'error.unavailable' : 'error.generic')}</p>
      <Link to="/">{translate(lang, 'error.back')}</Link>
    </section>
  );
}
