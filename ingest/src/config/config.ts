import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** The ingest's whole configuration: the schema is the type (STYLE.md, Boundaries). */
export const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** PostgreSQL connection string; absent means the embedded database under DATA_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Served as the studio; absent means web/dist next to this package. */
  WEB_DIST_DIR: z.string().optional(),
  /** FFmpeg binary for the relay's Opus → AAC transcode; absent: /usr/bin/ffmpeg, else @ffmpeg-installer/ffmpeg. */
  FFMPEG_PATH: z.string().min(1).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** HS256 secret of access tokens (≥32 chars); absent outside production: generated once under DATA_DIR. */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Master secret of stream-key encryption (AES-256-GCM via HKDF); same default rule as JWT_SECRET. */
  STREAM_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Comma-separated former STREAM_KEY_SECRETs, still accepted for decryption during a key rotation. */
  STREAM_KEY_SECRETS_PREVIOUS: z.string().optional(),
  /** The studio's origin for CORS; absent means same-origin only (the ingest serves the studio). */
  STUDIO_ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_STREAM_START_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Ingest transports (issue 4): time a publisher has to send hello, in ms. */
  INGEST_HELLO_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Largest wire message accepted (after its length prefix); also sets the WebSocket maxPayload. */
  INGEST_MAX_MESSAGE_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  /** Live sessions one user may hold at once over all transports (2 lets a reconnect overlap a stale session). */
  INGEST_MAX_SESSIONS_PER_USER: z.coerce.number().int().min(1).max(100).default(2),
  /** WebSocket keepalive ping period; a publisher missing one whole period is closed. */
  INGEST_WS_PING_INTERVAL_MS: z.coerce.number().int().min(1_000).max(120_000).default(15_000),
  /** WebTransport ingest (issue 4): off only for API tests that need no UDP port. */
  WEBTRANSPORT_ENABLED: z.stringbool().default(true),
  /** UDP address of the WebTransport server; absent means HOST. */
  WEBTRANSPORT_HOST: z.string().min(1).optional(),
  /** UDP port of the WebTransport server; 0 picks a free one (tests). */
  WEBTRANSPORT_PORT: port.default(4433),
  /** Path of the WebTransport extended CONNECT (RFC 9220). */
  WEBTRANSPORT_PATH: z.string().regex(/^\/[^\s?#]*$/, 'must be a path starting with /').default('/ingest'),
  /** CA-issued PEM certificate chain + key for WebTransport (both or neither); absent: self-signed, minted under DATA_DIR/certs. */
  WEBTRANSPORT_CERT_FILE: z.string().min(1).optional(),
  WEBTRANSPORT_KEY_FILE: z.string().min(1).optional(),
  /** Period of the stats-history samples of live sessions (stream_stats_samples), ms. */
  STATS_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** Hostname browsers use in the ingest URLs; absent: HOST, with 0.0.0.0/:: shown as localhost. */
  PUBLIC_HOST: z.string().min(1).optional(),
}).superRefine((config, ctx) => {
  if ((config.WEBTRANSPORT_CERT_FILE === undefined) !== (config.WEBTRANSPORT_KEY_FILE === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['WEBTRANSPORT_CERT_FILE'], message: 'WEBTRANSPORT_CERT_FILE and WEBTRANSPORT_KEY_FILE must be set together' });
  }
  if (config.NODE_ENV !== 'production') return;
  for (const key of ['JWT_SECRET', 'STREAM_KEY_SECRET'] as const) {
    if (config[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
  }
});

export type Config = z.infer<typeof configSchema>;

/** The host browsers reach the ingest at: PUBLIC_HOST, else HOST (a wildcard address shown as localhost). */
export function publicHost(config: Pick<Config, 'HOST' | 'PUBLIC_HOST'>): string {
  if (config.PUBLIC_HOST !== undefined) return config.PUBLIC_HOST;
  return config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; a bad value yields one readable message per variable, never a stack trace. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

export interface Secrets {
  readonly jwtSecret: string;
  readonly streamKeySecret: string;
  readonly previousStreamKeySecrets: readonly string[];
}

const persistedSecrets = z.object({ JWT_SECRET: z.string().min(32), STREAM_KEY_SECRET: z.string().min(32) });

/**
 * The secrets the API needs. Outside production a missing one is generated once and persisted in
 * `DATA_DIR/secrets.json` (mode 0600) so `npm start` needs no setup and restarts keep sessions and keys.
 */
export function resolveSecrets(config: Config): Secrets {
  const previous = (config.STREAM_KEY_SECRETS_PREVIOUS ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (config.JWT_SECRET !== undefined && config.STREAM_KEY_SECRET !== undefined) {
    return { jwtSecret: config.JWT_SECRET, streamKeySecret: config.STREAM_KEY_SECRET, previousStreamKeySecrets: previous };
  }
  const file = join(config.DATA_DIR, 'secrets.json');
  let stored: z.infer<typeof persistedSecrets>;
  try {
    stored = persistedSecrets.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    stored = { JWT_SECRET: randomBytes(32).toString('base64url'), STREAM_KEY_SECRET: randomBytes(32).toString('base64url') };
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return {
    jwtSecret: config.JWT_SECRET ?? stored.JWT_SECRET,
    streamKeySecret: config.STREAM_KEY_SECRET ?? stored.STREAM_KEY_SECRET,
    previousStreamKeySecrets: previous,
  };
}
