// Switches the portal language and goes back where the client was; works without JavaScript.
import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { languageCookie } from '~/i18n/locale.server';
import { readPortalForm } from '~/portal/form-data.server';

const schema = z.object({
  lang: z.enum(['zh', 'en']),
  // Only same-site paths: never an open redirect.
  redirectTo: z
    .string()
    .regex(/^\/(?!\/)[^\\]*$/)
    .catch('/'),
});

export async function action({ request }: ActionFunctionArgs) {
  // The bounded reader: a broken or mislabelled body is a 400 like a bad value, never a 500.
  const form = await readPortalForm(request);
  const parsed = schema.safeParse(Object.fromEntries(form.formData));
  if (!parsed.success) return new Response('Unknown language', { status: 400 });
  return redirect(parsed.data.redirectTo, { headers: { 'Set-Cookie': languageCookie(parsed.data.lang) } });
}

export async function loader() {
  return redirect('/');
}
