// npm test: make sure the machine has what the tests need (Debian's chromium and dovecot),
// then run the whole vitest suite. Ends with the line "N passed, N failed, N skipped".
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const needs = [
  { binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium' },
  { binary: '/usr/sbin/dovecot', pkg: 'dovecot-imapd' },
];

const missing = needs.filter((n) => !existsSync(n.binary));
if (missing.length > 0) {
  const pkgs = missing.map((n) => n.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`The tests need Debian packages that are missing: run "sudo apt-get install -y ${pkgs.join(' ')}" and try again.`);
    process.exit(1);
  }
  console.log(`Installing ${pkgs.join(', ')} (needed by the tests)…`);
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    console.error(`Could not install ${pkgs.join(' ')}: run "apt-get install -y ${pkgs.join(' ')}" as root and try again.`);
    process.exit(1);
  }
}

const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
