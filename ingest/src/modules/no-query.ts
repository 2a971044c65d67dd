import { z } from 'zod';

/**
 * The querystring of a route that takes none. Without a schema Fastify ignores `?anything`; with
 * this one an unknown key is refused with 400 `HTTP_BAD_REQUEST`, like an unknown body field.
 */
export const noQuery = z.strictObject({});
