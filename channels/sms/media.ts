// Downloads MMS media from Twilio with HTTP Basic auth (account SID and auth token). Media URLs
// arrive in a signed webhook, but the credentials still go only to Twilio's API host (or the
// configured TWILIO_API_URL): Twilio answers with a redirect to its storage, which is followed
// without them. Size and declared type are checked while reading; the bytes' real type is for
// the caller to decide.
import { rewriteApiUri } from './send';

export interface MediaDownloaderOptions {
  accountSid: string;
  authToken: string;
  apiUrl?: string;
  maxBytes: number;
  /** Content types worth downloading (the caller still checks the bytes). */
  allowedTypes: readonly string[];
  timeoutMs?: number;
}

export type MediaDownload =
  | { ok: true; bytes: Uint8Array; contentType: string }
  | { ok: false; permanent: boolean; error: string };

export type MediaDownloader = (sourceUrl: string) => Promise<MediaDownload>;

const TWILIO_API_HOST = /^api(\.[a-z0-9-]+)*\.twilio\.com$/i;
const MAX_REDIRECTS = 3;

export function createMediaDownloader(opts: MediaDownloaderOptions): MediaDownloader {
  const authorization = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;

  /** Where a media URL is actually fetched: Twilio's host rewritten onto TWILIO_API_URL. */
  function target(sourceUrl: string): URL | undefined {
    const url = new URL(sourceUrl);
    if (!TWILIO_API_HOST.test(url.hostname) && !(opts.apiUrl && url.origin === new URL(opts.apiUrl).origin)) return undefined;
    return new URL(opts.apiUrl ? rewriteApiUri(sourceUrl, opts.apiUrl) : sourceUrl);
  }

  return async (sourceUrl) => {
    let url = target(sourceUrl);
    if (!url) return { ok: false, permanent: true, error: `media URL is not on Twilio's API host: ${new URL(sourceUrl).host}` };
    const credentialsOrigin = url.origin;
    const signal = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
    try {
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = url.origin === credentialsOrigin ? { authorization } : {};
        const res: Response = await fetch(url, { headers, redirect: 'manual', signal });
        if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
          await res.body?.cancel();
          if (hop >= MAX_REDIRECTS) return { ok: false, permanent: true, error: 'too many redirects' };
          url = new URL(res.headers.get('location')!, url);
          continue;
        }
        if (!res.ok) {
          await res.body?.cancel();
          const transient = res.status === 429 || res.status >= 500;
          return { ok: false, permanent: !transient, error: `HTTP ${res.status} fetching media` };
        }
        const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (!opts.allowedTypes.includes(contentType)) {
          await res.body?.cancel();
          return { ok: false, permanent: true, error: `type not allowed: ${contentType || 'none'}` };
        }
        const declared = Number(res.headers.get('content-length') ?? '0');
        if (declared > opts.maxBytes) {
          await res.body?.cancel();
          return { ok: false, permanent: true, error: `too large: ${declared} bytes` };
        }
        return await readCapped(res, opts.maxBytes, contentType);
      }
    } catch (error) {
      return { ok: false, permanent: false, error: `network: ${error instanceof Error ? error.message : String(error)}` };
    }
  };
}

async function readCapped(res: Response, maxBytes: number, contentType: string): Promise<MediaDownload> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    // Content-Length can be absent or wrong: stop reading once the cap is passed.
    if (size > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      return { ok: false, permanent: true, error: `too large: more than ${maxBytes} bytes` };
    }
    chunks.push(chunk);
  }
  return { ok: true, bytes: Buffer.concat(chunks), contentType };
}
