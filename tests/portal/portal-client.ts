// HTTP helpers for the portal tests: fetch a form to get its submission id, post it as a
// browser would (multipart or url-encoded, redirects not followed), read pages back.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { TestServer } from '../support/server';

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** A Windows executable's first bytes ("MZ"), dressed up as a PDF by its name. */
export const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), Buffer.alloc(2048, 1)]);

export function headers(lang: 'en' | 'zh' = 'en'): Record<string, string> {
  return { 'Accept-Language': lang === 'en' ? 'en-GB,en;q=0.9' : 'zh-CN,zh;q=0.9' };
}

/**
 * One HTTP exchange on a fresh connection. fetch() would reuse idle keep-alive sockets, and on a
 * loaded machine the server may close one just as a large POST starts on it (EPIPE): a race of
 * the test client, not something the server does wrong.
 */
export async function send(
  server: TestServer,
  path: string,
  init: { method?: string; body?: FormData | URLSearchParams | string; headers?: Record<string, string> } = {},
): Promise<Response> {
  let body: Buffer | undefined;
  const head: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) {
    const encoded = new Response(init.body);
    body = Buffer.from(await encoded.arrayBuffer());
    if (!Object.keys(head).some((k) => k.toLowerCase() === 'content-type')) head['Content-Type'] = encoded.headers.get('content-type')!;
    head['Content-Length'] = String(body.byteLength);
  }
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: init.method ?? 'GET', headers: head, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode!, headers: h }));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function submissionIdOf(server: TestServer, path: string): Promise<string> {
  const html = await (await send(server, path, { headers: headers() })).text();
  const m = /name="submissionId" value="([^"]+)"/.exec(html);
  if (!m) throw new Error(`no submissionId on ${path}`);
  return m[1]!;
}

export interface FilePart {
  name: string;
  content: Buffer;
  type?: string;
}

export function multipart(fields: Record<string, string>, files: FilePart[] = [], field = 'attachments'): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append(field, new Blob([new Uint8Array(f.content)], { type: f.type ?? 'application/pdf' }), f.name);
  return fd;
}

export async function post(server: TestServer, path: string, body: FormData | URLSearchParams, lang: 'en' | 'zh' = 'en'): Promise<Response> {
  return send(server, path, { method: 'POST', body, headers: headers(lang) });
}

export function validComplaint(submissionId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    submissionId,
    name: 'Li Wei',
    email: 'li.wei@example.com',
    phone: '',
    customerNumber: '',
    product: 'wealth',
    cause: 'mis_selling',
    occurredOn: '2026-03-01',
    amount: '',
    description: 'The adviser sold me a wealth product as if it were a deposit.',
    outcome: 'Refund the fees.',
    consent: 'on',
    ...overrides,
  };
}

/** The token of a /track/<token>/sent redirect. */
export function tokenOf(res: Response): string {
  const location = res.headers.get('location') ?? '';
  const m = /\/track\/([\w-]{43})\/sent$/.exec(location);
  if (!m) throw new Error(`not a confirmation redirect: ${res.status} ${location}`);
  return m[1]!;
}

export async function page(server: TestServer, path: string, lang: 'en' | 'zh' = 'en'): Promise<{ status: number; html: string }> {
  const res = await send(server, path, { headers: headers(lang) });
  return { status: res.status, html: await res.text() };
}

/** The reference shown on a confirmation page. */
export function referenceOn(html: string): string {
  const m = /data-testid="reference">([^<]+)</.exec(html);
  if (!m) throw new Error('no reference on the page');
  return m[1]!;
}

/** The error text tied to a field: the element its aria-describedby names, with aria-invalid set. */
export function fieldError(html: string, id: string): string | undefined {
  const input = new RegExp(`<(?:input|textarea|select)[^>]*\\bid="${id}"[^>]*>`).exec(html)?.[0];
  if (!input || !/aria-invalid="true"/.test(input)) return undefined;
  const describedBy = /aria-describedby="([^"]+)"/.exec(input)?.[1]?.split(' ') ?? [];
  for (const ref of describedBy) {
    const m = new RegExp(`<div id="${ref}" class="error">(.*?)</div>`).exec(html);
    if (m) return m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  }
  return undefined;
}

/** Waits (bounded) until an .eml in the outbox folder contains every given string. */
export async function findEml(server: TestServer, ...needles: string[]): Promise<string> {
  for (let i = 0; i < 200; i++) {
    if (existsSync(server.outboxDir)) {
      for (const f of readdirSync(server.outboxDir)) {
        const raw = readFileSync(join(server.outboxDir, f), 'utf8');
        const text = await decodeEml(raw);
        if (needles.every((n) => text.includes(n))) return text;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no .eml in ${server.outboxDir} with ${needles.join(', ')}`);
}

/** The raw headers, the decoded subject and the decoded text of an .eml, to search for words and links. */
async function decodeEml(raw: string): Promise<string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const parsed = await simpleParser(raw);
  return `${head}\n\nSubject: ${parsed.subject ?? ''}\n\n${parsed.text ?? ''}`;
}
