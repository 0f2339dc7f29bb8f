// Configuration from environment variables, parsed once at start-up. Every variable is
// optional; a bad value stops the start with one line naming it.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RateLimits } from '../app/security/edges';
import { parseRateLimit, type RateLimitRule } from '../app/security/rate-limit';

const port = (fallback: number) =>
  z.coerce.number().int().min(0, 'must be a port number').max(65535, 'must be a port number').default(fallback);
/** Blank counts as unset, so `FOO=` in a .env file means "use the default". */
const blankToUndefined = (v: unknown) => (typeof v === 'string' ? (v.trim() === '' ? undefined : v.trim()) : v);
const optionalText = z.preprocess(blankToUndefined, z.string().optional());
const optionalMatching = (pattern: RegExp, message: string) =>
  z.preprocess(blankToUndefined, z.string().regex(pattern, message).optional());
/** "N/WINDOW" such as 20/10m (see README "Rate limits"). */
const rateLimit = (fallback: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .default(fallback)
      .transform((v, ctx): RateLimitRule => {
        const rule = parseRateLimit(v);
        if (typeof rule === 'string') {
          ctx.addIssue({ code: 'custom', message: rule });
          return z.NEVER;
        }
        return rule;
      }),
  );
const ms = (fallback: number) => z.coerce.number().int().min(100, 'must be at least 100 (milliseconds)').default(fallback);
const count = (fallback: number) => z.coerce.number().int().min(1, 'must be at least 1').default(fallback);
const url = z.preprocess(blankToUndefined, z.url('must be a URL such as https://complaints.example.com').optional());

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: port(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .default('file:data/redress.sqlite')
    .refine((v) => v === ':memory:' || v.startsWith('file:') || !v.includes('://'), 'must be file:PATH'),
  DB_SYNC: z.enum(['full', 'normal']).default('full'),
  /** A size quota for the database file, in pages (4 KiB each); unset = the disk is the limit. */
  DB_MAX_PAGES: z.preprocess(blankToUndefined, z.coerce.number().int().min(100, 'must be at least 100 (pages)').optional()),
  PUBLIC_URL: url,
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SMTP_PORT: port(2525),
  SMTP_HOST: z.string().default('0.0.0.0'),
  MAIL_FROM: z.string().default('Redress <complaints@redress.localhost>'),
  SMTP_URL: optionalMatching(/^smtps?:\/\//, 'must be smtp://… or smtps://…'),
  TWILIO_ACCOUNT_SID: optionalMatching(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID: AC followed by 32 hex digits'),
  TWILIO_AUTH_TOKEN: optionalText,
  TWILIO_FROM: optionalText,
  TWILIO_API_URL: url,
  IMAP_URL: optionalMatching(/^imaps?:\/\//, 'must be imap://… or imaps://…'),
  INBOUND_EMAIL_TOKEN: z.preprocess(blankToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  DEFAULT_PHONE_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region code such as CN or GB')
    .default('CN'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  // How long a claimed outbox row waits before another dispatcher (or this one, restarted after a crash) may send it again.
  OUTBOX_LEASE_MS: z.coerce.number().int().min(1000, 'must be at least 1000 (milliseconds)').default(120_000),
  // How often the server checkpoints SQLite's write-ahead log (see docs/RELIABILITY.md).
  WAL_CHECKPOINT_MS: z.coerce.number().int().min(100, 'must be at least 100 (milliseconds)').default(10_000),
  // Email channel (see README "Email").
  INBOUND_EMAIL_DOMAINS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[^\s@]*@?[a-z0-9.-]+\.[a-z0-9-]+$/i, 'must be a comma-separated list of domains or addresses')))
      .optional(),
  ),
  MAX_EMAIL_BYTES: z.coerce.number().int().min(1024, 'must be at least 1024').default(25 * 1024 * 1024),
  SMTP_TLS_CERT: optionalText,
  SMTP_TLS_KEY: optionalText,
  REPLY_TO_DOMAIN: optionalMatching(/^[a-z0-9.-]+\.[a-z0-9-]+$/i, 'must be a domain such as reply.example.com'),
  // Rate limits (README "Rate limits"): generous, so a real client never meets them.
  RATE_LIMIT_FORM: rateLimit('30/10m'),
  RATE_LIMIT_TRACK: rateLimit('300/10m'),
  RATE_LIMIT_API: rateLimit('1200/1m'),
  RATE_LIMIT_API_IP: rateLimit('2400/1m'),
  RATE_LIMIT_LOGIN_IP: rateLimit('30/15m'),
  RATE_LIMIT_LOGIN_ACCOUNT: rateLimit('5/15m'),
  // Bearer secret for /metrics and /healthz?details=1; unset = loopback clients only.
  METRICS_TOKEN: z.preprocess(blankToUndefined, z.string().min(16, 'must be at least 16 characters').optional()),
  SLA_SWEEP_MS: z.coerce.number().int().min(50, 'must be at least 50 (milliseconds)').default(15_000),
  // Slow or hostile clients (see README "Limits and timeouts").
  HTTP_HEADERS_TIMEOUT_MS: ms(20_000),
  HTTP_REQUEST_TIMEOUT_MS: ms(60_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: ms(5_000),
  HTTP_MAX_CONNECTIONS: count(1_000),
  HTTP_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0, 'must be 0 (off) or more').default(100),
  SMTP_SOCKET_TIMEOUT_MS: ms(60_000),
  SMTP_SESSION_MAX_MS: ms(10 * 60_000),
  SMTP_MAX_CLIENTS: count(200),
  SMTP_MAX_CLIENTS_PER_IP: z.coerce.number().int().min(0, 'must be 0 (off) or more').default(20),
  /** First retry delay of a failed outbox send; it doubles up to an hour. */
  OUTBOX_BACKOFF_MS: ms(5_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config extends Env {
  publicUrl: string;
  sessionSecret: string;
  databasePath: string;
  dataDir: string;
  attachmentDir: string;
  outboxDir: string;
  quarantineDir: string;
  rateLimits: RateLimits;
}

export class ConfigError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const env = result.data;
  if (Boolean(env.SMTP_TLS_CERT) !== Boolean(env.SMTP_TLS_KEY)) {
    throw new ConfigError(`Invalid configuration: ${env.SMTP_TLS_CERT ? 'SMTP_TLS_KEY' : 'SMTP_TLS_CERT'} must be set too (STARTTLS needs both)`);
  }
  const databasePath = env.DATABASE_URL.startsWith('file:') ? env.DATABASE_URL.slice(5) : env.DATABASE_URL;
  const dataDir = databasePath === ':memory:' ? 'data' : databasePath.replace(/[^/]*$/, '').replace(/\/$/, '') || '.';
  return {
    ...env,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    // Without a configured secret, sessions last as long as the process.
    sessionSecret: env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    databasePath,
    dataDir,
    attachmentDir: `${dataDir}/attachments`,
    outboxDir: `${dataDir}/outbox`,
    quarantineDir: `${dataDir}/quarantine`,
    rateLimits: {
      form: env.RATE_LIMIT_FORM,
      track: env.RATE_LIMIT_TRACK,
      api: env.RATE_LIMIT_API,
      apiIp: env.RATE_LIMIT_API_IP,
      loginIp: env.RATE_LIMIT_LOGIN_IP,
      loginAccount: env.RATE_LIMIT_LOGIN_ACCOUNT,
    },
  };
}
