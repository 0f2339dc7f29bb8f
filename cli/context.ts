// What commands share: the configuration from the environment and the database it names.
import { openDb, type Db } from '../db/client';
import { parseEnv, type Config } from '../server/env';

export function openFromEnv(): { config: Config; db: Db } {
  const config = parseEnv(process.env);
  return { config, db: openDb({ url: config.DATABASE_URL, sync: config.DB_SYNC }) };
}
