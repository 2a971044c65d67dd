/** `/api/user/profile` bodies and responses. */
import { z } from 'zod';
import { publicUser } from './auth.ts';

export const profileResponse = publicUser;
export type ProfileResponse = z.infer<typeof profileResponse>;

export const patchProfileBody = z.strictObject({
  displayName: z.string().trim().min(1).max(80).nullable().optional(),
});
export type PatchProfileBody = z.infer<typeof patchProfileBody>;
