import { parseArgs } from 'node:util';

/** Exit codes of the publisher CLI (sysexits.h values where one fits). */
export const EXIT = {
  /** Published to the end (or for --duration) and said goodbye. */
  OK: 0,
  /** Bad command line. */
  USAGE: 64,
  /** The input file could not be demuxed (unsupported codec, not a media file). */
  DATA: 65,
  /** The input file does not exist or cannot be read. */
  NO_INPUT: 66,
  /** Could not connect, or the transport is not available. */
  UNAVAILABLE: 69,
  /** The server closed the session with a protocol or server error. */
  PROTOCOL: 76,
  /** The ingest token was refused (invalid, expired, reused) or a session limit was hit. */
  REFUSED: 77,
  /** Interrupted (SIGINT/SIGTERM); the session was ended with goodbye. */
  INTERRUPTED: 130,
} as const;

export type Transport = 'websocket' | 'webtransport';

export interface PublishOptions {
  /** Resolved endpoint: ws(s)://… for WebSocket, https://… for WebTransport. */
  readonly url: URL;
  /** Secret: never printed. */
  readonly token: string;
  readonly input: string;
  readonly transport: Transport;
  readonly loop: boolean;
  readonly durationSeconds: number | undefined;
  /** Seconds between progress lines; 0 = quiet. */
  readonly progressSeconds: number;
  /** SHA-256 of the WebTransport certificate (base64 or hex), required with webtransport. */
  readonly certHash: string | undefined;
}

export const USAGE = `Usage: npm run -w ingest publish -- --url <ingest base URL> --token <ingest token> --input <file.mp4>
         [--transport websocket|webtransport] [--cert-hash <sha-256>] [--loop] [--duration <seconds>]
         [--progress <seconds>]

  --url        Base URL of the ingest (http://host:8080) or a full ws(s):// endpoint.
  --token      Single-use ingest token from POST /api/stream/start (--token=<value> if it starts
               with -). Or set INGEST_TOKEN, which keeps it out of the process list.
  --input      MP4 (H.264 + AAC or Opus) to publish in real time.
  --transport  websocket (default) or webtransport.
  --cert-hash  WebTransport only: the server certificate's SHA-256 (base64 or hex), as
               published by GET /api/ingest/certificate-hashes.
  --loop       Start the file again at its end (use --duration to stop).
  --duration   Stop after this many seconds of media.
  --progress   Seconds between progress lines (default 1; 0 for none).

Exit codes: 0 ok, 64 usage, 65 bad input media, 66 input missing, 69 unavailable,
            76 closed by the server with an error, 77 token refused or session limit, 130 interrupted.`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const WEBSOCKET_PATH = '/api/ingest/ws';
/** As in app.ts defaultIngestEndpoints (webtransportUrl). */
const WEBTRANSPORT_PATH = '/ingest';

/** Maps the user's base URL to the endpoint of the chosen transport. */
export function endpointUrl(raw: string, transport: Transport): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url is not a valid URL: ${JSON.stringify(raw)}`);
  }
  const hasPath = url.pathname !== '/' && url.pathname !== '';
  if (transport === 'websocket') {
    const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
    const scheme = schemes[url.protocol];
    if (scheme === undefined) throw new UsageError(`--url must be http(s):// or ws(s):// for WebSocket, not ${url.protocol}//`);
    url.protocol = scheme;
    if (!hasPath) url.pathname = WEBSOCKET_PATH;
    return url;
  }
  if (url.protocol !== 'https:') throw new UsageError('--url must be https:// for WebTransport (QUIC needs TLS)');
  if (!hasPath) url.pathname = WEBTRANSPORT_PATH;
  return url;
}

function positiveNumber(name: string, value: string | undefined, allowZero = false): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || (!allowZero && parsed === 0)) {
    throw new UsageError(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds, not ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** Parses and validates the command line; throws UsageError with a message for the user. */
export function parsePublishArgs(args: readonly string[], env: NodeJS.ProcessEnv = {}): PublishOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        input: { type: 'string' },
        transport: { type: 'string', default: 'websocket' },
        loop: { type: 'boolean', default: false },
        duration: { type: 'string' },
        progress: { type: 'string', default: '1' },
        'cert-hash': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) throw new UsageError('');
  // From the environment the token stays out of the process list and npm's echo of the command.
  values.token ??= env.INGEST_TOKEN;
  const missing = (['url', 'token', 'input'] as const).filter((name) => values[name] === undefined || values[name] === '');
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  const transport = values.transport;
  if (transport !== 'websocket' && transport !== 'webtransport') {
    throw new UsageError(`--transport must be websocket or webtransport, not ${JSON.stringify(transport)}`);
  }
  const durationSeconds = positiveNumber('duration', values.duration);
  const url = endpointUrl(values.url ?? '', transport);
  const certHash = values['cert-hash'];
  if (transport === 'webtransport' && (certHash === undefined || !/^([0-9a-f]{64}|[A-Za-z0-9+/]{43}=)$/i.test(certHash))) {
    throw new UsageError('--cert-hash <sha-256 as 64 hex digits or base64> is required with --transport webtransport (GET /api/ingest/certificate-hashes)');
  }
  return {
    url,
    token: values.token ?? '',
    input: values.input ?? '',
    transport,
    loop: values.loop,
    durationSeconds,
    progressSeconds: positiveNumber('progress', values.progress, true) ?? 1,
    certHash,
  };
}
