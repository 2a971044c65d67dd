import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { resolutions } from '@streamhub/shared/plans';
import { platforms } from '@streamhub/shared/platforms';
import { sessionOutcomes, sessionStatuses } from '@streamhub/shared/api/stream';
import { Destination } from '../destination/destination.entity.ts';
import { User } from '../user/user.entity.ts';

/**
 * One go-live. `ingestTokenJti` is the id of the single-use ingest token handed out at start;
 * `ingestTokenUsedAt` is set when a transport consumes it, so a second use is detected.
 */
export const StreamSession = defineEntity({
  name: 'StreamSession',
  tableName: 'stream_sessions',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    status: p.enum(sessionStatuses).default('starting'),
    outcome: p.enum(sessionOutcomes).nullable(),
    resolution: p.enum(resolutions),
    record: p.boolean().default(false),
    videoBitrateKbps: p.integer(),
    ingestTokenJti: p.uuid().unique(),
    ingestTokenExpiresAt: p.datetime(),
    ingestTokenUsedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    startedAt: p.datetime().nullable(),
    endedAt: p.datetime().nullable(),
    destinations: () => p.oneToMany(StreamSessionDestination).mappedBy('session'),
  },
});
export type IStreamSession = InferEntity<typeof StreamSession>;

/** What happened to one destination in one session (a snapshot: the destination may be deleted later). */
export const StreamSessionDestination = defineEntity({
  name: 'StreamSessionDestination',
  tableName: 'stream_session_destinations',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    session: () => p.manyToOne(StreamSession).deleteRule('cascade').index(),
    destination: () => p.manyToOne(Destination).nullable().deleteRule('set null').index(),
    name: p.string().length(80),
    platform: p.enum(platforms),
    redactedUrl: p.string().length(600),
    outcome: p.string().length(40).nullable(),
    lastError: p.string().length(300).nullable(),
    bytesSent: p.bigint('number').default(0),
    framesSent: p.bigint('number').default(0),
    framesDropped: p.bigint('number').default(0),
    reconnects: p.integer().default(0),
  },
});
export type IStreamSessionDestination = InferEntity<typeof StreamSessionDestination>;

/** Periodic stats samples of a session (the studio's graphs after the fact). */
export const StreamStatsSample = defineEntity({
  name: 'StreamStatsSample',
  tableName: 'stream_stats_samples',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    session: () => p.manyToOne(StreamSession).deleteRule('cascade'),
    at: p.datetime(),
    inputBitrateKbps: p.integer(),
    inputFps: p.double(),
    framesReceived: p.bigint('number'),
    bytesReceived: p.bigint('number'),
    /** Per-destination figures at that moment: `{ [destinationId]: { bitrateKbps, fps, framesDropped } }`. */
    destinations: p.json<Record<string, { bitrateKbps: number; fps: number; framesDropped: number }>>(),
  },
  indexes: [{ properties: ['session', 'at'] }],
});
export type IStreamStatsSample = InferEntity<typeof StreamStatsSample>;
