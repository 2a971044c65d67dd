import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '@streamhub/shared/api/auth';
import { createDestinationBody, destinationList, destinationResponse, patchDestinationBody } from '@streamhub/shared/api/destination';
import { errorBody } from '@streamhub/shared/api/error';
import { platformPresets } from '@streamhub/shared/platforms';
import { requireUserId } from '../../plugins/auth.ts';
import { AppError } from '../../plugins/app-error.ts';
import { DestinationRepository, toDestinationResponse } from './destination.repository.ts';
import type { StreamKeyCipher } from './stream-key-cipher.ts';
import { noQuery } from '../no-query.ts';

export const destinationRoutes: FastifyPluginAsyncZod<{ cipher: StreamKeyCipher }> = async (app, { cipher }) => {
  app.addHook('preHandler', app.authenticate);
  const security = [{ bearer: [] }];
  const errors = { 400: errorBody, 401: errorBody, 404: errorBody };
  const repo = (em: EntityManager): DestinationRepository => new DestinationRepository(em, cipher);

  app.get('/api/destinations', {
    schema: { tags: ['destinations'], security, querystring: noQuery, response: { 200: destinationList, 401: errorBody } },
  }, async (request) => ({ destinations: (await repo(request.em).listForUser(requireUserId(request))).map(toDestinationResponse) }));

  app.post('/api/destinations', {
    schema: { tags: ['destinations'], security, querystring: noQuery, body: createDestinationBody, response: { 201: destinationResponse, ...errors } },
  }, async (request, reply) => {
    const { name, platform, url, streamKey, title, enabled } = request.body;
    const resolvedUrl = url ?? platformPresets[platform].defaultUrl;
    if (resolvedUrl === undefined) throw new AppError('DESTINATION_URL_REQUIRED');
    const row = await repo(request.em).create(requireUserId(request), {
      name, platform, url: resolvedUrl, streamKey, title: title ?? null, enabled: enabled ?? true,
    });
    return reply.code(201).send(toDestinationResponse(row));
  });

  app.patch('/api/destinations/:id', {
    schema: { tags: ['destinations'], security, querystring: noQuery, params: idParams, body: patchDestinationBody, response: { 200: destinationResponse, ...errors } },
  }, async (request) => {
    const destinations = repo(request.em);
    const row = await destinations.findOwned(requireUserId(request), request.params.id);
    if (row === null) throw new AppError('DESTINATION_NOT_FOUND');
    return toDestinationResponse(await destinations.update(row, request.body));
  });

  app.delete('/api/destinations/:id', {
    schema: { tags: ['destinations'], security, querystring: noQuery, params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    const destinations = repo(request.em);
    const row = await destinations.findOwned(requireUserId(request), request.params.id);
    if (row === null) throw new AppError('DESTINATION_NOT_FOUND');
    await destinations.remove(row);
    return reply.code(204).send(null);
  });
};
