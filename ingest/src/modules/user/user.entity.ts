import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { plans } from '@streamhub/shared/plans';

/** An account. `email` is stored lowercased; `passwordHash` is an argon2id PHC string. */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    email: p.string().length(254).unique(),
    passwordHash: p.text().lazy(),
    displayName: p.string().length(80).nullable(),
    plan: p.enum(plans).default('free'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IUser = InferEntity<typeof User>;
