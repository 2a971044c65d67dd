import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// server.ts as `npm start -w ingest` runs it: a real process, its exit code and its output.
const serverPath = fileURLToPath(new URL('./server.ts', import.meta.url));
let dataDir: string;
beforeAll(async () => { dataDir = await mkdtemp(join(tmpdir(), 'streamhub-server-')); });
afterAll(async () => { await rm(dataDir, { recursive: true, force: true }); });

function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, [serverPath], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, WEBTRANSPORT_ENABLED: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('server.ts', () => {
  it('a bad variable gives one readable line per variable and exit code 78, no stack trace', async () => {
    const server = startServer({ PORT: 'abc', JWT_SECRET: 'short' });
    expect(await server.exited).toBe(78);
    const { stdout, stderr } = server.output();
    expect(stderr).toMatch(/^Invalid configuration:\n {2}PORT: .+\n {2}JWT_SECRET: must be at least 32 characters\n$/);
    expect(stderr + stdout).not.toMatch(/\n\s+at /);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('listens, answers GET /api/health, and on %s closes and exits 0', async (signal) => {
    const server = startServer({ PORT: '0', LOG_LEVEL: 'info' });
    let url: string | undefined;
    for (let i = 0; i < 600 && url === undefined; i++) {
      url = /Server listening at (http:\/\/[^"]+)/.exec(server.output().stdout)?.[1];
      if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url, server.output().stderr).toBeDefined();
    const response = await fetch(`${url ?? ''}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    server.child.kill(signal);
    expect(await server.exited).toBe(0);
    expect(server.output().stdout).toContain(`"signal":"${signal}","msg":"shutting down"`);
    await expect(fetch(`${url ?? ''}/api/health`)).rejects.toThrow();
  });
});
