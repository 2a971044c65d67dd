import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authSessionList, idParams } from '@streamhub/shared/api/auth';
import { errorBody } from '@streamhub/shared/api/error';
import { requireUserId } from '../../plugins/auth.ts';
import { AppError } from '../../plugins/app-error.ts';
import { RefreshTokenRepository } from './refresh-token.repository.ts';
import { noQuery } from '../no-query.ts';

/** Signed-in devices (one refresh-token family each): list and revoke. Bearer-authenticated. */
export const authSessionRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/api/auth/sessions', {
    preHandler: app.authenticate,
    schema: { tags: ['auth'], security: [{ bearer: [] }], querystring: noQuery, response: { 200: authSessionList, 401: errorBody } },
  }, async (request) => {
    const rows = await new RefreshTokenRepository(request.em).listActive(requireUserId(request));
    return {
      sessions: rows.map((row) => ({
        id: row.familyId,
        deviceLabel: row.deviceLabel ?? null,
        userAgent: row.userAgent ?? null,
        createdAt: row.signedInAt.toISOString(),
        lastUsedAt: row.createdAt.toISOString(),
        current: row.familyId === request.authSessionId,
      })),
    };
  });

  app.delete('/api/auth/sessions/:id', {
    preHandler: app.authenticate,
    schema: { tags: ['auth'], security: [{ bearer: [] }], querystring: noQuery, params: idParams, response: { 204: z.null(), 401: errorBody, 404: errorBody } },
  }, async (request, reply) => {
    const revoked = await new RefreshTokenRepository(request.em).revokeFamily(request.params.id, requireUserId(request));
    if (revoked === 0) throw new AppError('AUTH_SESSION_NOT_FOUND');
    return reply.code(204).send(null);
  });
};
