// How the JSON API answers: one error shape ({error:{code,message,fields?}}), domain errors
// mapped to their status in one place, request bodies read with a size cap and parsed by zod.
// Nothing a client sends can turn into a 500 or a stack trace.
import type { z } from 'zod';
import { isStorageFailure } from '../../db/client';
import { Forbidden, Invalid, NotFound, TooLarge } from '../tickets/errors';

export const MAX_BODY_BYTES = 1024 * 1024;

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

export function apiError(
  status: number,
  code: string,
  message: string,
  fields?: Record<string, string[]>,
  headers: Record<string, string> = {},
): Response {
  return json({ error: { code, message, ...(fields && Object.keys(fields).length > 0 ? { fields } : {}) } }, status, headers);
}

/** Thrown inside a handler to answer at once with an error response. */
export class ApiFailure extends Error {
  constructor(readonly response: Response) {
    super(`API ${response.status}`);
  }
}

export function fail(status: number, code: string, message: string, fields?: Record<string, string[]>, headers?: Record<string, string>): never {
  throw new ApiFailure(apiError(status, code, message, fields, headers));
}

/** Field → messages, and the first problem as one readable line ("limit: must be at most 200"). */
export function describeIssues(error: z.ZodError): { message: string; fields: Record<string, string[]> } {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    (fields[key] ??= []).push(issue.message);
  }
  const first = error.issues[0]!;
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  return { message: `${where}${first.message}`, fields };
}

export function parseOr400<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const { message, fields } = describeIssues(result.error);
    fail(400, 'invalid_request', message, fields);
  }
  return result.data;
}

/** The request's JSON body, refused with 415/413/400 when it is not JSON, too big or malformed. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) fail(415, 'unsupported_media_type', 'Send the body as application/json.');
  const declared = Number(request.headers.get('content-length') ?? '0');
  // Connection: close, so the client does not reuse a connection with an unread body on it.
  const tooLarge = () => fail(413, 'too_large', `The body may be at most ${MAX_BODY_BYTES} bytes.`, undefined, { Connection: 'close' });
  if (declared > MAX_BODY_BYTES) tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return fail(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/** The query string as an object; a key given twice becomes an array. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Runs an API handler and turns whatever it throws into the API's JSON error shape: our own
 * failures as given, domain errors by their kind, anything else a plain 500 without details.
 */
export async function handleApi(run: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiFailure) return error.response;
    if (error instanceof NotFound) return apiError(404, 'not_found', error.message);
    if (error instanceof Invalid) return apiError(400, 'invalid_request', error.message, error.fieldErrors);
    if (error instanceof Forbidden) return apiError(403, 'forbidden', error.message);
    if (error instanceof TooLarge) return apiError(413, 'too_large', error.message);
    if (error instanceof Response) return error;
    if (isStorageFailure(error)) {
      return apiError(503, 'unavailable', 'The request could not be stored just now; nothing was saved. Please try again.', undefined, { 'Retry-After': '60' });
    }
    console.error(error);
    return apiError(500, 'internal', 'Something went wrong on our side. Please try again.');
  }
}

export function methodNotAllowed(allowed: string[]): Response {
  return apiError(405, 'method_not_allowed', `Use ${allowed.join(' or ')}.`, undefined, { Allow: allowed.join(', ') });
}
