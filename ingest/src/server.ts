import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config/config.ts';

/** The only file that listens and handles signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  let app;
  try {
    app = await buildApp({ config });
  } catch (error) {
    exitIfPortInUse(error);
    throw error;
  }
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(() => process.exit(0), (error: unknown) => {
      app.log.error({ err: error }, 'error during shutdown');
      process.exit(1);
    });
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  try {
    await app.listen({ host: config.HOST, port: config.PORT });
  } catch (error) {
    await app.close();
    exitIfPortInUse(error);
    throw error;
  }
}

/** A port taken by another process is an operator error: one readable line, not a stack (EX_UNAVAILABLE). */
function exitIfPortInUse(error: unknown): void {
  const codeOf = (e: unknown): unknown => (e as { code?: unknown } | null)?.code;
  if (codeOf(error) !== 'EADDRINUSE' && codeOf((error as { cause?: unknown } | null)?.cause) !== 'EADDRINUSE') return;
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(69);
}

await main();
