import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** An embedded PostgreSQL (PGlite, PostgreSQL in WASM) reachable by the normal `pg` driver over TCP. */
export interface EmbeddedDatabase {
  /** `postgresql://` URL of the socket server on 127.0.0.1 (ephemeral port). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts PGlite persisted under `dataDir/pglite` behind `PGLiteSocketServer` on 127.0.0.1, port 0.
 * The socket server multiplexes connections into ONE PostgreSQL session (ENVIRONMENT.md), so the
 * caller must use a pool of exactly one connection or transactions would interleave.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const dir = join(dataDir, 'pglite');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    url: `postgresql://postgres@${server.getServerConn()}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
