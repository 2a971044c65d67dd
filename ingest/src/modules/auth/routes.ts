import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loginBody, publicUser, registerBody, tokenResponse, type TokenResponse } from '@streamhub/shared/api/auth';
import { errorBody } from '@streamhub/shared/api/error';
import { accessTokenTtlSeconds } from '../../plugins/auth.ts';
import { AppError } from '../../plugins/app-error.ts';
import type { IUser } from '../user/user.entity.ts';
import { toPublicUser, UserRepository } from '../user/user.repository.ts';
import { assertCsrfSafe } from './csrf.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { RefreshTokenRepository, refreshTokenTtlMs } from './refresh-token.repository.ts';
import { noQuery } from '../no-query.ts';

export interface AuthRoutesOptions {
  readonly studioOrigin: string | undefined;
  readonly rateLimitPerMinute: number;
}

export const refreshCookieName = 'shp_refresh';
const cookieOptions = { path: '/api/auth', httpOnly: true, secure: true, sameSite: 'strict' } as const;
const clearCookie = (reply: FastifyReply): void => {
  reply.clearCookie(refreshCookieName, cookieOptions);
};
const refreshCookie = (request: FastifyRequest): string | undefined => request.cookies[refreshCookieName];
/** Refresh and logout read only the cookie; any body field is refused like on every other route. */
const noBody = z.strictObject({}).nullish();

/** Registration's extra strength rule that needs the email (the rest live in the shared schema). */
function assertPasswordAvoidsEmail(email: string, password: string): void {
  const localPart = email.split('@')[0] ?? '';
  if (localPart.length >= 4 && password.toLowerCase().includes(localPart)) {
    throw new AppError('HTTP_BAD_REQUEST', 'Invalid request: body.password: Password must not contain your email name.');
  }
}

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { studioOrigin, rateLimitPerMinute }) => {
  const rateLimit = { max: rateLimitPerMinute, timeWindow: 60_000 };
  const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 409: errorBody, 429: errorBody };

  const issueTokens = (reply: FastifyReply, user: IUser, refresh: { token: string; familyId: string }): TokenResponse => {
    reply.setCookie(refreshCookieName, refresh.token, { ...cookieOptions, maxAge: refreshTokenTtlMs / 1000 });
    const accessToken = app.jwt.access.sign({ sub: user.id, sid: refresh.familyId, typ: 'access' });
    return { accessToken, tokenType: 'Bearer', expiresIn: accessTokenTtlSeconds, user: toPublicUser(user) };
  };

  app.post('/api/auth/register', {
    config: { rateLimit },
    schema: { tags: ['auth'], querystring: noQuery, body: registerBody, response: { 201: publicUser, ...errors } },
  }, async (request, reply) => {
    const users = new UserRepository(request.em);
    const { email, password, displayName } = request.body;
    assertPasswordAvoidsEmail(email, password);
    if (await users.existsByEmail(email)) throw new AppError('AUTH_EMAIL_TAKEN');
    const user = await users.create({ email, passwordHash: await hashPassword(password), displayName: displayName ?? null });
    return reply.code(201).send(toPublicUser(user));
  });

  app.post('/api/auth/login', {
    config: { rateLimit },
    schema: { tags: ['auth'], querystring: noQuery, body: loginBody, response: { 200: tokenResponse, ...errors } },
  }, async (request, reply) => {
    const user = await new UserRepository(request.em).findByEmailForLogin(request.body.email);
    if (!(await verifyPassword(user?.passwordHash, request.body.password)) || user === null) {
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    const refresh = await new RefreshTokenRepository(request.em).issue(user.id, {
      deviceLabel: request.body.deviceLabel ?? null,
      userAgent: request.headers['user-agent'] ?? null,
    });
    return issueTokens(reply, user, refresh);
  });

  app.post('/api/auth/refresh', {
    config: { rateLimit },
    schema: { tags: ['auth'], querystring: noQuery, body: noBody, response: { 200: tokenResponse, ...errors } },
  }, async (request, reply) => {
    assertCsrfSafe(request, studioOrigin);
    const token = refreshCookie(request);
    if (token === undefined) throw new AppError('AUTH_REFRESH_INVALID');
    const result = await new RefreshTokenRepository(request.em).rotate(token);
    if (result.kind !== 'rotated') {
      clearCookie(reply);
      throw new AppError(result.kind === 'reused' ? 'AUTH_REFRESH_REUSED' : 'AUTH_REFRESH_INVALID');
    }
    const user = await new UserRepository(request.em).findById(result.userId);
    if (user === null) throw new AppError('AUTH_REFRESH_INVALID');
    return issueTokens(reply, user, result.issued);
  });

  app.post('/api/auth/logout', {
    config: { rateLimit },
    schema: { tags: ['auth'], querystring: noQuery, body: noBody, response: { 204: z.null(), ...errors } },
  }, async (request, reply) => {
    assertCsrfSafe(request, studioOrigin);
    const token = refreshCookie(request);
    if (token !== undefined) await new RefreshTokenRepository(request.em).revokeByToken(token);
    clearCookie(reply);
    return reply.code(204).send(null);
  });
};
