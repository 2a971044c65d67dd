import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp, type BuildAppOptions } from '../src/app.ts';
import { loadConfig } from '../src/config/config.ts';

/** The test machines' PostgreSQL (trust auth); override with TEST_DATABASE_ADMIN_URL. */
const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestApp {
  readonly app: FastifyInstance;
  /** Every log line the app wrote (pino JSON), for secret-leak assertions. */
  readonly logs: string[];
  /** Every response body and header block the app sent, for secret-leak assertions. */
  readonly responses: string[];
  readonly databaseUrl: string;
  /** Closes the app and drops its database. */
  close(): Promise<void>;
}

export const testSecrets = { JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123', STREAM_KEY_SECRET: 'test-stream-key-secret-0123456789abcdef' };

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * A real app on a database of its own (`t_<random>` on the test PostgreSQL, migrated on start), so
 * test files run in parallel. Rate limits are high unless `env` lowers them. WebTransport is off
 * unless `env` sets WEBTRANSPORT_ENABLED=true; then it binds a free UDP port (never 4433: test
 * files run in parallel) and mints its certificate in a temp DATA_DIR.
 */
export async function createTestApp(env: Record<string, string> = {}, options: Omit<BuildAppOptions, 'config'> = {}): Promise<TestApp> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`);
  const logs: string[] = [];
  const responses: string[] = [];
  const dataDir = env.DATA_DIR ?? await mkdtemp(join(tmpdir(), 'streamhub-test-app-'));
  const config = loadConfig({
    LOG_LEVEL: 'info', RATE_LIMIT_AUTH_PER_MINUTE: '10000', RATE_LIMIT_STREAM_START_PER_MINUTE: '10000',
    // Disabled, the configured port (4433) is only advertised; enabled, a free one is bound.
    WEBTRANSPORT_ENABLED: 'false', ...(env.WEBTRANSPORT_ENABLED === 'true' ? { WEBTRANSPORT_PORT: '0' } : {}),
    ...testSecrets, DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...env,
  });
  const drop = async (): Promise<void> => {
    await admin((client) => client.query(`drop database if exists ${name} with (force)`));
    if (env.DATA_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
  };
  let app: FastifyInstance;
  try {
    app = await buildApp({ config, logStream: { write: (line) => logs.push(line) }, ...options });
    app.addHook('onSend', async (_request, reply, payload) => {
      responses.push(JSON.stringify(reply.getHeaders()), typeof payload === 'string' ? payload : '');
      return payload;
    });
    await app.ready();
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    app, logs, responses, databaseUrl,
    async close() {
      await app.close();
      await drop();
    },
  };
}

export interface SignedInUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshCookie: string;
  readonly auth: { authorization: string };
}

let counter = 0;

/** Registers and logs in a fresh user (unique email). */
export async function signUp(app: FastifyInstance, prefix = 'user'): Promise<SignedInUser> {
  counter += 1;
  const email = `${prefix}${counter}-${randomBytes(4).toString('hex')}@example.test`;
  const password = `Correct-horse-${counter}-battery`;
  const registered = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } });
  if (registered.statusCode !== 201) throw new Error(`register failed: ${registered.body}`);
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const body = login.json<{ accessToken: string; user: { id: string } }>();
  const cookie = login.cookies.find((c) => c.name === 'shp_refresh');
  if (cookie === undefined) throw new Error('no refresh cookie');
  return {
    id: body.user.id, email, password, accessToken: body.accessToken, refreshCookie: cookie.value,
    auth: { authorization: `Bearer ${body.accessToken}` },
  };
}

/** Sets a user's plan directly in the database (no API changes plans). */
export async function setPlan(app: FastifyInstance, userId: string, plan: 'free' | 'pro' | 'business'): Promise<void> {
  await app.orm.em.fork().getConnection().execute('update users set plan = ? where id = ?', [plan, userId]);
}
