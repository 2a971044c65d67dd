import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const webDir = fileURLToPath(new URL('../../web/', import.meta.url));
const viteBin = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

export interface StudioBuild {
  /** The production build of the studio (what `npm start` serves). */
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * Builds the real studio (web/) into a temp dir of its own, so the tests never touch web/dist that
 * another engineer may be serving. A child process rather than Vite's JS API: the build must not
 * share the Vitest runner's module graph or plugin state.
 */
export async function buildStudio(): Promise<StudioBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'streamhub-e2e-dist-'));
  try {
    await run(process.execPath, [viteBin, 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: webDir, maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, close: () => rm(dir, { recursive: true, force: true }) };
}
