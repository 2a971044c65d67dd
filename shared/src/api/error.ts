/** The one error body every API route answers with (codes from errors/registry.ts). */
import { z } from 'zod';

export const errorBody = z.object({ code: z.string(), message: z.string() });
export type ErrorBody = z.infer<typeof errorBody>;
