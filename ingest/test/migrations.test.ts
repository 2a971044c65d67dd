import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './test-app.ts';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

describe('migrations', () => {
  it('create exactly the schema the entities describe (no pending diff)', async () => {
    const diff = await t.app.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
  });
  it('are idempotent on restart (nothing pending)', async () => {
    expect(await t.app.orm.migrator.getPending()).toEqual([]);
  });
});
