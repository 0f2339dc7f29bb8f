// `npm run redress -- <command>` / `npx redress <command>`.
import { ConfigError } from '../server/env';
import { UsageError, type Command } from './command';
import { backup } from './commands/backup';
import { restore } from './commands/restore';
import { emailReplay } from './commands/email-replay';
import { seed } from './commands/seed';
import { tokenCreate } from './commands/token-create';
import { userAdd } from './commands/user-add';
import { customersImport } from './commands/customers-import';
import { escalationCommands } from './commands/rules';
import { slaTick } from './commands/sla-tick';
import { exportReturnCommand } from './commands/export-return';
import { exportTicketsCommand } from './commands/export-tickets';
import { insightBackfill } from './commands/insight-backfill';
import { insightScan } from './commands/insight-scan';

// One line per command; each lives in cli/commands/<name>.ts.
const commands: Command[] = [
  seed,
  tokenCreate,
  userAdd,
  backup,
  restore,
  emailReplay,
  customersImport,
  ...escalationCommands,
  slaTick,
  insightScan,
  insightBackfill,
  exportTicketsCommand,
  exportReturnCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return [
    'Usage: redress <command> [flags]   (npm run redress -- <command> [flags])',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "redress <command> --help" for its flags.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`redress: unknown command "${name}" (run "redress --help")\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: redress ${command.name} ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      process.stderr.write(`redress ${command.name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`redress ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
