import type { FastifyRequest } from 'fastify';
import { csrfHeaderName } from '@streamhub/shared/api/auth';
import { AppError } from '../../plugins/app-error.ts';

/**
 * CSRF defence for the two cookie-authenticated routes (refresh, logout). The cookie is already
 * SameSite=Strict; on top, the request must carry the custom header `x-streamhub-csrf` (OWASP CSRF
 * cheat sheet, "custom request headers"): a cross-site form or image cannot set it, and a cross-site
 * `fetch` that sets it needs a CORS preflight, which only STUDIO_ORIGIN passes. If the browser sends
 * `Origin`, it must be this server or the studio origin. Chosen over a double-submit token because
 * the studio holds no readable CSRF secret and needs no extra round trip to get one.
 */
export function assertCsrfSafe(request: FastifyRequest, studioOrigin: string | undefined): void {
  if (request.headers[csrfHeaderName] === undefined) throw new AppError('AUTH_CSRF');
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const self = `${request.protocol}://${request.host}`;
  if (origin !== self && origin !== studioOrigin) throw new AppError('AUTH_CSRF');
}
