import type { EntityManager } from '@mikro-orm/postgresql';
import type { DestinationStatus, SessionStatus } from '@streamhub/shared/relay-status';
import { StreamSession, StreamSessionDestination, StreamStatsSample, type IStreamSession } from './stream-session.entity.ts';

export type EndOutcome = NonNullable<IStreamSession['outcome']>;

/**
 * How the relay side writes a session's history: its end (outcome, per-destination results) and
 * periodic stats samples. Exposed as `app.streamSessions`; each call uses its own EntityManager fork.
 * Error strings from the relay must already be redacted (they are stored and shown to the user).
 */
export interface StreamSessionRecorder {
  ended(sessionId: string, outcome: EndOutcome, destinations?: readonly DestinationStatus[]): Promise<void>;
  sample(status: SessionStatus, at?: Date): Promise<void>;
}

/** A destination's recorded result from its last live state (also used when the user stops the show). */
export const destinationOutcome = (status: DestinationStatus): { outcome: string | null; lastError: string | null } => {
  switch (status.status.state) {
    case 'failed': return { outcome: 'failed', lastError: status.status.reason.slice(0, 300) };
    case 'retrying': return { outcome: 'retrying', lastError: status.status.lastError.slice(0, 300) };
    case 'live':
    case 'stopped': return { outcome: 'completed', lastError: null };
    case 'connecting': return { outcome: 'never-connected', lastError: null };
  }
};

export function createSessionRecorder(fork: () => EntityManager): StreamSessionRecorder {
  return {
    async ended(sessionId, outcome, destinations = []) {
      const em = fork();
      await em.transactional(async (tx) => {
        const now = new Date();
        await tx.nativeUpdate(StreamSession, { id: sessionId, status: { $ne: 'ended' } }, { status: 'ended', outcome, endedAt: now });
        for (const d of destinations) {
          await tx.nativeUpdate(StreamSessionDestination, { session: sessionId, destination: d.id }, {
            ...destinationOutcome(d), bytesSent: d.bytesSent, framesSent: d.framesSent, framesDropped: d.framesDropped, reconnects: d.reconnects,
          });
        }
      });
    },
    async sample(status, at = new Date()) {
      const em = fork();
      em.create(StreamStatsSample, {
        session: status.sessionId, at, inputBitrateKbps: Math.round(status.input.bitrateKbps), inputFps: status.input.fps,
        framesReceived: status.input.framesReceived, bytesReceived: status.input.bytesReceived,
        destinations: Object.fromEntries(status.destinations.map((d) => [d.id, { bitrateKbps: d.bitrateKbps, fps: d.fps, framesDropped: d.framesDropped }])),
      });
      await em.flush();
    },
  };
}
