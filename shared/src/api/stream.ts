/** `/api/stream/*` bodies and responses. */
import { z } from 'zod';
import { resolutions } from '../plans.ts';
import type { SessionStatus } from '../relay-status.ts';

export const resolutionSchema = z.enum(resolutions);

export const startStreamBody = z.strictObject({
  destinations: z.array(z.uuid()).min(1, 'Pick at least one destination.').max(50),
  resolution: resolutionSchema.optional(),
  record: z.boolean().optional(),
  videoBitrateKbps: z.number().int().min(100).max(100_000).optional(),
});
export type StartStreamBody = z.infer<typeof startStreamBody>;

export const certificateHash = z.object({ algorithm: z.literal('sha-256'), value: z.string() });

export const startStreamResponse = z.object({
  sessionId: z.uuid(),
  ingest: z.object({
    webtransportUrl: z.string(),
    websocketUrl: z.string(),
    /** Single-use, short-lived (about 60 s): present it once in the transport's hello. */
    token: z.string(),
    certificateHashes: z.array(certificateHash),
  }),
  resolution: resolutionSchema,
  record: z.boolean(),
  videoBitrateKbps: z.number().int(),
});
export type StartStreamResponse = z.infer<typeof startStreamResponse>;

export const stopStreamBody = z.strictObject({ sessionId: z.uuid() });
export type StopStreamBody = z.infer<typeof stopStreamBody>;

export const sessionStatuses = ['starting', 'live', 'ended'] as const;
export const sessionOutcomes = ['stopped', 'expired', 'failed', 'disconnected'] as const;

export const sessionDestinationResult = z.object({
  destinationId: z.uuid().nullable(),
  name: z.string(),
  platform: z.string(),
  redactedUrl: z.string(),
  outcome: z.string().nullable(),
  /** The relay's last error for this destination (already redacted: no stream key). */
  lastError: z.string().nullable(),
  bytesSent: z.number(),
  framesSent: z.number(),
  framesDropped: z.number(),
  reconnects: z.number(),
});

export const streamSessionSummary = z.object({
  id: z.uuid(),
  status: z.enum(sessionStatuses),
  outcome: z.enum(sessionOutcomes).nullable(),
  resolution: resolutionSchema,
  record: z.boolean(),
  videoBitrateKbps: z.number().int(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  endedAt: z.iso.datetime().nullable(),
  durationSeconds: z.number().nullable(),
  destinations: z.array(sessionDestinationResult),
});
export type StreamSessionSummary = z.infer<typeof streamSessionSummary>;

export const sessionHistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

export const sessionHistory = z.object({ sessions: z.array(streamSessionSummary), total: z.number().int() });

/** One stats-history sample (taken every STATS_SAMPLE_INTERVAL_MS while live); destinations keyed by destination id. */
export const statsSample = z.object({
  at: z.iso.datetime(),
  inputBitrateKbps: z.number(),
  inputFps: z.number(),
  destinations: z.record(z.string(), z.object({ bitrateKbps: z.number(), fps: z.number(), framesDropped: z.number() })),
});
export type StatsSample = z.infer<typeof statsSample>;

/** `GET /api/stream/sessions/:id`: the summary plus its stats history, oldest first (thinned to at most `maxSamples`). */
export const sessionDetail = z.object({ session: streamSessionSummary, samples: z.array(statsSample) });
export type SessionDetail = z.infer<typeof sessionDetail>;
export const maxSessionSamples = 720;

export const ingestTransports = ['webtransport', 'websocket'] as const;
export type IngestTransport = (typeof ingestTransports)[number];

export const statusQuery = z.strictObject({ sessionId: z.uuid().optional() });

const destinationState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting') }),
  z.object({ state: z.literal('live'), sinceMs: z.number() }),
  z.object({ state: z.literal('retrying'), retryInMs: z.number(), attempt: z.number(), lastError: z.string() }),
  z.object({ state: z.literal('failed'), reason: z.string() }),
  z.object({ state: z.literal('stopped') }),
]);

/** Zod twin of `SessionStatus` (relay-status.ts); the assertion below keeps the two in step. */
export const sessionStatusSchema = z.object({
  sessionId: z.string(),
  state: z.enum(['waiting', 'live', 'ended']),
  startedAtMs: z.number().nullable(),
  input: z.object({
    bitrateKbps: z.number(), fps: z.number(), keyframeIntervalSeconds: z.number(),
    framesReceived: z.number(), bytesReceived: z.number(), audioSampleRate: z.number().nullable(),
  }),
  destinations: z.array(z.object({
    id: z.string(), name: z.string(), platform: z.string(), redactedUrl: z.string(), status: destinationState,
    bitrateKbps: z.number(), fps: z.number(), framesSent: z.number(), framesDropped: z.number(),
    bytesSent: z.number(), reconnects: z.number(), uptimeMs: z.number(),
  })).readonly(),
  warnings: z.array(z.object({
    code: z.enum(['HEALTH_KEYFRAME_INTERVAL', 'HEALTH_BITRATE_RANGE', 'HEALTH_SAMPLE_RATE', 'HEALTH_TIMESTAMPS_BACKWARDS']),
    message: z.string(),
    destinationId: z.string().optional(),
  })).readonly(),
});
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
/** Fails to compile when `sessionStatusSchema` and `SessionStatus` drift apart. */
export type SessionStatusInSync = Assert<Same<SessionStatus, z.infer<typeof sessionStatusSchema>>>;

/** `GET /api/stream/status`: the session row and, while it is not ended, the relay's live status. */
export const streamStatusResponse = z.object({
  session: streamSessionSummary.nullable(),
  live: sessionStatusSchema.nullable().describe('Live status from the relay (`waiting` until a publisher connects); null when no session is active'),
  /** How the publisher is connected (null while none is). */
  transport: z.enum(ingestTransports).nullable(),
});
