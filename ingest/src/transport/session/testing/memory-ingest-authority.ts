import { randomBytes } from 'node:crypto';
import type { ConsumeResult, IngestAuthority, IngestGrant } from '../../../live/contracts.ts';

interface Entry {
  readonly grant: IngestGrant;
  readonly expiresAt: number;
  used: boolean;
}

/**
 * An in-memory IngestAuthority with single-use, expiring tokens, for transport tests and benchmarks
 * (the real one, JWT + database, lives in modules/stream). Same results as the contract requires.
 */
export class MemoryIngestAuthority implements IngestAuthority {
  readonly #tokens = new Map<string, Entry>();
  #sequence = 0;

  /** Mints a token for `userId` valid for `ttlMs`; the grant gets a fresh session id. */
  issue(userId: string, ttlMs = 60_000, grant: Partial<IngestGrant> = {}): string {
    this.#sequence += 1;
    // Prefixed so a token never starts with '-' (a command line would read it as an option).
    const token = `mem_${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(token, {
      grant: {
        sessionId: `session-${this.#sequence}`,
        userId,
        destinations: [],
        record: false,
        maxVideoBitrateKbps: 6_000,
        ...grant,
      },
      expiresAt: Date.now() + ttlMs,
      used: false,
    });
    return token;
  }

  async consume(token: string): Promise<ConsumeResult> {
    const entry = this.#tokens.get(token);
    if (!entry) return { ok: false, code: 'AUTH_TOKEN_INVALID', message: 'The ingest token is not valid.' };
    if (entry.used) return { ok: false, code: 'AUTH_TOKEN_REUSED', message: 'The ingest token was already used.' };
    entry.used = true;
    if (Date.now() >= entry.expiresAt) return { ok: false, code: 'AUTH_TOKEN_EXPIRED', message: 'The ingest token has expired.' };
    return { ok: true, grant: entry.grant };
  }
}
