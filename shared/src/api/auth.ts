/** REST bodies and responses of `/api/auth/*`: the schema is the type, shared by the ingest and the studio. */
import { z } from 'zod';

export const emailSchema = z.email().max(254).transform((email) => email.toLowerCase());

/** Password strength rules (the studio shows the same ones): 10–128 characters, letters and digits. */
export const passwordSchema = z
  .string()
  .min(10, 'Password must be at least 10 characters long.')
  .max(128, 'Password must be at most 128 characters long.')
  .regex(/[A-Za-z]/, 'Password must contain a letter.')
  .regex(/[0-9]/, 'Password must contain a digit.');

export const registerBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  displayName: z.string().trim().min(1).max(80).optional(),
});
export type RegisterBody = z.infer<typeof registerBody>;

/** Login never applies the strength rules: a failure must look the same whatever was wrong. */
export const loginBody = z.strictObject({
  email: z.string().max(254).transform((email) => email.toLowerCase()),
  password: z.string().max(1024),
  deviceLabel: z.string().trim().min(1).max(80).optional(),
});
export type LoginBody = z.infer<typeof loginBody>;

export const plansSchema = z.enum(['free', 'pro', 'business']);

export const publicUser = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
  plan: plansSchema,
  createdAt: z.iso.datetime(),
});
export type PublicUser = z.infer<typeof publicUser>;

/** Login and refresh answer; the refresh token travels only in the httpOnly cookie. */
export const tokenResponse = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Access token lifetime, seconds'),
  user: publicUser,
});
export type TokenResponse = z.infer<typeof tokenResponse>;

export const authSession = z.object({
  id: z.uuid().describe('Refresh token family id: one per signed-in device'),
  deviceLabel: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime(),
  current: z.boolean(),
});
export const authSessionList = z.object({ sessions: z.array(authSession) });
export type AuthSession = z.infer<typeof authSession>;

export const idParams = z.strictObject({ id: z.uuid() });

/** Header the studio sends on cookie-authenticated requests (refresh, logout): see the CSRF note in the ingest. */
export const csrfHeaderName = 'x-streamhub-csrf';
