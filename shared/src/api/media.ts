/** `/api/media/*` bodies and responses: the media bin's uploaded images and videos (issues 3, 7). */
import { z } from 'zod';

/** What the server accepts, by sniffed content (never by the client's Content-Type or file name). */
export const mediaMimeTypes = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'video/mp4', 'video/quicktime', 'video/webm'] as const;
export type MediaMimeType = (typeof mediaMimeTypes)[number];

export type MediaKind = 'image' | 'video';
export const mediaKindOf = (mimeType: string): MediaKind => (mimeType.startsWith('video/') ? 'video' : 'image');

const displayName = z.string().trim().min(1, 'A name is required.').max(255);

/** Query of `POST /api/media` (the body is the file's raw bytes, `application/octet-stream`). */
export const uploadMediaQuery = z.strictObject({ name: displayName });

export const renameMediaBody = z.strictObject({ name: displayName });
export type RenameMediaBody = z.infer<typeof renameMediaBody>;

export const mediaAssetResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['image', 'video']),
  mimeType: z.string(),
  sizeBytes: z.number().int(),
  createdAt: z.iso.datetime(),
});
export type MediaAssetResponse = z.infer<typeof mediaAssetResponse>;

export const mediaList = z.object({
  assets: z.array(mediaAssetResponse),
  /** Bytes of all the user's uploads, and what the plan allows (shared/plans.ts). */
  usedBytes: z.number().int(),
  quotaBytes: z.number().int(),
  maxUploadBytes: z.number().int(),
});
export type MediaList = z.infer<typeof mediaList>;
