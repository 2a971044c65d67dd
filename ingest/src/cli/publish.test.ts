import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture } from '../../test/fixtures/make-fixture.ts';
import { startIngestTestServer, type IngestTestServer } from '../transport/websocket/testing/ws-ingest-harness.ts';
import { EXIT } from './publish-args.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, 'publish.ts');

let dir = '';
let clip = '';
let videoOnly = '';
let server: IngestTestServer;
let baseUrl = '';

/** Packets per stream as ffprobe (an independent reader) counts them. */
async function countPackets(file: string): Promise<number> {
  const { stdout } = await run('/usr/bin/ffprobe', ['-v', 'error', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file]);
  return stdout.trim().split('\n').reduce((sum, line) => sum + Number(line), 0);
}

function publish(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.INGEST_TOKEN; // only the arguments under test
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'publish-cli-'));
  clip = join(dir, 'clip.mp4');
  // 1.5 s of H.264 baseline (no B-frames: timestamps increase in decode order) + AAC.
  await run('/usr/bin/ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '1.5', '-c:v', 'libx264', '-profile:v', 'baseline',
    '-bf', '0', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', '-shortest', clip,
  ]);
  // Looping is tested video-only: mp4ToWireMessages (media/demux) offsets each pass by the file's
  // computed duration, which is shorter than the AAC track's end here, so audio would go backwards.
  videoOnly = join(dir, 'video-only.mp4');
  await run('/usr/bin/ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', clip, '-an', '-c', 'copy', videoOnly]);
  server = await startIngestTestServer();
  baseUrl = server.url.replace('ws://', 'http://').replace('/api/ingest/ws', '');
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('publisher CLI over WebSocket', () => {
  it('publishes every frame of an ffmpeg-made MP4 in real time; the server receives them all', async () => {
    const token = server.authority.issue('cli-user');
    const started = performance.now();
    const result = await publish(['--url', baseUrl, `--token=${token}`, '--input', clip, '--progress', '0.5']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.OK);
    expect(performance.now() - started).toBeGreaterThan(1_300); // paced at the media's own clock
    const frames = await countPackets(clip);
    await expect.poll(() => server.outcomes.find((o) => o.framesReceived > 0)?.framesReceived).toBe(frames);
    const session = server.sessions.find((s) => s.grant.userId === 'cli-user');
    expect(session?.messages.filter((m) => m.type === 'frame')).toHaveLength(frames);
    expect(session?.messages.flatMap((m) => (m.type === 'track' ? [m.codec] : []))).toEqual(
      [expect.stringMatching(/^avc1\./), 'mp4a.40.2'],
    );
    expect(result.stdout).toMatch(new RegExp(`server received ${frames} frames`));
    expect(result.stdout).not.toContain(token); // the token is a secret
  });

  it('--loop with --duration keeps publishing past the end of the file, timestamps increasing', async () => {
    const token = server.authority.issue('loop-user');
    const result = await publish(['--url', baseUrl, `--token=${token}`, '--input', videoOnly, '--loop', '--duration', '2.5', '--progress', '0']);
    expect(result.code).toBe(EXIT.OK);
    const session = server.sessions.find((s) => s.grant.userId === 'loop-user');
    const video = session?.messages.filter((m) => m.type === 'frame' && m.trackId === 0) ?? [];
    expect(video.length).toBeGreaterThanOrEqual(70); // 2.5 s at 30 fps, more than the 45 frames of one pass
  });

  it('SIGINT stops publishing, says goodbye (a normal session end) and exits 130', async () => {
    const token = server.authority.issue('sigint-user');
    const child = spawn(process.execPath, [cli, '--url', baseUrl, `--token=${token}`, '--input', videoOnly, '--loop', '--progress', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('publishing')) resolve();
    }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(EXIT.INTERRUPTED);
    const sessionId = server.sessions.find((s) => s.grant.userId === 'sigint-user')?.grant.sessionId;
    await expect.poll(() => server.outcomes.find((o) => o.sessionId === sessionId)?.code).toBe('INGEST_SESSION_ENDED');
  });

  it('publishes an MP4 with B-frames: every frame, in decode order, with its compositionOffset', async () => {
    // 2 B-frames: the file stores frames out of presentation order.
    const bframes = await makeFixture({ audio: 'aac', seconds: 1, width: 320, height: 240, bFrames: 2 });
    const token = server.authority.issue('bframe-user');
    const result = await publish(['--url', baseUrl, `--token=${token}`, '--input', bframes, '--progress', '0']);
    expect(result.code, result.stdout).toBe(EXIT.OK);
    const frames = await countPackets(bframes);
    await expect.poll(() => server.sessions.find((s) => s.grant.userId === 'bframe-user')?.messages.filter((m) => m.type === 'frame').length).toBe(frames);
    const video = server.sessions.find((s) => s.grant.userId === 'bframe-user')?.messages.filter((m) => m.type === 'frame' && m.trackId === 0) ?? [];
    expect(video.some((m) => m.type === 'frame' && (m.compositionOffset ?? 0) > 0)).toBe(true);
  });

  it('exits with documented codes: reused token 77, missing input 66, bad arguments 64, no server 69, WebTransport without --cert-hash 64', async () => {
    const token = server.authority.issue('other-user');
    void server.authority.consume(token);
    expect((await publish(['--url', baseUrl, `--token=${token}`, '--input', clip])).code).toBe(EXIT.REFUSED);
    expect((await publish(['--url', baseUrl, '--token', 't', '--input', join(dir, 'missing.mp4')])).code).toBe(EXIT.NO_INPUT);
    const usage = await publish(['--url', baseUrl, '--input', clip]);
    expect(usage.code).toBe(EXIT.USAGE);
    expect(usage.stderr).toMatch(/missing --token/);
    expect((await publish(['--url', 'http://127.0.0.1:1', '--token', 't', '--input', clip])).code).toBe(EXIT.UNAVAILABLE);
    const wt = await publish(['--url', 'https://127.0.0.1:4433', '--token', 't', '--input', clip, '--transport', 'webtransport']);
    expect(wt.code).toBe(EXIT.USAGE);
    expect(wt.stderr).toMatch(/--cert-hash/);
  });
});
