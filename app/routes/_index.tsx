import type { MetaFunction } from '@remix-run/node';
import { Link } from '@remix-run/react';
import { useT } from '~/i18n/use-t';

export default function Home() {
  const t = useT();
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <div className="choices">
        <Link className="choice" to="/complaint">
          <strong>{t('home.complain')}</strong>
          {t('home.complain.hint')}
        </Link>
        <Link className="choice" to="/feedback">
          <strong>{t('home.feedback')}</strong>
          {t('home.feedback.hint')}
        </Link>
      </div>
      <p>
        <Link to="/track">{t('home.track')}</Link>
      </p>
    </>
  );
}

export const meta: MetaFunction = () => [{ title: 'Redress' }];
