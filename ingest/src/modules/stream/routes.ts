import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBody } from '@streamhub/shared/api/error';
import {
  maxSessionSamples, sessionDetail, sessionHistory, sessionHistoryQuery, startStreamBody, startStreamResponse, statusQuery, stopStreamBody, streamSessionSummary,
  streamStatusResponse, type IngestTransport, type StartStreamBody, type StartStreamResponse,
} from '@streamhub/shared/api/stream';
import { idParams } from '@streamhub/shared/api/auth';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import type { IngestEndpoints, RelayControl } from '../../live/contracts.ts';
import { ingestTokenTtlSeconds, requireUserId } from '../../plugins/auth.ts';
import { AppError } from '../../plugins/app-error.ts';
import { DestinationRepository } from '../destination/destination.repository.ts';
import type { StreamKeyCipher } from '../destination/stream-key-cipher.ts';
import { User } from '../user/user.entity.ts';
import { gateStart } from './plan-gate.ts';
import type { IStreamSession } from './stream-session.entity.ts';
import { StreamSessionRepository, toSessionSummary } from './stream-session.repository.ts';
import { noQuery } from '../no-query.ts';

export interface StreamRoutesOptions {
  readonly cipher: StreamKeyCipher;
  readonly endpoints: () => IngestEndpoints;
  readonly relay: RelayControl;
  readonly startsPerMinute: number;
  /** Which transport a session's publisher is connected over (the LiveHub knows); absent: unknown. */
  readonly transportOf?: (sessionId: string) => IngestTransport | undefined;
}

/** What the status route reports before the relay knows the session (no publisher yet). */
function waitingStatus(session: IStreamSession): SessionStatus {
  return {
    sessionId: session.id, state: 'waiting', startedAtMs: null, warnings: [],
    input: { bitrateKbps: 0, fps: 0, keyframeIntervalSeconds: 0, framesReceived: 0, bytesReceived: 0, audioSampleRate: null },
    destinations: session.destinations.getItems().map((d) => ({
      id: d.destination?.id ?? d.id, name: d.name, platform: d.platform, redactedUrl: d.redactedUrl, status: { state: 'connecting' },
      bitrateKbps: 0, fps: 0, framesSent: 0, framesDropped: 0, bytesSent: 0, reconnects: 0, uptimeMs: 0,
    })),
  };
}

interface StartDeps {
  readonly cipher: StreamKeyCipher;
  readonly endpoints: () => IngestEndpoints;
  readonly signIngestToken: (claims: { sub: string; sid: string; jti: string; typ: 'ingest' }) => string;
}

/** One transaction with the user row locked, so two racing starts cannot both pass the plan's session limit. */
async function startSession(deps: StartDeps, em: EntityManager, userId: string, body: StartStreamBody): Promise<StartStreamResponse> {
  return em.transactional(async (tx) => {
    const user = await tx.findOneOrFail(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const sessions = new StreamSessionRepository(tx);
    await sessions.expireUnclaimed(userId);
    const ids = [...new Set(body.destinations)];
    const gated = gateStart(user.plan, {
      destinationCount: ids.length, resolution: body.resolution, record: body.record, videoBitrateKbps: body.videoBitrateKbps,
    }, await sessions.countActive(userId));
    const destinations = await new DestinationRepository(tx, deps.cipher).findOwnedWithKeys(userId, ids);
    if (destinations.length !== ids.length) throw new AppError('DESTINATION_NOT_FOUND');
    if (destinations.some((d) => !d.enabled)) throw new AppError('STREAM_DESTINATION_DISABLED');
    const sessionId = randomUUID();
    const jti = randomUUID();
    await sessions.create({
      id: sessionId, userId, ...gated, destinations, ingestTokenJti: jti,
      ingestTokenExpiresAt: new Date(Date.now() + ingestTokenTtlSeconds * 1000),
    });
    const token = deps.signIngestToken({ sub: userId, sid: sessionId, jti, typ: 'ingest' });
    const { webtransportUrl, websocketUrl, certificateHashes } = deps.endpoints();
    return { sessionId, ingest: { webtransportUrl, websocketUrl, token, certificateHashes: [...certificateHashes] }, ...gated };
  });
}

export const streamRoutes: FastifyPluginAsyncZod<StreamRoutesOptions> = async (app, { cipher, endpoints, relay, startsPerMinute, transportOf }) => {
  app.addHook('preHandler', app.authenticate);
  const security = [{ bearer: [] }];
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody };
  const startDeps: StartDeps = { cipher, endpoints, signIngestToken: (claims) => app.jwt.ingest.sign(claims) };

  app.post('/api/stream/start', {
    config: { rateLimit: { max: startsPerMinute, timeWindow: 60_000 } },
    schema: { tags: ['stream'], security, querystring: noQuery, body: startStreamBody, response: { 201: startStreamResponse, ...errors } },
  }, async (request, reply) => reply.code(201).send(await startSession(startDeps, request.em, requireUserId(request), request.body)));

  app.post('/api/stream/stop', {
    schema: { tags: ['stream'], security, querystring: noQuery, body: stopStreamBody, response: { 200: streamSessionSummary, ...errors } },
  }, async (request) => {
    const sessions = new StreamSessionRepository(request.em);
    const session = await sessions.findOwned(requireUserId(request), request.body.sessionId);
    if (session === null) throw new AppError('STREAM_SESSION_NOT_FOUND');
    if (session.status !== 'ended') {
      // Read before stopping: afterwards the relay no longer knows the session's destinations.
      const last = relay.status(session.id)?.destinations ?? [];
      await relay.stopSession(session.id);
      await sessions.end(session, 'stopped', last);
    }
    return toSessionSummary(session);
  });

  app.get('/api/stream/status', {
    schema: { tags: ['stream'], security, querystring: statusQuery, response: { 200: streamStatusResponse, ...errors } },
  }, async (request) => {
    const userId = requireUserId(request);
    const sessions = new StreamSessionRepository(request.em);
    await sessions.expireUnclaimed(userId);
    const { sessionId } = request.query;
    const session = sessionId === undefined ? await sessions.latestActive(userId) : await sessions.findOwned(userId, sessionId);
    if (session === null) {
      if (sessionId !== undefined) throw new AppError('STREAM_SESSION_NOT_FOUND');
      return { session: null, live: null, transport: null };
    }
    const ended = session.status === 'ended';
    const live = ended ? null : (relay.status(session.id) ?? waitingStatus(session));
    return { session: toSessionSummary(session), live, transport: ended ? null : (transportOf?.(session.id) ?? null) };
  });

  app.get('/api/stream/sessions', {
    schema: { tags: ['stream'], security, querystring: sessionHistoryQuery, response: { 200: sessionHistory, ...errors } },
  }, async (request) => {
    const { sessions, total } = await new StreamSessionRepository(request.em).history(requireUserId(request), request.query.limit, request.query.offset);
    return { sessions: sessions.map(toSessionSummary), total };
  });

  app.get('/api/stream/sessions/:id', {
    schema: { tags: ['stream'], security, querystring: noQuery, params: idParams, response: { 200: sessionDetail, ...errors } },
  }, async (request) => {
    const sessions = new StreamSessionRepository(request.em);
    const session = await sessions.findOwned(requireUserId(request), request.params.id);
    if (session === null) throw new AppError('STREAM_SESSION_NOT_FOUND');
    return { session: toSessionSummary(session), samples: await sessions.samples(session.id, maxSessionSamples) };
  });
};
