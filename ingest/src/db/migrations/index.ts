import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261124000000Initial } from './Migration20261124000000-initial.ts';

/** Every migration in order: listed explicitly so Node's type stripping needs no file discovery. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261124000000-initial', class: Migration20261124000000Initial },
];
