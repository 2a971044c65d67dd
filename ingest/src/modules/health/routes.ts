import type { FastifyPluginAsync } from 'fastify';
import { noQuery } from '../no-query.ts';

export const healthRoutes: FastifyPluginAsync = async (app) => {
  app.get('/api/health', { schema: { querystring: noQuery } }, async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }));
};
