import fp from 'fastify-plugin';
import { collectDefaultMetrics, Registry } from 'prom-client';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (never prom-client's global one: tests build several apps per process). */
    metricsRegistry: Registry;
  }
}

/**
 * `GET /metrics` in the Prometheus text format: process metrics (CPU, memory, event loop, GC) plus
 * whatever other plugins register on `app.metricsRegistry` (the relay's, in `live/live-plugin.ts`).
 * Values carry ids and platforms only, never URLs or keys. Unauthenticated, like any scrape
 * endpoint: restrict it at the network edge in production.
 */
export const metricsPlugin = fp(
  async (app) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'streamhub_' });
    app.decorate('metricsRegistry', registry);
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const body = await registry.metrics();
      return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(body);
    });
  },
  { name: 'metrics' },
);
