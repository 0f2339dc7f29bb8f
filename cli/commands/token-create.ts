// token:create: a new API token, printed once; only its SHA-256 is stored.
import { z } from 'zod';
import { hashApiToken, newApiToken } from '../../app/api/auth.server';
import { writeTransaction } from '../../db/client';
import { STAFF_ROLES } from '../../db/constants';
import { insertApiToken } from '../../db/store/api-tokens';
import { parseFlags, UsageError, type Command } from '../command';
import { openFromEnv } from '../context';

const flags = z.object({
  name: z.string({ error: 'is required (what the token is for)' }).trim().min(1, 'must not be empty').max(100),
  role: z.enum(STAFF_ROLES, { error: `must be one of ${STAFF_ROLES.join(', ')}` }).default('agent'),
});

export const tokenCreate: Command = {
  name: 'token:create',
  summary: 'Create an API token (printed once) for a role: agent, supervisor, compliance or admin.',
  usage: '--name NAME [--role agent|supervisor|compliance|admin]',
  async run(argv) {
    const { values, positionals } = parseFlags(argv, { name: { type: 'string' }, role: { type: 'string' } }, flags);
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const { db } = openFromEnv();
    try {
      const token = newApiToken();
      const id = writeTransaction(db, (tx) => insertApiToken(tx, { name: values.name, role: values.role, tokenHash: hashApiToken(token), now: new Date() }));
      process.stderr.write(`Token ${id} "${values.name}" (${values.role}) created. It is shown only now; keep it secret:\n`);
      process.stdout.write(`${token}\n`);
      return 0;
    } finally {
      db.$client.close();
    }
  },
};
