// npm run bench:customers [-- N]: writes a customer file of N customers (default 100,000; one
// or two holdings each, 1 % bad rows) and times `redress customers:import` on a fresh database,
// then the same file again (the idempotent re-run).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUSTOMER_COLUMNS } from '../app/escalation/customer-csv';

const n = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'redress-bench-customers-'));
const file = join(dir, 'customers.csv');
const types = ['funds', 'wealth', 'insurance', 'deposits', 'securities'];
const lines: string[] = [CUSTOMER_COLUMNS.join(',')];
let rows = 0;
for (let i = 1; i <= n; i++) {
  const num = `C${String(i).padStart(8, '0')}`;
  const bad = i % 100 === 0;
  const customer = [
    num,
    `Customer ${i}`,
    bad ? 'not-an-email' : `customer${i}@example.com`,
    `+86139${String(i).padStart(8, '0')}`,
    i % 3 === 0 ? '' : `19${String(40 + (i % 60)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    i % 3 === 0 ? ['18-29', '30-44', '45-64', '65+'][i % 4] : '',
    `C${1 + (i % 5)}`,
    `202${4 + (i % 3)}-0${1 + (i % 9)}-15`,
    i % 50 === 0 ? 'yes' : 'no',
  ];
  const holdings = i % 2 === 0 ? 2 : 1;
  for (let h = 0; h < holdings; h++) {
    lines.push([...customer, `P${(i * 7 + h) % 500}`, `Product ${(i * 7 + h) % 500}`, types[(i + h) % 5], `R${1 + ((i + h) % 5)}`, '2025-06-01', 'branch'].join(','));
    rows++;
  }
}
writeFileSync(file, `${lines.join('\n')}\n`);

// Wall time on a shared machine says more about the neighbours than about the import, so the
// command's CPU time (user + system, from bash's `time`) is reported beside it.
function run(label: string): void {
  const r = spawnSync('bash', ['-c', 'TIMEFORMAT="%R %U %S"; time "$0" --import tsx cli/index.ts customers:import "$1"', process.execPath, file], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: `file:${join(dir, 'db.sqlite')}`, DB_SYNC: 'normal' },
    encoding: 'utf8',
  });
  const [real, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
  process.stdout.write(`${label}: ${real.toFixed(1)} s wall, ${(user + sys).toFixed(1)} s CPU (whole command, including start-up)\n  ${r.stdout.split('\n')[0]}\n`);
}

process.stdout.write(`${n.toLocaleString('en')} customers, ${rows.toLocaleString('en')} rows, ${(lines.join('\n').length / 1e6).toFixed(1)} MB\n`);
run('first import');
run('same file again');
rmSync(dir, { recursive: true, force: true });
