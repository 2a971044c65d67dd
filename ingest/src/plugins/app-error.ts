import { errorRegistry, type ErrorCode } from '@streamhub/shared';

/** A product error: a registry code (status and user message come from the registry). */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly statusCode: number;

  /** `message` overrides the registry text; it must never contain a secret (keys, tokens, passwords). */
  constructor(code: ErrorCode, message?: string) {
    super(message ?? errorRegistry[code].message);
    this.code = code;
    this.statusCode = errorRegistry[code].status;
  }
}
