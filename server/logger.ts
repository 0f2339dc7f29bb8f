// Structured JSON logs; pretty on a terminal. Personal data (message text, full addresses)
// is logged only at debug level.
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY;
  return pino({
    level,
    base: undefined,
    transport: pretty ? { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } : undefined,
  });
}

/** `+86 138 0013 8000` → `+86…8000`, `alice@example.com` → `a…@example.com`. */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}…${address.slice(at)}`;
  return address.length > 6 ? `${address.slice(0, 3)}…${address.slice(-4)}` : '…';
}
