import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { publicHost, resolveSecrets, type Config } from './config/config.ts';
import type { IngestAuthority, IngestEndpoints, RelayControl } from './live/contracts.ts';
import { live } from './live/live-plugin.ts';
import { liveEndpoints, openWebTransportEndpoint, type WebTransportEndpoint } from './live/webtransport-endpoint.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { authSessionRoutes } from './modules/auth/session-routes.ts';
import { destinationRoutes } from './modules/destination/routes.ts';
import { StreamKeyCipher } from './modules/destination/stream-key-cipher.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { mediaRoutes } from './modules/media/routes.ts';
import { createIngestAuthority } from './modules/stream/ingest-authority.ts';
import { createSessionRecorder, type StreamSessionRecorder } from './modules/stream/session-recorder.ts';
import { streamRoutes } from './modules/stream/routes.ts';
import { userRoutes } from './modules/user/routes.ts';
import { authPlugin } from './plugins/auth.ts';
import { dbPlugin } from './plugins/db.ts';
import { errorHandler } from './plugins/error-handler.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { securityPlugin } from './plugins/security.ts';
import { studioStatic } from './plugins/studio-static.ts';
import { swaggerPlugin } from './plugins/swagger.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Verifies single-use ingest tokens for the transports (`live/contracts.ts`). */
    ingestAuthority: IngestAuthority;
    /** Where the relay records a session's end and stats history (`modules/stream/session-recorder.ts`). */
    streamSessions: StreamSessionRecorder;
  }
}

export interface BuildAppOptions {
  config: Config;
  /** Where publishers connect; default: the live plugin's real ports and certificate hashes (`live/webtransport-endpoint.ts`). */
  ingestEndpoints?: () => IngestEndpoints;
  /** The relay's live status and stop as the API sees it; default: the live plugin's Relay. */
  relay?: RelayControl;
  /** Log destination (tests capture logs to check that no secret is written); defaults to stdout. */
  logStream?: { write(line: string): void };
}

/** Paths pino removes from every log line: credentials in headers and any secret-named body field. */
export const redactPaths = [
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  '*.password', '*.streamKey', '*.token', '*.accessToken', '*.refreshToken',
  // RelayDestination.url carries the stream key (live/contracts.ts); log `redactedUrl` instead.
  'destination.url', 'destinations[*].url', 'grant.destinations[*].url',
];

/** The ingest URLs from config alone (no bound ports, no hashes): the publisher CLI's defaults mirror these. */
export function defaultIngestEndpoints(config: Config): () => IngestEndpoints {
  return liveEndpoints({ config: { ...config, PUBLIC_HOST: publicHost(config) } });
}

/** Builds the Fastify app without listening: tests use `app.inject`, `server.ts` listens. The WebTransport UDP socket is bound here. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config } = options;
  // Bound first so the CSP and the start response name the real UDP port (WEBTRANSPORT_PORT may be 0).
  const webtransport = config.WEBTRANSPORT_ENABLED ? await openWebTransportEndpoint(config) : undefined;
  try {
    return await assemble(options, webtransport);
  } catch (error) {
    await webtransport?.close();
    throw error;
  }
}

async function assemble({ config, ingestEndpoints, relay, logStream }: BuildAppOptions, webtransport: WebTransportEndpoint | undefined): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: redactPaths, ...(logStream === undefined ? {} : { stream: logStream }) },
    bodyLimit: 1024 * 1024,
    // The embedded database (PGlite in WASM) can take well over Fastify's default 10 s to boot on a busy 2-core machine.
    pluginTimeout: 120_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const secrets = resolveSecrets(config);
  const cipher = new StreamKeyCipher(secrets.streamKeySecret, secrets.previousStreamKeySecrets);
  const httpPort = (): number | undefined => {
    const address = app.server.listening ? app.server.address() : null;
    return address !== null && typeof address === 'object' ? address.port : undefined;
  };
  const endpoints = ingestEndpoints ?? liveEndpoints({ config, webtransport, httpPort });

  await app.register(errorHandler);
  await app.register(securityPlugin, { studioOrigin: config.STUDIO_ORIGIN, endpoints: endpoints() });
  await app.register(dbPlugin, { config });
  await app.register(authPlugin, { jwtSecret: secrets.jwtSecret });
  await app.register(swaggerPlugin);
  await app.register(metricsPlugin);
  app.decorate('ingestAuthority', createIngestAuthority({
    fork: () => app.orm.em.fork(),
    verify: (token) => app.jwt.ingest.verify(token),
    cipher,
  }));
  app.decorate('streamSessions', createSessionRecorder(() => app.orm.em.fork()));
  await app.register(live, { config, webtransport });

  await app.register(healthRoutes);
  await app.register(authRoutes, { studioOrigin: config.STUDIO_ORIGIN, rateLimitPerMinute: config.RATE_LIMIT_AUTH_PER_MINUTE });
  await app.register(authSessionRoutes);
  await app.register(userRoutes);
  await app.register(destinationRoutes, { cipher });
  await app.register(streamRoutes, {
    cipher, endpoints, relay: relay ?? app.relay, startsPerMinute: config.RATE_LIMIT_STREAM_START_PER_MINUTE,
    transportOf: (sessionId) => app.liveHub.transportOf(sessionId),
  });
  await app.register(mediaRoutes, { mediaDir: join(config.DATA_DIR, 'media') });
  await app.register(studioStatic, { config });
  return app;
}
