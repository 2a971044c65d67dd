import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from '../user/user.entity.ts';
import { StreamSession } from '../stream/stream-session.entity.ts';

/** Metadata of a stored media file (cloud recording of a session, or an uploaded overlay/clip). */
export const MediaAsset = defineEntity({
  name: 'MediaAsset',
  tableName: 'media_assets',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    session: () => p.manyToOne(StreamSession).nullable().deleteRule('set null'),
    kind: p.enum(['recording', 'upload'] as const),
    fileName: p.string().length(255),
    mimeType: p.string().length(100),
    sizeBytes: p.bigint('number'),
    durationMs: p.integer().nullable(),
    width: p.integer().nullable(),
    height: p.integer().nullable(),
    storagePath: p.string().length(1000),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type IMediaAsset = InferEntity<typeof MediaAsset>;
