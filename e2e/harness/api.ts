import type { FastifyInstance } from 'fastify';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import type { Credentials } from './studio-ui.ts';

export interface StreamStatus {
  readonly session: { readonly id: string; readonly status: string } | null;
  readonly live: SessionStatus | null;
  /** The publisher's transport as the ingest's LiveHub knows it (null while none is connected). */
  readonly transport: 'webtransport' | 'websocket' | null;
}

/** The API as a second client of the same user: logs in (the browser's token stays in its memory) and reads the stream status. */
export async function apiAs(app: FastifyInstance, credentials: Credentials): Promise<{ status(): Promise<StreamStatus> }> {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
  if (login.statusCode !== 200) throw new Error(`login failed: ${String(login.statusCode)}`);
  const { accessToken } = login.json<{ accessToken: string }>();
  return {
    async status() {
      const response = await app.inject({ method: 'GET', url: '/api/stream/status', headers: { authorization: `Bearer ${accessToken}` } });
      if (response.statusCode !== 200) throw new Error(`status failed: ${String(response.statusCode)} ${response.body}`);
      return response.json<StreamStatus>();
    },
  };
}

/** Transports of the ingest sessions the app logged (`ingest session started`, transport/session/ingest-session.ts). */
export function startedTransports(logs: readonly string[]): string[] {
  return logs.flatMap((line) => {
    if (!line.includes('ingest session started')) return [];
    const parsed = JSON.parse(line) as { transport?: unknown };
    return typeof parsed.transport === 'string' ? [parsed.transport] : [];
  });
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
