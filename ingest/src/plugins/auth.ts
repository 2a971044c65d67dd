import { createHmac } from 'node:crypto';
import jwt from '@fastify/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { RefreshTokenRepository } from '../modules/auth/refresh-token.repository.ts';
import { AppError } from './app-error.ts';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    namespaces: 'access' | 'ingest';
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** preHandler: requires a valid access token of a live sign-in; sets `request.userId` and `request.authSessionId`. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    userId: string | undefined;
    /** Refresh-token family of the sign-in that issued the access token. */
    authSessionId: string | undefined;
  }
}

export const accessTokenTtlSeconds = 15 * 60;
export const ingestTokenTtlSeconds = 60;
const issuer = 'streamhub-ingest';

/** Access token claims: the schema is the type (STYLE.md, Boundaries). */
export const accessClaims = z.object({ sub: z.uuid(), sid: z.uuid(), typ: z.literal('access') });
/** Ingest token claims: one stream session, one use (`jti` is stored with the session). */
export const ingestClaims = z.object({ sub: z.uuid(), sid: z.uuid(), jti: z.uuid(), typ: z.literal('ingest') });

/** Each token kind gets its own key, derived from JWT_SECRET, so one kind can never pass as the other. */
const derive = (secret: string, purpose: string): string => createHmac('sha256', secret).update(purpose).digest('base64url');

/** JWTs: HS256 pinned on sign and verify (RFC 8725 §3.1), issuer/audience checked, short expiries. */
export const authPlugin = fp<{ jwtSecret: string }>(
  async (app, { jwtSecret }) => {
    for (const [namespace, expiresIn] of [['access', accessTokenTtlSeconds], ['ingest', ingestTokenTtlSeconds]] as const) {
      await app.register(jwt, {
        namespace,
        secret: derive(jwtSecret, `streamhub/${namespace}-token/v1`),
        sign: { algorithm: 'HS256', iss: issuer, aud: namespace, expiresIn: `${expiresIn}s` },
        verify: { algorithms: ['HS256'], allowedIss: issuer, allowedAud: namespace },
      });
    }
    app.decorateRequest('userId', undefined);
    app.decorateRequest('authSessionId', undefined);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const header = request.headers.authorization;
      const token = header?.startsWith('Bearer ') === true ? header.slice(7) : undefined;
      if (token === undefined) throw new AppError('AUTH_UNAUTHENTICATED');
      let claims: z.infer<typeof accessClaims>;
      try {
        claims = accessClaims.parse(app.jwt.access.verify(token));
      } catch {
        throw new AppError('AUTH_UNAUTHENTICATED');
      }
      // A signature alone would trust the token for its whole 15 minutes after logout or a revoke;
      // the database is asked every time so that every instance sees a revoke at once.
      if (!(await new RefreshTokenRepository(request.em).isFamilyActive(claims.sid))) throw new AppError('AUTH_SESSION_REVOKED');
      request.userId = claims.sub;
      request.authSessionId = claims.sid;
    });
  },
  { name: 'auth', dependencies: ['security', 'db'] },
);

/** The authenticated user's id (routes behind `app.authenticate` only). */
export function requireUserId(request: FastifyRequest): string {
  if (request.userId === undefined) throw new AppError('AUTH_UNAUTHENTICATED');
  return request.userId;
}
