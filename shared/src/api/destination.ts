/** `/api/destinations` bodies and responses. Stream keys go in, only masked keys come out. */
import { z } from 'zod';
import { platforms } from '../platforms.ts';

export const platformSchema = z.enum(platforms);

/** RTMP(S) ingest URL without the key; credentials in the URL are refused (they would leak unmasked). */
export const rtmpUrlSchema = z
  .url({ protocol: /^rtmps?$/, error: 'URL must be an rtmp:// or rtmps:// address.' })
  .max(500)
  .refine((url) => !/^rtmps?:\/\/[^/]*@/.test(url), 'URL must not contain credentials.');

export const streamKeySchema = z
  .string()
  .min(4, 'Stream key is too short.')
  .max(500)
  .regex(/^[\x21-\x7e]+$/, 'Stream key must be printable ASCII without spaces.');

export const createDestinationBody = z.strictObject({
  name: z.string().trim().min(1).max(80),
  platform: platformSchema,
  /** Optional for preset platforms (filled from the preset); required for `custom`. */
  url: rtmpUrlSchema.optional(),
  streamKey: streamKeySchema,
  title: z.string().trim().min(1).max(140).optional(),
  enabled: z.boolean().optional(),
});
export type CreateDestinationBody = z.infer<typeof createDestinationBody>;

export const patchDestinationBody = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  url: rtmpUrlSchema.optional(),
  streamKey: streamKeySchema.optional(),
  title: z.string().trim().min(1).max(140).nullable().optional(),
  enabled: z.boolean().optional(),
});
export type PatchDestinationBody = z.infer<typeof patchDestinationBody>;

export const destinationResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  platform: platformSchema,
  url: z.string(),
  /** `****` + last 4 characters; the full key never leaves the server. */
  streamKeyMasked: z.string(),
  title: z.string().nullable(),
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DestinationResponse = z.infer<typeof destinationResponse>;

export const destinationList = z.object({ destinations: z.array(destinationResponse) });
