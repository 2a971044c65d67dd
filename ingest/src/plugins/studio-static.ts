import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';

const defaultDist = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * Serves the built studio (web/dist) with a history-mode fallback to index.html. Unknown `/api/*`
 * routes always answer with the registry's `{ code, message }` shape, with or without a build.
 */
export const studioStatic = fp<{ config: Config }>(
  async (app, { config }) => {
    const root = config.WEB_DIST_DIR ?? defaultDist;
    const hasBuild = existsSync(root);
    if (hasBuild) await app.register(fastifyStatic, { root, wildcard: false });
    else app.log.warn({ root }, 'studio build not found; run `npm run build -w web`');
    app.setNotFoundHandler((request, reply) => {
      if (hasBuild && request.method === 'GET' && !request.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.code(404).send({ code: 'HTTP_NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0] ?? ''} not found` });
    });
  },
  { name: 'studio-static' },
);
