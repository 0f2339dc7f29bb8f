// The shape of one CLI command. Flags are parsed with node:util parseArgs and then with the
// command's zod schema, once; a bad flag ends the command with one clear line and exit code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';

export class UsageError extends Error {}

export interface Command {
  name: string;
  summary: string;
  /** Shown by --help, after "Usage: redress <name> ". */
  usage: string;
  run(argv: string[]): Promise<number>;
}

export function parseFlags<S extends z.ZodType>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  schema: S,
): { values: z.infer<S>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return { values: result.data, positionals: parsed.positionals };
}
