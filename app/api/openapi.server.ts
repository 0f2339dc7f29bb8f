// The OpenAPI 3.1 description of /api/v1, built from the same zod schemas the handlers parse
// with (request bodies as they are accepted, responses as they are produced).
import { z } from 'zod';
import {
  createdTicketSchema,
  createTicketSchema,
  errorSchema,
  listQuerySchema,
  noteResultSchema,
  noteSchema,
  patchTicketSchema,
  replyResultSchema,
  replySchema,
  ticketDetailSchema,
  ticketListSchema,
  ticketSummarySchema,
} from './schemas';

type JsonSchema = Record<string, unknown>;

const input = (s: z.ZodType): JsonSchema => strip(z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }));
const output = (s: z.ZodType): JsonSchema => strip(z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }));

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

const jsonBody = (schema: JsonSchema) => ({ required: true, content: { 'application/json': { schema } } });
const jsonResponse = (description: string, schema: JsonSchema) => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => jsonResponse(description, { $ref: '#/components/schemas/Error' });

const referenceParam = {
  name: 'reference',
  in: 'path',
  required: true,
  description: 'The public reference, e.g. CMP-2026-000123.',
  schema: { type: 'string', pattern: '^(CMP|FBK|ENQ)-\\d{4}-\\d{6,}$' },
};
const idempotencyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'A retry with the same key changes nothing and returns the first answer (200, replayed: true).',
  schema: { type: 'string', maxLength: 200 },
};

const DESCRIPTIONS: Record<string, string> = {
  status: 'Ticket status codes, comma-separated or repeated.',
  channel: 'Channel codes, comma-separated or repeated.',
  kind: 'Ticket kinds, comma-separated or repeated.',
  priority: 'Priorities, comma-separated or repeated.',
  product: 'Product codes, comma-separated or repeated.',
  cause: 'Cause codes, comma-separated or repeated.',
  q: 'A reference (exact) or words of the subject.',
  limit: 'Page size, at most 200.',
  cursor: 'The nextCursor of the previous page.',
};

export function openApiDocument(publicUrl: string) {
  const queryParams = Object.entries(listQuerySchema.shape).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    description: DESCRIPTIONS[name],
    schema: input(schema as z.ZodType),
  }));
  const common = { '401': error('No token, or a bad one'), '403': error('The token’s role may not do this') };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Redress API',
      version: '1',
      description:
        'Complaints and feedback as tickets. Times are ISO-8601 UTC; product and cause are stable codes. Errors are {"error":{"code","message","fields"?}}.',
    },
    servers: [{ url: `${publicUrl}/api/v1` }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from "redress token:create".' } },
      schemas: {
        Ticket: output(ticketSummarySchema),
        TicketList: output(ticketListSchema),
        TicketDetail: output(ticketDetailSchema),
        CreateTicket: input(createTicketSchema('CN')),
        CreatedTicket: output(createdTicketSchema),
        PatchTicket: input(patchTicketSchema),
        Reply: input(replySchema),
        ReplyResult: output(replyResultSchema),
        Note: input(noteSchema),
        NoteResult: output(noteResultSchema),
        Error: output(errorSchema),
      },
    },
    paths: {
      '/tickets': {
        get: {
          summary: 'List tickets, newest first',
          parameters: queryParams,
          responses: {
            '200': jsonResponse('A page of tickets', { $ref: '#/components/schemas/TicketList' }),
            '400': error('A bad filter or cursor'),
            ...common,
          },
        },
        post: {
          summary: 'Open a ticket on a client’s behalf (channel web, phone or branch)',
          parameters: [idempotencyHeader],
          requestBody: jsonBody({ $ref: '#/components/schemas/CreateTicket' }),
          responses: {
            '201': jsonResponse('Opened', { $ref: '#/components/schemas/CreatedTicket' }),
            '200': jsonResponse('A replay of an earlier request with the same Idempotency-Key', { $ref: '#/components/schemas/CreatedTicket' }),
            '400': error('Invalid input, with the reason per field'),
            '422': error('The Idempotency-Key was used for a different request'),
            ...common,
          },
        },
      },
      '/tickets/{reference}': {
        get: {
          summary: 'One ticket with its customer’s contacts, messages (attachment metadata) and events',
          parameters: [referenceParam],
          responses: {
            '200': jsonResponse('The ticket', { $ref: '#/components/schemas/TicketDetail' }),
            '404': error('No such ticket'),
            ...common,
          },
        },
        patch: {
          summary: 'Change status, priority, assignee or flags',
          parameters: [referenceParam],
          requestBody: jsonBody({ $ref: '#/components/schemas/PatchTicket' }),
          responses: {
            '200': jsonResponse('The ticket after the change, and the events written', {
              type: 'object',
              properties: { ticket: { $ref: '#/components/schemas/Ticket' }, changes: { type: 'array', items: { type: 'string' } } },
            }),
            '400': error('Invalid input or a status change the ticket does not allow'),
            '404': error('No such ticket'),
            ...common,
          },
        },
      },
      '/tickets/{reference}/replies': {
        post: {
          summary: 'Reply to the client on their channel (sent from the outbox after commit)',
          parameters: [referenceParam, idempotencyHeader],
          requestBody: jsonBody({ $ref: '#/components/schemas/Reply' }),
          responses: {
            '201': jsonResponse('Queued', { $ref: '#/components/schemas/ReplyResult' }),
            '200': jsonResponse('A replay of an earlier request with the same Idempotency-Key', { $ref: '#/components/schemas/ReplyResult' }),
            '422': error('The Idempotency-Key was used for a different request'),
            '400': error('Invalid input, or the client cannot be reached on that channel'),
            '404': error('No such ticket'),
            ...common,
          },
        },
      },
      '/tickets/{reference}/notes': {
        post: {
          summary: 'Add an internal note',
          parameters: [referenceParam, idempotencyHeader],
          requestBody: jsonBody({ $ref: '#/components/schemas/Note' }),
          responses: {
            '201': jsonResponse('Added', { $ref: '#/components/schemas/NoteResult' }),
            '200': jsonResponse('A replay of an earlier request with the same Idempotency-Key', { $ref: '#/components/schemas/NoteResult' }),
            '400': error('Invalid input'),
            '404': error('No such ticket'),
            ...common,
          },
        },
      },
    },
  };
}
