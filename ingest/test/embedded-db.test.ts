import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';
import { migrationsList } from '../src/db/migrations/index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'streamhub-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// What `npm start` does without DATABASE_URL: PGlite under DATA_DIR, secrets generated and persisted.
const start = () => buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, WEBTRANSPORT_ENABLED: 'false' }) });
const credentials = { email: 'embedded@example.test', password: 'Sturdy-pass-1234' };

describe('embedded database (no DATABASE_URL)', () => {
  it('runs the same migrations, serves register + login, and keeps data and secrets across restarts', async () => {
    const app = await start();
    try {
      const applied = await app.orm.em.fork().getConnection().execute<{ name: string }[]>('select name from mikro_orm_migrations order by id');
      expect(applied.map((row) => row.name)).toEqual(migrationsList.map((m) => m.name));
      expect((await app.inject({ method: 'POST', url: '/api/auth/register', payload: credentials })).statusCode).toBe(201);
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
      expect(login.statusCode, login.body).toBe(200);
      const dest = await app.inject({
        method: 'POST', url: '/api/destinations', headers: { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` },
        payload: { name: 'YT', platform: 'youtube', streamKey: 'embedded-key-4321' },
      });
      expect(dest.statusCode).toBe(201);
    } finally {
      await app.close();
    }
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

    const again = await start();
    try {
      const login = await again.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
      expect(login.statusCode).toBe(200);
      const list = await again.inject({ method: 'GET', url: '/api/destinations', headers: { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` } });
      // Decryptable after a restart: the persisted STREAM_KEY_SECRET was reused.
      expect(list.json()).toMatchObject({ destinations: [{ name: 'YT', streamKeyMasked: '****4321' }] });
    } finally {
      await again.close();
    }
  });
});
