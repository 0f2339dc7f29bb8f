// When the database cannot take a write (disk or quota full, read-only), a portal form must
// not show a crash nor pretend it stored anything: the client gets a "please try again" page
// with a 503 (root ErrorBoundary, both languages) and can post again once space returns.
import { data } from '@remix-run/node';
import { isStorageFailure } from '../../db/client';
import { requestLanguage } from '../i18n/locale.server';

export async function unlessStorageFails<T>(request: Request, run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isStorageFailure(error)) throw error;
    // The root loader does not run for its own boundary after a failed action: the page's language travels with the error.
    throw data({ lang: requestLanguage(request) }, { status: 503, headers: { 'Retry-After': '60' } });
  }
}
