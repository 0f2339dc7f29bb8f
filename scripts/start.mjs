#!/usr/bin/env node
// npm start: build when there is no build, migrate and seed the demo into an empty database
// (printing the demo staff login), then serve. SIGTERM and SIGINT are passed to the server,
// which drains in-flight requests and stops; this script exits with the server's code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;

function run(args, what) {
  const result = spawnSync(node, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm start: ${what} failed (exit ${result.status ?? result.signal}).\n`);
    process.exit(result.status || 1);
  }
}

if (!existsSync(join(root, 'build/server/index.js'))) {
  process.stdout.write('No build found: building the app (remix vite:build)…\n');
  run([join(root, 'node_modules/@remix-run/dev/dist/cli.js'), 'vite:build'], 'the build');
}

// The seed command opens the database, which applies the committed migrations, and seeds the
// demo only when the database is empty. A bad configuration stops here with one line.
run(['--import', 'tsx', join(root, 'cli/index.ts'), 'seed', '--demo', '--if-empty'], 'migrating and seeding');

const port = process.env.PORT?.trim() || '3000';
const url = (process.env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/$/, '');
process.stdout.write(`Redress is starting on ${url} (staff views at ${url}/staff, API at ${url}/api/v1)\n`);

const server = spawn(node, ['--import', 'tsx', join(root, 'server/index.ts')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (server.exitCode === null) server.kill(signal);
  });
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
