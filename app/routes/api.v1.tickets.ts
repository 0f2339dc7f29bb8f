// GET /api/v1/tickets (list, filters, keyset pages) and POST /api/v1/tickets (open a ticket).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { handleApi, methodNotAllowed } from '~/api/respond.server';
import { createTicketResponse, listTicketsResponse } from '~/api/tickets.server';

export function loader({ request, context }: LoaderFunctionArgs) {
  return handleApi(() => listTicketsResponse(context, request));
}

export function action({ request, context }: ActionFunctionArgs) {
  return handleApi(() => (request.method === 'POST' ? createTicketResponse(context, request) : methodNotAllowed(['GET', 'POST'])));
}
