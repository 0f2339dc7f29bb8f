// GET /api/v1/openapi.json: the API's description, generated from the zod schemas it parses with.
import type { LoaderFunctionArgs } from '@remix-run/node';
import { openApiDocument } from '~/api/openapi.server';
import { json } from '~/api/respond.server';

export function loader({ context }: LoaderFunctionArgs) {
  return json(openApiDocument(context.publicUrl), 200, { 'Cache-Control': 'public, max-age=300' });
}
