/**
 * The media bin: the user's uploaded images and videos on the server (issue 7). Uploads report the
 * browser's real upload progress and can be cancelled; an asset is put into the scene by fetching
 * its bytes and handing them to the engine like a local file.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { mediaMimeTypes } from '@streamhub/shared/api/media';
import { ApiError } from '../api/http.ts';
import { useEndpoints } from '../api/provide.ts';
import type { MediaAsset } from '../api/types.ts';
import { useStudioStore } from './studio.ts';

export interface Upload {
  readonly key: number;
  readonly name: string;
  readonly sizeBytes: number;
  readonly progress: number;
}

/** What the file picker offers; the server decides by the bytes, this only spares a doomed upload. */
export const mediaAccept = mediaMimeTypes.join(',');

export const useMediaStore = defineStore('media', () => {
  const api = useEndpoints();
  const studio = useStudioStore();
  const assets = ref<MediaAsset[]>([]);
  const usedBytes = ref(0);
  const quotaBytes = ref(0);
  const maxUploadBytes = ref(0);
  const loaded = ref(false);
  const uploads = ref<Upload[]>([]);
  /** Asset ids being fetched into the scene. */
  const adding = ref<string[]>([]);
  // AbortControllers are not state: kept outside reactivity, by upload key.
  const cancels = new Map<number, AbortController>();
  let uploadKey = 0;

  async function load(): Promise<void> {
    try {
      const library = await api.mediaLibrary();
      assets.value = library.assets;
      usedBytes.value = library.usedBytes;
      quotaBytes.value = library.quotaBytes;
      maxUploadBytes.value = library.maxUploadBytes;
      loaded.value = true;
    } catch (error) {
      studio.reportError(error);
    }
  }

  /** Refuses early what the server would refuse (size, quota, type), with the same codes. */
  function precheck(file: File): string | null {
    if (!loaded.value) return null;
    if (file.type !== '' && !(mediaMimeTypes as readonly string[]).includes(file.type)) return 'MEDIA_TYPE_UNSUPPORTED';
    if (file.size > maxUploadBytes.value) return 'MEDIA_TOO_LARGE';
    const pendingBytes = uploads.value.reduce((sum, u) => sum + u.sizeBytes, 0);
    if (usedBytes.value + pendingBytes + file.size > quotaBytes.value) return 'PLAN_STORAGE_LIMIT';
    return null;
  }

  async function upload(file: File): Promise<MediaAsset | null> {
    const refused = precheck(file);
    if (refused !== null) {
      studio.report(refused, `${file.name} cannot be uploaded.`);
      return null;
    }
    const key = ++uploadKey;
    const cancel = new AbortController();
    cancels.set(key, cancel);
    uploads.value = [...uploads.value, { key, name: file.name, sizeBytes: file.size, progress: 0 }];
    const onProgress = (fraction: number): void => {
      uploads.value = uploads.value.map((u) => (u.key === key ? { ...u, progress: fraction } : u));
    };
    try {
      const asset = await api.uploadMedia(file, file.name, { onProgress, signal: cancel.signal });
      assets.value = [asset, ...assets.value];
      usedBytes.value += asset.sizeBytes;
      return asset;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'HTTP_ABORTED')) studio.reportError(error);
      return null;
    } finally {
      cancels.delete(key);
      uploads.value = uploads.value.filter((u) => u.key !== key);
    }
  }

  const cancelUpload = (key: number): void => cancels.get(key)?.abort();

  async function rename(id: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (trimmed === '') return;
    try {
      const renamed = await api.renameMedia(id, trimmed);
      assets.value = assets.value.map((a) => (a.id === id ? renamed : a));
    } catch (error) {
      studio.reportError(error);
    }
  }

  async function remove(id: string): Promise<void> {
    try {
      await api.deleteMedia(id);
      const gone = assets.value.find((a) => a.id === id);
      assets.value = assets.value.filter((a) => a.id !== id);
      usedBytes.value = Math.max(0, usedBytes.value - (gone?.sizeBytes ?? 0));
    } catch (error) {
      studio.reportError(error);
    }
  }

  /** Fetches the asset and adds it to the scene as an image or video source. */
  async function addToScene(asset: MediaAsset): Promise<void> {
    adding.value = [...adding.value, asset.id];
    try {
      const blob = await api.mediaContent(asset.id);
      await studio.addFile(asset.kind, new File([blob], asset.name, { type: asset.mimeType }));
    } catch (error) {
      studio.reportError(error);
    } finally {
      adding.value = adding.value.filter((id) => id !== asset.id);
    }
  }

  return { assets, usedBytes, quotaBytes, maxUploadBytes, loaded, uploads, adding, load, upload, cancelUpload, rename, remove, addToScene };
});
