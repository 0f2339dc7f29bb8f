// user:add: a staff account. The password is asked for on a terminal (not echoed), or read
// from stdin with --password-stdin (scripts); never taken as a flag, where it would end up in
// the shell history and the process list.
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { hashPassword } from '../../app/staff/password.server';
import { writeTransaction } from '../../db/client';
import { LANGUAGES, STAFF_ROLES } from '../../db/constants';
import { findOrCreateTeam, findStaffByEmail, insertStaffUser } from '../../db/store/staff';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';

export const MIN_PASSWORD = 12;

const flags = z.object({
  email: z.string({ error: 'is required' }).trim().toLowerCase().pipe(z.email('must be an email address')),
  name: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(200),
  role: z.enum(STAFF_ROLES, { error: `must be one of ${STAFF_ROLES.join(', ')}` }),
  team: z.string().trim().min(1).max(100).optional(),
  language: z.enum(LANGUAGES, { error: 'must be zh or en' }).default('zh'),
  'password-stdin': z.boolean().default(false),
});

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks twice on the terminal without echoing what is typed. */
async function askPassword(): Promise<string> {
  const ask = (prompt: string) =>
    new Promise<string>((ok) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.startsWith(prompt)) write.call(rl, prompt);
      };
      rl.question(prompt, (answer) => {
        rl.close();
        process.stderr.write('\n');
        ok(answer);
      });
    });
  const first = await ask('Password: ');
  const second = await ask('Again: ');
  if (first !== second) throw new UsageError('the passwords differ');
  return first;
}

export const userAdd: Command = {
  name: 'user:add',
  summary: 'Add a staff account (asks for the password, or reads it from stdin with --password-stdin).',
  usage: '--email EMAIL --name NAME --role agent|supervisor|compliance|admin [--team TEAM] [--language zh|en] [--password-stdin]',
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        team: { type: 'string' },
        language: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
      flags,
    );
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    let password: string;
    if (values['password-stdin']) password = await readStdin();
    else if (process.stdin.isTTY) password = await askPassword();
    else throw new UsageError('no terminal to ask for the password: pipe it in with --password-stdin');
    if ([...password].length < MIN_PASSWORD) throw new UsageError(`the password must have at least ${MIN_PASSWORD} characters`);
    if ([...password].length > 1024) throw new UsageError('the password is too long');

    const { db } = openFromEnv();
    try {
      if (findStaffByEmail(db, values.email)) throw new UsageError(`${values.email} already has an account`);
      // Hash before the transaction: scrypt takes a while and the write lock must not wait for it.
      const passwordHash = await hashPassword(password);
      const now = new Date();
      const id = writeTransaction(db, (tx) => {
        if (findStaffByEmail(tx, values.email)) throw new UsageError(`${values.email} already has an account`);
        const teamId = values.team ? findOrCreateTeam(tx, values.team, now) : null;
        return insertStaffUser(tx, { email: values.email, name: values.name, role: values.role, teamId, language: values.language, passwordHash, now }).id;
      });
      process.stdout.write(`Added ${values.role} ${values.email} (id ${id})${values.team ? ` in team ${values.team}` : ''}\n`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
