import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { platforms } from '@streamhub/shared/platforms';
import { User } from '../user/user.entity.ts';

/**
 * Where a stream goes (data only; the process that sends is the relay's output). The stream key is
 * stored encrypted (`streamKeyCiphertext`, AES-256-GCM, see stream-key-cipher.ts) with the id of the
 * key that encrypted it, so keys can rotate; `streamKeyLast4` serves the masked form without decrypting.
 */
export const Destination = defineEntity({
  name: 'Destination',
  tableName: 'destinations',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    user: () => p.manyToOne(User).deleteRule('cascade').index(),
    name: p.string().length(80),
    platform: p.enum(platforms),
    url: p.string().length(500),
    streamKeyCiphertext: p.text().lazy(),
    streamKeyKeyId: p.string().length(16),
    streamKeyLast4: p.string().length(4),
    title: p.string().length(140).nullable(),
    enabled: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type IDestination = InferEntity<typeof Destination>;
