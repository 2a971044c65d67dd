import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { Relay } from '../media/relay.ts';
import { registerRelayMetrics } from '../media/stats/relay-metrics.ts';
import type { EndOutcome } from '../modules/stream/session-recorder.ts';
import { ingestRoutes } from '../transport/ingest-routes.ts';
import type { IngestSessionOutcome } from '../transport/session/ingest-session.ts';
import { webSocketIngest } from '../transport/websocket/websocket-ingest.ts';
import { attachWebTransportIngest } from '../transport/webtransport-ingest.ts';
import { ingestLimitsFromConfig, LiveHub } from './live-hub.ts';
import type { WebTransportEndpoint } from './webtransport-endpoint.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The media relay: live status and stop for the API, /metrics (`media/relay.ts`). */
    relay: Relay;
    /** Where both transports hand their connections (`live/live-hub.ts`). */
    liveHub: LiveHub;
    /** The WebTransport server and its certificates; null when WEBTRANSPORT_ENABLED=false. */
    webtransport: WebTransportEndpoint | null;
  }
}

export interface LivePluginOptions {
  readonly config: Config;
  /** The bound WebTransport server and its certificates; absent when WEBTRANSPORT_ENABLED=false. The plugin closes it. */
  readonly webtransport?: WebTransportEndpoint | undefined;
}

/** How an ingest session's close code is recorded in the session history (`sessionOutcomes`). */
export function endOutcome(code: string): EndOutcome {
  switch (code) {
    case 'INGEST_SESSION_ENDED':
    case 'RELAY_SESSION_STOPPED': return 'stopped';
    case 'INGEST_SHUTTING_DOWN':
    case 'RELAY_SHUTTING_DOWN':
    case 'INGEST_KEEPALIVE_TIMEOUT': return 'disconnected';
    default: return 'failed';
  }
}

/** Runs `task` now unless the previous run is still going; tracks it so close can wait for it. */
function tracker(): { run(task: () => Promise<void>): void; idle(): Promise<void> } {
  const running = new Set<Promise<void>>();
  return {
    run(task) {
      const promise = task().finally(() => running.delete(promise));
      running.add(promise);
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/**
 * The live path of the ingest (issues 4 + 5): the relay, the LiveHub (auth, per-user caps) between
 * the transports and the relay, the WebSocket ingest and the certificate-hash route on the HTTP
 * port, the WebTransport bridge, the session history (end + periodic samples) and the relay's
 * Prometheus metrics. On close, in reverse order: WebTransport GOAWAY + close, hub, relay (every
 * FFmpeg process gone), pending history writes (before the database closes), certificate store.
 */
async function livePlugin(app: FastifyInstance, options: LivePluginOptions): Promise<void> {
  const { config, webtransport } = options;
  const writes = tracker();
  const relay = new Relay({ ...(config.FFMPEG_PATH === undefined ? {} : { ffmpegPath: config.FFMPEG_PATH }), logger: app.log });
  const recordEnd = (outcome: IngestSessionOutcome): void => {
    const { sessionId } = outcome;
    if (sessionId === undefined) return; // never authenticated: no session row to end
    const destinations = relay.status(sessionId)?.destinations ?? [];
    writes.run(() => app.streamSessions.ended(sessionId, endOutcome(outcome.code), destinations)
      .catch((error: unknown) => app.log.warn({ err: error, sessionId }, 'could not record the end of a stream session')));
  };
  const hub = new LiveHub({
    authority: app.ingestAuthority, handler: relay.handler, maxSessionsPerUser: config.INGEST_MAX_SESSIONS_PER_USER,
    limits: ingestLimitsFromConfig(config), log: app.log, onSessionEnd: recordEnd,
  });
  app.decorate('relay', relay);
  app.decorate('liveHub', hub);
  app.decorate('webtransport', webtransport ?? null);
  registerRelayMetrics(app.metricsRegistry, relay);

  let sampling = false;
  const sampler = setInterval(() => {
    if (sampling) return; // a slow database must not pile samples up
    sampling = true;
    writes.run(async () => {
      try {
        for (const status of relay.liveStatuses()) {
          if (status.state === 'live') await app.streamSessions.sample(status);
        }
      } catch (error) {
        app.log.warn({ err: error }, 'could not record stream stats');
      } finally {
        sampling = false;
      }
    });
  }, config.STATS_SAMPLE_INTERVAL_MS);
  sampler.unref();

  await app.register(webSocketIngest, { acceptor: hub, pingIntervalMs: config.INGEST_WS_PING_INTERVAL_MS });
  await app.register(ingestRoutes, { certificateHashes: () => webtransport?.certificates.hashes() ?? [] });
  const detach = webtransport === undefined ? undefined : attachWebTransportIngest(webtransport.server, hub);
  if (webtransport !== undefined) {
    app.log.info({ port: webtransport.server.port, path: config.WEBTRANSPORT_PATH }, 'WebTransport ingest listening (UDP)');
  }

  app.addHook('onClose', async () => {
    clearInterval(sampler);
    detach?.();
    await webtransport?.server.close({ code: 4001, reason: 'INGEST_SHUTTING_DOWN' });
    await hub.close();
    await relay.close();
    await writes.idle();
    await webtransport?.close();
  });
}

export const livePluginName = 'live';

export const live = fp(livePlugin, { name: livePluginName, fastify: '5.x', dependencies: ['db', 'metrics'] });
