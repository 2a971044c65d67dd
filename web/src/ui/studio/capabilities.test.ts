import { describe, expect, it } from 'vitest';
import { detectCapabilities } from './capabilities.ts';

describe('detectCapabilities', () => {
  it('finds WebTransport and a software H.264 encoder in this Chromium', async () => {
    expect(await detectCapabilities()).toEqual({ webTransport: true, h264: true });
  });

  it('reports a browser without WebTransport or H.264 (so the studio can say so)', async () => {
    const bare = { VideoEncoder: { isConfigSupported: () => Promise.resolve({ supported: false }) } } as unknown as typeof globalThis;
    expect(await detectCapabilities(bare)).toEqual({ webTransport: false, h264: false });
    expect(await detectCapabilities({} as typeof globalThis)).toEqual({ webTransport: false, h264: false });
  });
});
