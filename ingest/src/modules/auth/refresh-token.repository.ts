import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RefreshToken, type IRefreshToken } from './refresh-token.entity.ts';

export const refreshTokenTtlMs = 30 * 24 * 3600 * 1000;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface IssuedRefreshToken {
  /** The secret value for the cookie; only its hash is stored. */
  readonly token: string;
  readonly familyId: string;
}

export type RotateResult =
  | { readonly kind: 'rotated'; readonly userId: string; readonly issued: IssuedRefreshToken }
  | { readonly kind: 'invalid' }
  /** A rotated (already used) token came back: the family was revoked. */
  | { readonly kind: 'reused' };

export interface DeviceInfo {
  readonly deviceLabel: string | null;
  readonly userAgent: string | null;
}

/** Queries on `refresh_tokens`: issue, rotate with reuse detection, revoke, list sign-ins. */
export class RefreshTokenRepository {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  async issue(userId: string, device: DeviceInfo, familyId: string = randomUUID(), signedInAt = new Date()): Promise<IssuedRefreshToken> {
    const token = randomBytes(32).toString('base64url');
    this.#em.create(RefreshToken, {
      user: userId, familyId, tokenHash: hashToken(token), signedInAt,
      deviceLabel: device.deviceLabel, userAgent: device.userAgent?.slice(0, 300) ?? null,
      expiresAt: new Date(Date.now() + refreshTokenTtlMs),
    });
    await this.#em.flush();
    return { token, familyId };
  }

  /** Marks the presented token rotated (atomically: two racing refreshes cannot both win) and issues its successor. */
  async rotate(token: string): Promise<RotateResult> {
    const row = await this.#em.findOne(RefreshToken, { tokenHash: hashToken(token) });
    if (row === null || row.revokedAt !== null || row.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
    const now = new Date();
    const claimed = await this.#em.nativeUpdate(RefreshToken, { id: row.id, rotatedAt: null, revokedAt: null }, { rotatedAt: now });
    if (claimed === 0) {
      await this.revokeFamily(row.familyId);
      return { kind: 'reused' };
    }
    const userId = row.user.id;
    const issued = await this.issue(userId, { deviceLabel: row.deviceLabel ?? null, userAgent: row.userAgent ?? null }, row.familyId, row.signedInAt);
    return { kind: 'rotated', userId, issued };
  }

  /** Revokes every token of a family; resolves to the number of tokens revoked. */
  revokeFamily(familyId: string, userId?: string): Promise<number> {
    const where = userId === undefined ? { familyId, revokedAt: null } : { familyId, user: userId, revokedAt: null };
    return this.#em.nativeUpdate(RefreshToken, where, { revokedAt: new Date() });
  }

  /**
   * Whether a sign-in (family) is still live, for every authenticated request: revoking a family
   * revokes all of its rows, so one unrevoked row is enough. One probe of the `family_id` index,
   * stopping at the first live row; `em.execute` keeps it inside the request's transaction, if any.
   */
  async isFamilyActive(familyId: string): Promise<boolean> {
    const rows = await this.#em.execute<unknown[]>(
      'select 1 from refresh_tokens where family_id = ? and revoked_at is null limit 1', [familyId],
    );
    return rows.length > 0;
  }

  async revokeByToken(token: string): Promise<void> {
    const row = await this.#em.findOne(RefreshToken, { tokenHash: hashToken(token) });
    if (row !== null) await this.revokeFamily(row.familyId);
  }

  /** Active sign-ins: the current (unrotated, unrevoked, unexpired) token of each family. */
  listActive(userId: string): Promise<IRefreshToken[]> {
    return this.#em.find(
      RefreshToken,
      { user: userId, rotatedAt: null, revokedAt: null, expiresAt: { $gt: new Date() } },
      { orderBy: { createdAt: 'desc' } },
    );
  }
}
