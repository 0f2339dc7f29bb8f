// Builds the app once per test run, so every HTTP and browser test drives the real build.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (process.env.REDRESS_TEST_NO_BUILD === '1' && existsSync('build/server/index.js')) return;
  execFileSync(process.execPath, ['node_modules/@remix-run/dev/dist/cli.js', 'vite:build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
