// POST /api/v1/tickets/:reference/notes: an internal note, never shown to the client.
import type { ActionFunctionArgs } from '@remix-run/node';
import { handleApi, methodNotAllowed } from '~/api/respond.server';
import { noteResponse } from '~/api/tickets.server';

export function loader() {
  return methodNotAllowed(['POST']);
}

export function action({ request, context, params }: ActionFunctionArgs) {
  return handleApi(() => (request.method === 'POST' ? noteResponse(context, request, params.reference) : methodNotAllowed(['POST'])));
}
