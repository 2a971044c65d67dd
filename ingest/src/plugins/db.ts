import { RequestContext } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import fp from 'fastify-plugin';
import type { Config } from '../config/config.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../db/embedded.ts';
import { openOrm } from '../db/orm.ts';

declare module 'fastify' {
  interface FastifyInstance {
    orm: MikroORM;
  }
  interface FastifyRequest {
    /** This request's own EntityManager (a fork; identity map per request). */
    em: EntityManager;
  }
}

/**
 * The database: PostgreSQL at `DATABASE_URL`, or embedded PGlite under `DATA_DIR/pglite` served over
 * a local socket with a one-connection pool. Runs pending migrations, forks a `RequestContext` per
 * request, and closes the ORM, then the embedded server, when the app closes.
 */
export const dbPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    let embedded: EmbeddedDatabase | undefined;
    let clientUrl = config.DATABASE_URL;
    if (clientUrl === undefined) {
      embedded = await startEmbeddedDatabase(config.DATA_DIR);
      clientUrl = embedded.url;
      app.log.info({ dir: config.DATA_DIR }, 'using the embedded database (no DATABASE_URL)');
    }
    let orm: MikroORM;
    try {
      orm = await openOrm({ clientUrl, poolMax: embedded === undefined ? 10 : 1, migrate: true });
    } catch (error) {
      await embedded?.close();
      throw error;
    }
    app.decorate('orm', orm);
    app.decorateRequest('em');
    app.addHook('onRequest', (request, _reply, done) => {
      RequestContext.create(orm.em, () => {
        request.em = orm.em.getContext();
        done();
      });
    });
    app.addHook('onClose', async () => {
      await orm.close();
      await embedded?.close();
    });
  },
  { name: 'db' },
);
