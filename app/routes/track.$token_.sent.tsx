// The confirmation after a complaint or feedback: the reference and the private tracking link.
// Its URL carries the token (under /track/, which the request log redacts), so a refresh or a
// bookmark of this page keeps working and nothing else has to remember the token.
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { translate } from '~/i18n/dictionary';
import { useT } from '~/i18n/use-t';
import { ticketForToken } from '~/tickets/tracking.server';
import { trackingUrl } from '~/tickets/tracking-token.server';

export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? '';
  const ticket = ticketForToken(context.tickets.db, token);
  if (!ticket) throw new Response('Not found', { status: 404 });
  return { reference: ticket.reference, link: trackingUrl(context.publicUrl, token), path: `/track/${token}` };
}

export const headers: HeadersFunction = () => ({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });

export default function SentPage() {
  const { reference, link, path } = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <section className="panel" aria-labelledby="sent-title">
      <h1 id="sent-title">{t('sent.title')}</h1>
      <p>{t('sent.reference')}</p>
      <p className="reference" data-testid="reference">
        {reference}
      </p>
      <p>{t('sent.link')}</p>
      <p className="link-box">
        <a href={path} data-testid="tracking-link">
          {link}
        </a>
      </p>
      <p className="hint">{t('sent.linkHint')}</p>
      <p>
        <Link to={path}>{t('sent.open')}</Link>
      </p>
    </section>
  );
}

export const meta: MetaFunction = ({ matches }) => {
  const root = matches.find((m) => m.id === 'root')?.data as { lang?: 'zh' | 'en' } | undefined;
  return [{ title: `${translate(root?.lang ?? 'zh', 'sent.title')} · Redress` }, { name: 'robots', content: 'noindex' }];
};
