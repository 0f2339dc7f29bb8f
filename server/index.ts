// Entry point: parse the environment, start everything, stop cleanly on SIGTERM/SIGINT.
import { ConfigError, parseEnv } from './env';
import { startRedress } from './main';

async function main(): Promise<void> {
  let config;
  try {
    config = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const running = await startRedress(config);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), signal, msg: 'shutdown requested' })}\n`);
    // Whatever is still running after 10 s is abandoned: committed work is safe in the database,
    // and anything not yet acknowledged will be sent again by its client.
    const force = setTimeout(() => {
      process.stderr.write('Redress did not stop within 10 s; exiting anyway\n');
      process.exit(1);
    }, 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Redress stopped with an error: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Redress could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
