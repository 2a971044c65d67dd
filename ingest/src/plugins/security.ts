import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { csrfHeaderName } from '@streamhub/shared/api/auth';
import type { IngestEndpoints } from '../live/contracts.ts';
import { AppError } from './app-error.ts';

export interface SecurityOptions {
  /** Allowed cross-origin caller (the studio in development); `undefined` means same-origin only. */
  readonly studioOrigin: string | undefined;
  /** Where publishers connect: their origins join `connect-src`. */
  readonly endpoints: IngestEndpoints;
}

const originOf = (url: string): string => new URL(url).origin;

/**
 * Helmet (CSP the studio runs under), CORS locked to the studio origin, cookies, and rate limiting
 * (opt-in per route via `config.rateLimit`).
 */
export const securityPlugin = fp<SecurityOptions>(
  async (app, { studioOrigin, endpoints }) => {
    const connectSrc = ["'self'", originOf(endpoints.websocketUrl), originOf(endpoints.webtransportUrl)];
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
          workerSrc: ["'self'", 'blob:'],
          connectSrc: [...new Set(connectSrc)],
          imgSrc: ["'self'", 'blob:', 'data:'],
          mediaSrc: ["'self'", 'blob:', 'data:'],
          // Vue binds `style` attributes at runtime; no inline scripts are allowed.
          styleSrc: ["'self'", "'unsafe-inline'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // Cross-origin isolation is not needed by the studio and would block the WebTransport origin's assets.
      crossOriginEmbedderPolicy: false,
    });
    await app.register(cors, {
      origin: studioOrigin === undefined ? false : [studioOrigin],
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', csrfHeaderName],
      maxAge: 600,
    });
    await app.register(cookie);
    await app.register(rateLimit, {
      global: false,
      // Runs after authentication so a user's limit follows the user, not the IP.
      hook: 'preHandler',
      keyGenerator: (request: FastifyRequest) => request.userId ?? request.ip,
      errorResponseBuilder: (request) =>
        new AppError(request.url.startsWith('/api/stream') ? 'STREAM_RATE_LIMITED' : 'AUTH_RATE_LIMITED'),
    });
  },
  { name: 'security' },
);
