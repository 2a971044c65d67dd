import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { ConsumeResult, IngestAuthority } from '../../live/contracts.ts';
import { ingestClaims } from '../../plugins/auth.ts';
import { DestinationRepository } from '../destination/destination.repository.ts';
import type { StreamKeyCipher } from '../destination/stream-key-cipher.ts';
import { StreamSessionRepository } from './stream-session.repository.ts';

export interface IngestAuthorityOptions {
  /** A fresh EntityManager per call (the authority runs outside any HTTP request). */
  readonly fork: () => EntityManager;
  /** Verifies signature, algorithm, issuer, audience and expiry; throws otherwise. */
  readonly verify: (token: string) => unknown;
  readonly cipher: StreamKeyCipher;
}

const fail = (code: 'AUTH_TOKEN_INVALID' | 'AUTH_TOKEN_EXPIRED' | 'AUTH_TOKEN_REUSED', message: string): ConsumeResult => ({ ok: false, code, message });

/**
 * Turns a single-use ingest token into a grant: verifies the JWT, marks its `jti` used in the
 * session row (a second use is AUTH_TOKEN_REUSED), and decrypts the session's destinations for the relay.
 */
export function createIngestAuthority({ fork, verify, cipher }: IngestAuthorityOptions): IngestAuthority {
  return {
    async consume(token: string): Promise<ConsumeResult> {
      let claims: z.infer<typeof ingestClaims>;
      try {
        claims = ingestClaims.parse(verify(token));
      } catch (error) {
        const expired = (error as { code?: unknown } | null)?.code === 'FAST_JWT_EXPIRED';
        return expired ? fail('AUTH_TOKEN_EXPIRED', 'The ingest token has expired.') : fail('AUTH_TOKEN_INVALID', 'The ingest token is invalid.');
      }
      const em = fork();
      const sessions = new StreamSessionRepository(em);
      const claim = await sessions.claimIngestToken(claims.sid, claims.jti);
      if (claim === 'reused') return fail('AUTH_TOKEN_REUSED', 'The ingest token was already used.');
      if (claim === 'unknown') return fail('AUTH_TOKEN_INVALID', 'The ingest token does not match an open session.');
      const session = await sessions.findForGrant(claims.sid);
      if (session === null) return fail('AUTH_TOKEN_INVALID', 'The session no longer exists.');
      const destinations = new DestinationRepository(em, cipher);
      return {
        ok: true,
        grant: {
          sessionId: session.id,
          userId: claims.sub,
          record: session.record,
          maxVideoBitrateKbps: session.videoBitrateKbps,
          // A destination deleted since the start is skipped (its snapshot row keeps the history).
          destinations: session.destinations.getItems().flatMap((result) => (result.destination ? [destinations.toRelayDestination(result.destination)] : [])),
        },
      };
    },
  };
}
