import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DestinationResponse } from '@streamhub/shared/api/destination';
import { maskSecret, rtmpTarget, type Platform } from '@streamhub/shared/platforms';
import type { RelayDestination } from '../../live/contracts.ts';
import { Destination, type IDestination } from './destination.entity.ts';
import type { StreamKeyCipher } from './stream-key-cipher.ts';

export interface NewDestination {
  readonly name: string;
  readonly platform: Platform;
  readonly url: string;
  readonly streamKey: string;
  readonly title: string | null;
  readonly enabled: boolean;
}

export interface DestinationPatch {
  readonly name?: string | undefined;
  readonly url?: string | undefined;
  readonly streamKey?: string | undefined;
  readonly title?: string | null | undefined;
  readonly enabled?: boolean | undefined;
}

/** Queries on `destinations`, always scoped to one owner: another user's row is simply not found. */
export class DestinationRepository {
  readonly #em: EntityManager;
  readonly #cipher: StreamKeyCipher;

  constructor(em: EntityManager, cipher: StreamKeyCipher) {
    this.#em = em;
    this.#cipher = cipher;
  }

  listForUser(userId: string): Promise<IDestination[]> {
    return this.#em.find(Destination, { user: userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  findOwned(userId: string, id: string): Promise<IDestination | null> {
    return this.#em.findOne(Destination, { id, user: userId });
  }

  /** The owner's destinations among `ids`, with the encrypted keys loaded. */
  findOwnedWithKeys(userId: string, ids: readonly string[]): Promise<IDestination[]> {
    return this.#em.find(Destination, { id: { $in: [...ids] }, user: userId }, { populate: ['streamKeyCiphertext'] });
  }

  async create(userId: string, data: NewDestination): Promise<IDestination> {
    const id = randomUUID();
    const key = this.#cipher.encrypt(data.streamKey, id);
    const row = this.#em.create(Destination, {
      id, user: userId, name: data.name, platform: data.platform, url: data.url, title: data.title, enabled: data.enabled,
      streamKeyCiphertext: key.ciphertext, streamKeyKeyId: key.keyId, streamKeyLast4: data.streamKey.slice(-4),
    });
    await this.#em.flush();
    return row;
  }

  async update(row: IDestination, patch: DestinationPatch): Promise<IDestination> {
    if (patch.name !== undefined) row.name = patch.name;
    if (patch.url !== undefined) row.url = patch.url;
    if (patch.title !== undefined) row.title = patch.title;
    if (patch.enabled !== undefined) row.enabled = patch.enabled;
    if (patch.streamKey !== undefined) {
      const key = this.#cipher.encrypt(patch.streamKey, row.id);
      row.streamKeyCiphertext = key.ciphertext;
      row.streamKeyKeyId = key.keyId;
      row.streamKeyLast4 = patch.streamKey.slice(-4);
    }
    await this.#em.flush();
    return row;
  }

  async remove(row: IDestination): Promise<void> {
    this.#em.remove(row);
    await this.#em.flush();
  }

  /** Key rotation: re-encrypts every row not yet under the current key; resolves to the count. */
  async reencryptAll(): Promise<number> {
    const rows = await this.#em.find(Destination, { streamKeyKeyId: { $ne: this.#cipher.currentKeyId } }, { populate: ['streamKeyCiphertext'] });
    for (const row of rows) {
      const key = this.#cipher.encrypt(this.#decrypt(row), row.id);
      row.streamKeyCiphertext = key.ciphertext;
      row.streamKeyKeyId = key.keyId;
    }
    await this.#em.flush();
    return rows.length;
  }

  /** The relay's view: full RTMP target (secret) and its masked twin. Needs the key loaded. */
  toRelayDestination(row: IDestination): RelayDestination {
    const key = this.#decrypt(row);
    return { id: row.id, name: row.name, platform: row.platform, url: rtmpTarget(row.url, key), redactedUrl: rtmpTarget(row.url, maskSecret(key)) };
  }

  #decrypt(row: IDestination): string {
    // A lazy column: undefined at run time unless populated, whatever the inferred type says.
    const ciphertext = row.streamKeyCiphertext as string | undefined;
    if (ciphertext === undefined) throw new Error(`stream key of destination ${row.id} not loaded`);
    return this.#cipher.decrypt({ ciphertext, keyId: row.streamKeyKeyId }, row.id);
  }
}

/** The API's view: the key only as `****` + last 4 characters. */
export function toDestinationResponse(row: IDestination): DestinationResponse {
  return {
    id: row.id, name: row.name, platform: row.platform, url: row.url, streamKeyMasked: `****${row.streamKeyLast4}`,
    title: row.title ?? null, enabled: row.enabled, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

export function redactedTarget(row: IDestination): string {
  return rtmpTarget(row.url, `****${row.streamKeyLast4}`);
}
