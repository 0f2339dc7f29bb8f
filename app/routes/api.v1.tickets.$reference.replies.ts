// POST /api/v1/tickets/:reference/replies: answer the client on their channel, through the outbox.
import type { ActionFunctionArgs } from '@remix-run/node';
import { handleApi, methodNotAllowed } from '~/api/respond.server';
import { replyResponse } from '~/api/tickets.server';

export function loader() {
  return methodNotAllowed(['POST']);
}

export function action({ request, context, params }: ActionFunctionArgs) {
  return handleApi(() => (request.method === 'POST' ? replyResponse(context, request, params.reference) : methodNotAllowed(['POST'])));
}
