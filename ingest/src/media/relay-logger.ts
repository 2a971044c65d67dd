/** The slice of a pino-style logger the relay uses (Fastify's `app.log` fits). */
export interface RelayLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentRelayLogger: RelayLogger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
};
