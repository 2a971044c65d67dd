import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { errorRegistry, type AppErrorShape } from '@streamhub/shared';
import { AppError } from './app-error.ts';

type Reply = AppErrorShape & { readonly status: number };

function fromValidation(error: FastifyError): Reply {
  if (!hasZodFastifySchemaValidationErrors(error)) return { status: 400, code: 'HTTP_BAD_REQUEST', message: error.message };
  const where = error.validationContext ?? 'request';
  const details = error.validation.map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return `${where}${path === '' ? '' : `.${path}`}: ${issue.message}`;
  });
  return { status: 400, code: 'HTTP_BAD_REQUEST', message: `Invalid request: ${details.join('; ')}` };
}

/** Maps any error to `{ code, message }`; never exposes a stack, an internal message or a secret. */
export function toErrorReply(error: unknown): Reply {
  if (error instanceof AppError) return { status: error.statusCode, code: error.code, message: error.message };
  const fastifyError = error as Partial<FastifyError> | null;
  if (fastifyError?.validation !== undefined) return fromValidation(fastifyError as FastifyError);
  if (fastifyError?.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyError?.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError) {
    return { status: 400, code: 'HTTP_BAD_REQUEST', message: 'The request body is not valid JSON.' };
  }
  const status = fastifyError?.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (415, 413, 404 …) carry safe, fixed messages.
    const code = status === 404 ? 'HTTP_NOT_FOUND' : 'HTTP_BAD_REQUEST';
    return { status, code, message: fastifyError?.message ?? errorRegistry[code].message };
  }
  return { status: 500, code: 'HTTP_INTERNAL', message: errorRegistry.HTTP_INTERNAL.message };
}

/** The one error handler of the app (registered at the root, so it covers every route). */
export const errorHandler = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error, request, reply) => {
      const { status, code, message } = toErrorReply(error);
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code, status }, 'request rejected');
      return reply.code(status).send({ code, message });
    });
  },
  { name: 'error-handler' },
);
