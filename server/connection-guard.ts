// Keeps slow or broken clients from exhausting the process: timeouts on the HTTP server, a cap
// on connections (in all and per client address) for HTTP and SMTP, a lifetime for an SMTP
// session, and a short plain answer (never node's bare, empty one) for a request node could
// not parse. A slow-loris trickling a byte at a time resets idle timeouts, so the caps and the
// total timeouts are what close it.
import type { Server } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
  /** 0 = no per-address cap (behind a reverse proxy every client has the proxy's address). */
  maxConnectionsPerIp: number;
}

/** How often node checks the header and request timeouts; its default (30 s) would let a slow client outstay them. */
export function connectionsCheckingInterval(limits: Pick<HttpLimits, 'headersTimeoutMs' | 'requestTimeoutMs'>): number {
  return Math.max(100, Math.min(1_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 2)));
}

export function guardHttpServer(server: Server, limits: HttpLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  if (limits.maxConnectionsPerIp > 0) capPerAddress(server, limits.maxConnectionsPerIp);
  server.on('clientError', answerClientError);
}

const PLAIN: Record<number, [string, string]> = {
  400: ['Bad Request', 'Bad request: the request could not be read as HTTP.'],
  408: ['Request Timeout', 'The request took too long to arrive.'],
  413: ['Payload Too Large', 'The request is too large.'],
  431: ['Request Header Fields Too Large', 'The request headers are too large.'],
};

/** node's own answer to a request it cannot parse is a bare status line with no body: say why. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400;
  const [reason, text] = PLAIN[status]!;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

/** Closes a new connection at once when its address already holds `max` of them. */
export function capPerAddress(server: NetServer, max: number): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const n = (open.get(address) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(address, n);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}

/** Ends an SMTP connection that outlives `ms`, however busy it keeps itself (smtp-server's timeout is only an idle one). */
export function capSessionLifetime(server: NetServer, ms: number, onExpire: (socket: Socket) => void): void {
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => onExpire(socket), ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
