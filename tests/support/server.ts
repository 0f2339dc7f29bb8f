// Starts the built server as a separate process on its own database and ports, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  url: string;
  port: number;
  /** The temporary folder holding the database, attachments and the .eml outbox. */
  dir: string;
  databasePath: string;
  outboxDir: string;
  env: Record<string, string>;
  logs: string[];
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(
  env: Record<string, string> = {},
  dir?: string,
  opts: { /** How long to wait for "listening" (a loaded machine can need more than the default). */ startTimeoutMs?: number; timeoutMs?: number } = {},
): Promise<TestServer> {
  const home = dir ?? mkdtempSync(join(tmpdir(), 'redress-test-'));
  const databasePath = join(home, 'redress.sqlite');
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? home,
    NODE_ENV: 'production',
    DATABASE_URL: `file:${databasePath}`,
    PORT: '0',
    HOST: '127.0.0.1',
    SMTP_PORT: '0',
    DB_SYNC: 'normal',
    OUTBOX_INTERVAL_MS: '100',
    LOG_LEVEL: 'info',
    // Every test client is 127.0.0.1: only the rate-limit tests (which set their own) should meet a limit.
    RATE_LIMIT_FORM: '100000/1m',
    RATE_LIMIT_TRACK: '100000/1m',
    RATE_LIMIT_API: '100000/1m',
    RATE_LIMIT_API_IP: '100000/1m',
    ...env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: fullEnv as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Never leave a half-started server behind.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${logs.join('\n')}`));
    }, opts.startTimeoutMs ?? opts.timeoutMs ?? 60_000);
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        logs.push(line);
        if (line.includes('"msg":"listening"')) {
          const port = (JSON.parse(line) as { port: number }).port;
          clearTimeout(timer);
          resolve(port);
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dir: home,
    databasePath,
    outboxDir: join(home, 'outbox'),
    env: fullEnv,
    logs,
    child,
    stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve) => {
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
