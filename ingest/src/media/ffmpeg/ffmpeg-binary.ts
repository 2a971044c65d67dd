import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';

const SYSTEM_FFMPEG = '/usr/bin/ffmpeg';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The FFmpeg binary: `FFMPEG_PATH`, else the system one, else the one shipped in
 * `@ffmpeg-installer/ffmpeg` (so `npm install` alone is enough). Returns null when none runs.
 */
export function resolveFfmpegPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.FFMPEG_PATH;
  if (configured !== undefined && configured !== '') return executable(configured) ? configured : null;
  if (executable(SYSTEM_FFMPEG)) return SYSTEM_FFMPEG;
  try {
    const installer = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    return executable(installer.path) ? installer.path : null;
  } catch {
    return null;
  }
}
