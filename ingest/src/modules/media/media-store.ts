import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaMimeType } from '@streamhub/shared/api/media';
import { AppError } from '../../plugins/app-error.ts';
import { sniffBytes, sniffMediaType } from './sniff.ts';

export interface StoreOptions {
  readonly userId: string;
  readonly assetId: string;
  /** Bytes the upload may have; past it the write stops with `overLimit`. */
  readonly limitBytes: number;
  readonly overLimit: AppError;
}

export interface StoredFile {
  /** Relative to the store's root (what the database keeps, so the data folder can move). */
  readonly storagePath: string;
  readonly sizeBytes: number;
  readonly mimeType: MediaMimeType;
}

/** Counts bytes (stopping past the limit) and sniffs the type from the first bytes as they pass. */
class UploadGuard extends Transform {
  readonly #options: StoreOptions;
  #head = new Uint8Array(0);
  bytes = 0;
  mimeType: MediaMimeType | null = null;

  constructor(options: StoreOptions) {
    super();
    this.#options = options;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.#options.limitBytes) return callback(this.#options.overLimit);
    if (this.mimeType === null) {
      this.#head = Buffer.concat([this.#head, chunk.subarray(0, sniffBytes)]).subarray(0, sniffBytes);
      if (this.#head.length >= sniffBytes) {
        this.mimeType = sniffMediaType(this.#head);
        if (this.mimeType === null) return callback(new AppError('MEDIA_TYPE_UNSUPPORTED'));
      }
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes === 0) return callback(new AppError('MEDIA_EMPTY'));
    this.mimeType ??= sniffMediaType(this.#head);
    callback(this.mimeType === null ? new AppError('MEDIA_TYPE_UNSUPPORTED') : null);
  }
}

/**
 * Uploaded media files on disk under `<root>/<userId>/<assetId>`. Uploads stream to a `.part` file
 * (never held whole in memory) and are renamed into place only once complete and accepted.
 */
export class MediaStore {
  readonly #root: string;

  constructor(root: string) {
    this.#root = resolve(root);
  }

  async write(source: Readable, options: StoreOptions): Promise<StoredFile> {
    const dir = join(this.#root, options.userId);
    await mkdir(dir, { recursive: true });
    const final = join(dir, options.assetId);
    const part = `${final}.part`;
    const guard = new UploadGuard(options);
    // The request is piped, not part of the pipeline: a refused upload must not destroy the request
    // (that would reset the socket before the 4xx answer is written); it is drained instead.
    const written = pipeline(guard, createWriteStream(part, { mode: 0o600 }));
    const onSourceError = (error: Error): void => void guard.destroy(error);
    source.on('error', onSourceError).pipe(guard);
    try {
      await written;
      await rename(part, final);
    } catch (error) {
      source.unpipe(guard);
      source.resume();
      await rm(part, { force: true });
      throw error;
    } finally {
      source.off('error', onSourceError);
    }
    if (guard.mimeType === null) throw new AppError('MEDIA_TYPE_UNSUPPORTED');
    return { storagePath: relative(this.#root, final), sizeBytes: guard.bytes, mimeType: guard.mimeType };
  }

  /** A read stream of the whole file or one inclusive byte range. */
  read(storagePath: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.#path(storagePath), range ?? {});
  }

  async remove(storagePath: string): Promise<void> {
    await rm(this.#path(storagePath), { force: true });
  }

  /** Resolves a stored path, refusing anything that would leave the root (a corrupted or forged row). */
  #path(storagePath: string): string {
    const path = resolve(this.#root, storagePath);
    if (!path.startsWith(this.#root + sep)) throw new AppError('MEDIA_NOT_FOUND');
    return path;
  }
}
