/**
 * Publisher CLI: `npm run -w ingest publish -- --url <ingest base URL> --token <ingest token>
 * --input <file.mp4> [--transport webtransport|websocket] [--loop] [--duration <s>]`.
 * Exit codes: see EXIT in publish-args.ts (printed by --help).
 */
import { EXIT, USAGE, UsageError, parsePublishArgs, type PublishOptions } from './publish-args.ts';
import type { ConnectPublisher } from './publisher-connection.ts';
import { runPublish } from './publish-run.ts';
import { connectWebSocketPublisher } from './websocket-publisher.ts';

/** The transport's connect function; WebTransport pins the certificate given with --cert-hash. */
function connectorFor(options: PublishOptions): ConnectPublisher {
  if (options.transport === 'websocket') return connectWebSocketPublisher;
  const hash = options.certHash ?? '';
  // Loaded on demand: the QUIC native addon is only needed for WebTransport.
  return async (url, token, events) => {
    const { connectWebTransportPublisher } = await import('./webtransport-publisher.ts');
    return connectWebTransportPublisher(url, token, events, hash);
  };
}

async function main(): Promise<number> {
  let options: PublishOptions;
  try {
    options = parsePublishArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message !== '') process.stderr.write(`publish: ${error.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    return error.message === '' ? EXIT.OK : EXIT.USAGE;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const result = await runPublish({
    options,
    connect: connectorFor(options),
    print: (line) => process.stdout.write(`${line}\n`),
    signal: controller.signal,
  });
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  return result.exitCode;
}

process.exitCode = await main();
