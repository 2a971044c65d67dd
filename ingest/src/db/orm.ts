import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities.ts';
import { migrationsList } from './migrations/index.ts';

export interface OpenOrmOptions {
  readonly clientUrl: string;
  /** 1 for the embedded database (its socket server shares one session between connections). */
  readonly poolMax: number;
  /** Run pending migrations before returning (what `npm start` and the tests do). */
  readonly migrate: boolean;
}

/** Creates the ORM on PostgreSQL with the checked-in migrations (no discovery from the file system). */
export async function openOrm({ clientUrl, poolMax, migrate }: OpenOrmOptions): Promise<MikroORM> {
  // The synchronous constructor: entities and migrations are listed, nothing is discovered from disk.
  const orm = new MikroORM({
    clientUrl,
    entities,
    extensions: [Migrator],
    pool: { min: 0, max: poolMax },
    migrations: { migrationsList, transactional: true, allOrNothing: true, silent: true },
    discovery: { warnWhenNoEntities: true },
    // The ORM logs through pino in the db plugin only on errors; queries carry secrets (ciphertexts, hashes).
    debug: false,
    allowGlobalContext: false,
  });
  try {
    if (migrate) await orm.migrator.up();
  } catch (error) {
    await orm.close(true);
    throw error;
  }
  return orm;
}
