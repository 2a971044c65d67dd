import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { studioStatic } from './plugins/studio-static.ts';

export interface BuildAppOptions {
  config: Config;
}

/** Builds the Fastify app without listening: tests use `app.inject`, `server.ts` listens. */
export async function buildApp({ config }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: 1024 * 1024,
  });
  await app.register(healthRoutes);
  await app.register(studioStatic, { config });
  return app;
}
