import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from '../user/user.entity.ts';

/**
 * One refresh token, stored as its SHA-256. Tokens of one sign-in share a `familyId` (one row per
 * rotation); presenting a rotated token again revokes the whole family (OAuth 2.0 Security BCP,
 * RFC 9700 §4.14.2, refresh token rotation).
 */
export const RefreshToken = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    familyId: p.uuid().index(),
    tokenHash: p.string().length(64).unique(),
    deviceLabel: p.string().length(80).nullable(),
    userAgent: p.string().length(300).nullable(),
    /** When the family began (the sign-in); copied to each rotated successor. */
    signedInAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    rotatedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export type IRefreshToken = InferEntity<typeof RefreshToken>;
