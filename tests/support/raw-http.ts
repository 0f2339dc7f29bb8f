// A raw HTTP/1.1 client over a bare socket: fetch() and node:http refuse to send what a hostile
// client sends (invalid UTF-8 or NUL in a path or header, a 1 MB header line, a body shorter than
// its Content-Length), so the reliability tests write the bytes themselves.
import { connect } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** Sent as is: may hold bytes no URL parser would accept. */
  path: string | Buffer;
  headers?: Record<string, string | Buffer>;
  body?: Buffer;
  /** Give up (and fail the call) after this long without a complete answer. */
  timeoutMs?: number;
  /** Connect from this local address (127.0.0.2 is a second client on Linux's loopback). */
  localAddress?: string;
}

/** One request on a fresh connection that asks to be closed after the answer. */
export function rawRequest(port: number, req: RawRequest): Promise<RawAnswer> {
  const body = req.body ?? Buffer.alloc(0);
  const lines: Buffer[] = [Buffer.from(`${req.method ?? 'GET'} `), Buffer.from(req.path), Buffer.from(' HTTP/1.1\r\n')];
  const headers: Record<string, string | Buffer> = { Host: `127.0.0.1:${port}`, Connection: 'close', ...req.headers };
  if (req.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length')) headers['Content-Length'] = String(body.byteLength);
  for (const [k, v] of Object.entries(headers)) lines.push(Buffer.from(`${k}: `), Buffer.from(v), Buffer.from('\r\n'));
  lines.push(Buffer.from('\r\n'), body);
  const bytes = Buffer.concat(lines);
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: req.localAddress });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${req.timeoutMs ?? 30_000} ms`));
    }, req.timeoutMs ?? 30_000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server may answer (and close) before reading the whole body: that is an answer too.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      const answer = parseAnswer(all);
      if (answer) resolve(answer);
      else reject(new Error(`connection closed without an HTTP answer (${all.byteLength} bytes)`));
    });
    // No half-close: node's HTTP server takes the end of the request stream as an abort.
    socket.write(bytes);
  });
}

function parseAnswer(all: Buffer): RawAnswer | undefined {
  const split = all.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const head = all.subarray(0, split).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
  if (!status) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    // Repeated headers are joined, Set-Cookie one per line (its values contain commas).
    headers[name] = headers[name] === undefined ? value : `${headers[name]}${name === 'set-cookie' ? '\n' : ', '}${value}`;
  }
  let body = all.subarray(split + 4);
  if (headers['transfer-encoding']?.includes('chunked')) body = dechunk(body);
  return { status, headers, body, text: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (;;) {
    const nl = data.indexOf('\r\n', at);
    if (nl < 0) break;
    const size = parseInt(data.subarray(at, nl).toString('latin1'), 16);
    if (!size) break;
    out.push(data.subarray(nl + 2, nl + 2 + size));
    at = nl + 2 + size + 2;
  }
  return Buffer.concat(out);
}

export interface Part {
  name: string | Buffer;
  /** Present for a file part. */
  filename?: string | Buffer;
  contentType?: string;
  content: Buffer;
}

/** A multipart/form-data body built byte by byte, so names and values may be any bytes. */
export function multipartBody(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----hostile${randomBytes(12).toString('hex')}`;
  const out: Buffer[] = [];
  for (const p of parts) {
    out.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="`), Buffer.from(p.name), Buffer.from('"'));
    if (p.filename !== undefined) out.push(Buffer.from('; filename="'), Buffer.from(p.filename), Buffer.from('"'));
    out.push(Buffer.from('\r\n'));
    if (p.contentType) out.push(Buffer.from(`Content-Type: ${p.contentType}\r\n`));
    out.push(Buffer.from('\r\n'), p.content, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(out), contentType: `multipart/form-data; boundary=${boundary}` };
}
