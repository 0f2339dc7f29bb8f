// GET /api/v1/tickets/:reference (the ticket, contacts, messages, events) and PATCH (triage).
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { handleApi, methodNotAllowed } from '~/api/respond.server';
import { patchTicketResponse, ticketResponse } from '~/api/tickets.server';

export function loader({ request, context, params }: LoaderFunctionArgs) {
  return handleApi(() => ticketResponse(context, request, params.reference));
}

export function action({ request, context, params }: ActionFunctionArgs) {
  return handleApi(() =>
    request.method === 'PATCH' ? patchTicketResponse(context, request, params.reference) : methodNotAllowed(['GET', 'PATCH']),
  );
}
