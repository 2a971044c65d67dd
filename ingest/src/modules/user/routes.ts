import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBody } from '@streamhub/shared/api/error';
import { patchProfileBody, profileResponse } from '@streamhub/shared/api/user';
import { requireUserId } from '../../plugins/auth.ts';
import { AppError } from '../../plugins/app-error.ts';
import { toPublicUser, UserRepository } from './user.repository.ts';
import { noQuery } from '../no-query.ts';

export const userRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preHandler', app.authenticate);
  const security = [{ bearer: [] }];

  app.get('/api/user/profile', {
    schema: { tags: ['user'], security, querystring: noQuery, response: { 200: profileResponse, 401: errorBody } },
  }, async (request) => {
    const user = await new UserRepository(request.em).findById(requireUserId(request));
    if (user === null) throw new AppError('USER_NOT_FOUND');
    return toPublicUser(user);
  });

  app.patch('/api/user/profile', {
    schema: { tags: ['user'], security, querystring: noQuery, body: patchProfileBody, response: { 200: profileResponse, 400: errorBody, 401: errorBody } },
  }, async (request) => {
    const users = new UserRepository(request.em);
    const user = await users.findById(requireUserId(request));
    if (user === null) throw new AppError('USER_NOT_FOUND');
    return toPublicUser(await users.updateProfile(user, request.body));
  });
};
