import type { EntityManager } from '@mikro-orm/postgresql';
import type { StatsSample, StreamSessionSummary } from '@streamhub/shared/api/stream';
import type { Resolution } from '@streamhub/shared/plans';
import type { DestinationStatus } from '@streamhub/shared/relay-status';
import { redactedTarget } from '../destination/destination.repository.ts';
import type { IDestination } from '../destination/destination.entity.ts';
import { destinationOutcome } from './session-recorder.ts';
import { StreamSession, StreamSessionDestination, StreamStatsSample, type IStreamSession } from './stream-session.entity.ts';

export interface NewSession {
  readonly userId: string;
  readonly id: string;
  readonly resolution: Resolution;
  readonly record: boolean;
  readonly videoBitrateKbps: number;
  readonly ingestTokenJti: string;
  readonly ingestTokenExpiresAt: Date;
  readonly destinations: readonly IDestination[];
}

interface SampleRow {
  readonly at: Date | string;
  readonly input_bitrate_kbps: number;
  readonly input_fps: number;
  readonly destinations: StatsSample['destinations'];
}

export type ClaimResult = 'claimed' | 'reused' | 'unknown';

/** Queries on `stream_sessions` and their destination results, scoped to one owner where a user asks. */
export class StreamSessionRepository {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  /** Ends sessions whose ingest token expired unused, so they stop counting against the plan. */
  async expireUnclaimed(userId: string): Promise<void> {
    const now = new Date();
    await this.#em.nativeUpdate(
      StreamSession,
      { user: userId, status: 'starting', ingestTokenUsedAt: null, ingestTokenExpiresAt: { $lt: now } },
      { status: 'ended', outcome: 'expired', endedAt: now },
    );
  }

  countActive(userId: string): Promise<number> {
    return this.#em.count(StreamSession, { user: userId, status: { $in: ['starting', 'live'] } });
  }

  async create(data: NewSession): Promise<IStreamSession> {
    const session = this.#em.create(StreamSession, {
      id: data.id, user: data.userId, resolution: data.resolution, record: data.record, videoBitrateKbps: data.videoBitrateKbps,
      ingestTokenJti: data.ingestTokenJti, ingestTokenExpiresAt: data.ingestTokenExpiresAt,
    });
    for (const destination of data.destinations) {
      this.#em.create(StreamSessionDestination, {
        session, destination, name: destination.name, platform: destination.platform, redactedUrl: redactedTarget(destination),
      });
    }
    await this.#em.flush();
    return session;
  }

  findOwned(userId: string, id: string): Promise<IStreamSession | null> {
    return this.#em.findOne(StreamSession, { id, user: userId }, { populate: ['destinations'] });
  }

  latestActive(userId: string): Promise<IStreamSession | null> {
    return this.#em.findOne(StreamSession, { user: userId, status: { $in: ['starting', 'live'] } }, { populate: ['destinations'], orderBy: { createdAt: 'desc' } });
  }

  async history(userId: string, limit: number, offset: number): Promise<{ sessions: IStreamSession[]; total: number }> {
    const [sessions, total] = await this.#em.findAndCount(
      StreamSession, { user: userId }, { populate: ['destinations'], orderBy: { createdAt: 'desc', id: 'desc' }, limit, offset },
    );
    return { sessions, total };
  }

  /**
   * Ends a session. `last` is the relay's final view of its destinations, taken before the relay
   * forgot the session: each destination keeps its real result (completed, failed with the reason…)
   * and counters instead of just the session's outcome.
   */
  async end(session: IStreamSession, outcome: NonNullable<IStreamSession['outcome']>, last: readonly DestinationStatus[] = []): Promise<void> {
    session.status = 'ended';
    session.outcome = outcome;
    session.endedAt = new Date();
    for (const result of session.destinations) {
      const final = last.find((d) => d.id === result.destination?.id);
      if (final === undefined) {
        result.outcome ??= outcome;
        continue;
      }
      Object.assign(result, destinationOutcome(final), {
        bytesSent: final.bytesSent, framesSent: final.framesSent, framesDropped: final.framesDropped, reconnects: final.reconnects,
      });
    }
    await this.#em.flush();
  }

  /** Marks the ingest token used, atomically: only the first presentation of a `jti` wins. */
  async claimIngestToken(sessionId: string, jti: string): Promise<ClaimResult> {
    const now = new Date();
    const claimed = await this.#em.nativeUpdate(
      StreamSession,
      { id: sessionId, ingestTokenJti: jti, ingestTokenUsedAt: null, status: 'starting' },
      { ingestTokenUsedAt: now, status: 'live', startedAt: now },
    );
    if (claimed === 1) return 'claimed';
    const used = await this.#em.count(StreamSession, { id: sessionId, ingestTokenJti: jti, ingestTokenUsedAt: { $ne: null } });
    return used > 0 ? 'reused' : 'unknown';
  }

  /** A session's stats history, oldest first, thinned evenly to at most `max` samples (a long show keeps its shape). */
  async samples(sessionId: string, max: number): Promise<StatsSample[]> {
    const total = await this.#em.count(StreamStatsSample, { session: sessionId });
    const step = Math.max(1, Math.ceil(total / max));
    const rows = await this.#em.execute<SampleRow[]>(
      `select at, input_bitrate_kbps, input_fps, destinations from (
         select *, row_number() over (order by at, id) - 1 as n from stream_stats_samples where session_id = ?
       ) s where n % ? = 0 order by at, id`,
      [sessionId, step],
    );
    return rows.map((r) => ({
      at: new Date(r.at).toISOString(), inputBitrateKbps: r.input_bitrate_kbps, inputFps: r.input_fps, destinations: r.destinations,
    }));
  }

  /** Session with its destination results and the destinations' encrypted keys (for the relay grant). */
  findForGrant(sessionId: string): Promise<IStreamSession | null> {
    return this.#em.findOne(StreamSession, { id: sessionId }, { populate: ['destinations', 'destinations.destination.streamKeyCiphertext'] });
  }
}

export function toSessionSummary(session: IStreamSession): StreamSessionSummary {
  const end = session.endedAt?.getTime() ?? null;
  const start = session.startedAt?.getTime() ?? null;
  return {
    id: session.id, status: session.status, outcome: session.outcome ?? null, resolution: session.resolution, record: session.record,
    videoBitrateKbps: session.videoBitrateKbps, createdAt: session.createdAt.toISOString(),
    startedAt: session.startedAt?.toISOString() ?? null, endedAt: session.endedAt?.toISOString() ?? null,
    durationSeconds: start !== null && end !== null ? Math.round((end - start) / 1000) : null,
    destinations: session.destinations.getItems().map((d) => ({
      destinationId: d.destination?.id ?? null, name: d.name, platform: d.platform, redactedUrl: d.redactedUrl, outcome: d.outcome ?? null,
      lastError: d.lastError ?? null, bytesSent: d.bytesSent, framesSent: d.framesSent, framesDropped: d.framesDropped, reconnects: d.reconnects,
    })),
  };
}
