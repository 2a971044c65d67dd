import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { mediaKindOf, type MediaAssetResponse, type MediaMimeType } from '@streamhub/shared/api/media';
import { User } from '../user/user.entity.ts';
import { MediaAsset, type IMediaAsset } from './media-asset.entity.ts';

export interface NewUpload {
  readonly id: string;
  readonly userId: string;
  readonly fileName: string;
  readonly mimeType: MediaMimeType;
  readonly sizeBytes: number;
  readonly storagePath: string;
}

/** Queries on `media_assets`, always scoped to one owner. */
export class MediaAssetRepository {
  readonly #em: EntityManager;

  constructor(em: EntityManager) {
    this.#em = em;
  }

  listUploads(userId: string): Promise<IMediaAsset[]> {
    return this.#em.find(MediaAsset, { user: userId, kind: 'upload' }, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  findOwned(userId: string, id: string): Promise<IMediaAsset | null> {
    return this.#em.findOne(MediaAsset, { id, user: userId });
  }

  /**
   * Bytes of every stored file of the user (uploads and recordings count against one quota).
   * `em.execute` runs inside the EntityManager's transaction when there is one: the embedded
   * database has a pool of one connection, where a second connection would wait forever.
   */
  async usedBytes(userId: string): Promise<number> {
    const rows = await this.#em.execute<{ used: string | null }[]>(
      'select sum(size_bytes) as used from media_assets where user_id = ?', [userId],
    );
    return Number(rows[0]?.used ?? 0);
  }

  /**
   * Records an upload if it still fits the quota, with the user row locked so two uploads finishing
   * together cannot both pass; returns false (nothing written) when it does not fit.
   */
  async createWithinQuota(data: NewUpload, quotaBytes: number): Promise<IMediaAsset | null> {
    return this.#em.transactional(async (tx) => {
      await tx.findOneOrFail(User, { id: data.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const used = await new MediaAssetRepository(tx).usedBytes(data.userId);
      if (used + data.sizeBytes > quotaBytes) return null;
      return tx.create(MediaAsset, {
        id: data.id, user: data.userId, kind: 'upload', fileName: data.fileName, mimeType: data.mimeType,
        sizeBytes: data.sizeBytes, storagePath: data.storagePath,
      });
    });
  }

  async rename(asset: IMediaAsset, name: string): Promise<IMediaAsset> {
    asset.fileName = name;
    await this.#em.flush();
    return asset;
  }

  async remove(asset: IMediaAsset): Promise<void> {
    await this.#em.remove(asset).flush();
  }
}

export function toMediaResponse(asset: IMediaAsset): MediaAssetResponse {
  return {
    id: asset.id, name: asset.fileName, kind: mediaKindOf(asset.mimeType), mimeType: asset.mimeType, sizeBytes: asset.sizeBytes,
    createdAt: asset.createdAt.toISOString(),
  };
}
