import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, resolveSecrets } from './config.ts';

describe('API secrets in config', () => {
  it('requires JWT_SECRET and STREAM_KEY_SECRET in production, with a readable message', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: is required when NODE_ENV=production[\s\S]*STREAM_KEY_SECRET/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32 characters/);
    expect(() => loadConfig({ STUDIO_ORIGIN: 'not a url' })).toThrow(/STUDIO_ORIGIN/);
    const secret = 'x'.repeat(32);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, STREAM_KEY_SECRET: secret })).toMatchObject({ NODE_ENV: 'production' });
  });

  it('generates missing secrets once under DATA_DIR and reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamhub-secrets-'));
    try {
      const first = resolveSecrets(loadConfig({ DATA_DIR: dir }));
      expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
      expect(resolveSecrets(loadConfig({ DATA_DIR: dir }))).toEqual(first);
      const explicit = resolveSecrets(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'j'.repeat(32), STREAM_KEY_SECRETS_PREVIOUS: 'a'.repeat(32) + ', ' + 'b'.repeat(32) }));
      expect(explicit).toEqual({ jwtSecret: 'j'.repeat(32), streamKeySecret: first.streamKeySecret, previousStreamKeySecrets: ['a'.repeat(32), 'b'.repeat(32)] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
