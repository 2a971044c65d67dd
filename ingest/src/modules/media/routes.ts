import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '@streamhub/shared/api/auth';
import { errorBody } from '@streamhub/shared/api/error';
import { mediaAssetResponse, mediaList, renameMediaBody, uploadMediaQuery } from '@streamhub/shared/api/media';
import { planLimits, type Plan, type PlanLimits } from '@streamhub/shared/plans';
import { requireUserId } from '../../plugins/auth.ts';
import { AppError } from '../../plugins/app-error.ts';
import { User } from '../user/user.entity.ts';
import { parseByteRange } from './byte-range.ts';
import { MediaAssetRepository, toMediaResponse } from './media-asset.repository.ts';
import { MediaStore } from './media-store.ts';
import { noQuery } from '../no-query.ts';

export interface MediaRoutesOptions {
  /** Folder of the uploaded files (`DATA_DIR/media`). */
  readonly mediaDir: string;
}

const limitsFor = (plan: Plan): PlanLimits => planLimits[plan];
const limitsOf = async (em: EntityManager, userId: string): Promise<PlanLimits> => limitsFor((await em.findOneOrFail(User, { id: userId })).plan);

const megabytes = (bytes: number): string => `${Math.floor(bytes / (1024 * 1024))} MB`;

/** What one upload may weigh: the plan's per-file cap, or less when the storage quota is nearly full. */
function uploadLimit(limits: PlanLimits, usedBytes: number): { limitBytes: number; error: AppError } {
  const remaining = Math.max(0, limits.mediaStorageBytes - usedBytes);
  const error = remaining < limits.maxUploadBytes
    ? new AppError('PLAN_STORAGE_LIMIT', `Your ${limits.label} plan keeps up to ${megabytes(limits.mediaStorageBytes)} of media; ${megabytes(remaining)} are free. Remove some media first.`)
    : new AppError('MEDIA_TOO_LARGE', `Your ${limits.label} plan allows uploads up to ${megabytes(limits.maxUploadBytes)}.`);
  return { limitBytes: Math.min(remaining, limits.maxUploadBytes), error };
}

/** An upload refused part-way: close the connection instead of reading (and discarding) the rest of a large body. */
const closeOnError = async (_request: unknown, reply: FastifyReply): Promise<void> => {
  reply.header('connection', 'close');
};

/**
 * The media bin (issue 7): uploads stream to disk with size, quota and sniffed-type checks; list,
 * rename, delete (row and file); content with single byte ranges (RFC 9110 §14) so videos seek.
 */
export const mediaRoutes: FastifyPluginAsyncZod<MediaRoutesOptions> = async (app, { mediaDir }) => {
  const store = new MediaStore(mediaDir);
  app.addHook('preHandler', app.authenticate);
  // The body stays a stream for the route (never buffered); scoped to this plugin only.
  app.addContentTypeParser(/^(application\/octet-stream|image\/|video\/)/, (_request, payload, done) => done(null, payload));
  const security = [{ bearer: [] }];
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 413: errorBody, 415: errorBody, 416: errorBody };

  app.get('/api/media', {
    schema: { tags: ['media'], security, querystring: noQuery, response: { 200: mediaList, 401: errorBody } },
  }, async (request) => {
    const userId = requireUserId(request);
    const repo = new MediaAssetRepository(request.em);
    const limits = await limitsOf(request.em, userId);
    return {
      assets: (await repo.listUploads(userId)).map(toMediaResponse), usedBytes: await repo.usedBytes(userId),
      quotaBytes: limits.mediaStorageBytes, maxUploadBytes: limits.maxUploadBytes,
    };
  });

  app.post('/api/media', {
    onError: closeOnError,
    schema: {
      tags: ['media'], security, querystring: uploadMediaQuery, response: { 201: mediaAssetResponse, ...errors },
      description: 'Upload one image or video as the raw request body (`application/octet-stream`); the file name is the `name` query parameter.',
    },
  }, async (request, reply) => {
    if (!(request.body instanceof Readable)) throw new AppError('MEDIA_EMPTY');
    const userId = requireUserId(request);
    const repo = new MediaAssetRepository(request.em);
    const limits = await limitsOf(request.em, userId);
    const limit = uploadLimit(limits, await repo.usedBytes(userId));
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared > limit.limitBytes) throw limit.error;
    const id = randomUUID();
    const stored = await store.write(request.body, { userId, assetId: id, limitBytes: limit.limitBytes, overLimit: limit.error });
    const asset = await repo.createWithinQuota({ id, userId, fileName: request.query.name, ...stored }, limits.mediaStorageBytes);
    if (asset === null) {
      await store.remove(stored.storagePath);
      throw uploadLimit(limits, limits.mediaStorageBytes).error;
    }
    return reply.code(201).send(toMediaResponse(asset));
  });

  app.patch('/api/media/:id', {
    schema: { tags: ['media'], security, querystring: noQuery, params: idParams, body: renameMediaBody, response: { 200: mediaAssetResponse, ...errors } },
  }, async (request) => {
    const repo = new MediaAssetRepository(request.em);
    const asset = await repo.findOwned(requireUserId(request), request.params.id);
    if (asset === null) throw new AppError('MEDIA_NOT_FOUND');
    return toMediaResponse(await repo.rename(asset, request.body.name));
  });

  app.delete('/api/media/:id', {
    schema: { tags: ['media'], security, querystring: noQuery, params: idParams, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    const repo = new MediaAssetRepository(request.em);
    const asset = await repo.findOwned(requireUserId(request), request.params.id);
    if (asset === null) throw new AppError('MEDIA_NOT_FOUND');
    await repo.remove(asset);
    await store.remove(asset.storagePath);
    return reply.code(204).send(null);
  });

  app.get('/api/media/:id/content', {
    // No response schema: the body is the file's bytes (errors still answer `{ code, message }`).
    schema: { tags: ['media'], security, querystring: noQuery, params: idParams, description: 'The file; honours one `Range: bytes=…` (206, or 416).' },
  }, async (request, reply) => {
    const asset = await new MediaAssetRepository(request.em).findOwned(requireUserId(request), request.params.id);
    if (asset === null) throw new AppError('MEDIA_NOT_FOUND');
    const size = asset.sizeBytes;
    const range = parseByteRange(request.headers.range, size);
    reply.header('accept-ranges', 'bytes').header('cache-control', 'private, no-cache');
    if (range === null) {
      reply.header('content-range', `bytes */${size}`);
      throw new AppError('MEDIA_RANGE_INVALID');
    }
    reply.type(asset.mimeType).header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(asset.fileName)}`);
    if (range === undefined) return reply.header('content-length', size).send(store.read(asset.storagePath));
    return reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', range.end - range.start + 1).send(store.read(asset.storagePath, range));
  });
};
