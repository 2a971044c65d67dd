/**
 * Relay CPU and latency benchmark (issue 5): one 1080p30 6 Mbit/s H.264 + Opus stream (synthetic
 * speech over room noise, see make-fixture.ts) to 3 local RTMP destinations, the copy relay vs. a
 * libx264 veryfast transcode of the same stream to the same 3 destinations, side by side in one run.
 * Run: `node ingest/bench/relay.bench.ts [seconds] [opus,aac,publisher]`.
 *
 * CPU: utime+stime from /proc/<pid>/stat of this Node process (relay + the in-memory publisher that
 * feeds it, whose cost alone the `publisher` row shows) and of every FFmpeg the relay or the transcoder started, over the measured window,
 * as % of one core. The receiving FFmpeg listeners (the "platforms") are not counted.
 * Latency: per video frame, from the moment the relay takes the frame message from the session to
 * the callback of the socket write that carries its FLV tag (bytes handed to the kernel), for every
 * destination; frames are matched in order through FFmpeg (`-c:v copy` keeps count and order).
 * Audio the same way; transcoded AAC is dated by the Opus packet holding its first sample. Audio
 * waits for the next video frame on purpose (AudioCoalescer), so its figure is the higher one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FrameMessage, TrackMessage } from '@streamhub/shared';
import { micro } from '@streamhub/shared';
import { AudioWithVideo, type Release } from '../src/media/demux/audio-with-video.ts';
import { mp4ToWireMessages } from '../src/media/demux/mp4-to-wire.ts';
import { Relay } from '../src/media/relay.ts';
import { fakeIngestSession, testDestination, type FakeIngestSession } from '../test/fixtures/fake-ingest-session.ts';
import { makeFixture } from '../test/fixtures/make-fixture.ts';
import { freePort, startRtmpListener, type RtmpListener } from '../test/fixtures/rtmp-receiver.ts';
import { tempDir } from '../test/fixtures/relay-harness.ts';

const CLOCK_TICKS = 100;
const WARMUP_S = 3;

function cpuTicks(pid: number | 'self'): number {
  try {
    // /proc/<pid>/stat: fields after the ")" of comm; utime and stime are fields 14 and 15 (proc(5)).
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

interface Sample { readonly ticks: Map<number | 'self', number>; readonly at: number }

function sample(pids: readonly (number | 'self')[]): Sample {
  return { ticks: new Map(pids.map((pid) => [pid, cpuTicks(pid)])), at: performance.now() };
}

function percent(from: Sample, to: Sample, pids: readonly (number | 'self')[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += (to.ticks.get(pid) ?? 0) - (from.ticks.get(pid) ?? 0);
  return (ticks / CLOCK_TICKS / ((to.at - from.at) / 1000)) * 100;
}

async function listeners(dir: string, prefix: string): Promise<RtmpListener[]> {
  return Promise.all([1, 2, 3].map(async (i) => startRtmpListener({ port: await freePort(), dir, key: `benchkey${prefix}${i}`, name: `${prefix}${i}`, outPath: '/dev/null' })));
}

/** Loads the stream once, so publishing during the run costs only timers (counted against the relay anyway). */
interface Loaded { readonly tracks: TrackMessage[]; readonly frames: FrameMessage[]; readonly durationUs: number }

async function loadMessages(path: string): Promise<Loaded> {
  const tracks: TrackMessage[] = [];
  const frames: FrameMessage[] = [];
  for await (const m of mp4ToWireMessages(path)) (m.type === 'track' ? tracks : frames).push(m as never);
  const last = frames.at(-1);
  return { tracks, frames, durationUs: last ? last.timestamp + last.duration : 0 };
}

/** As the studio sends (web LiveTransport `audioHoldMs`, the CLI's `audioHoldUs`): audio waits for the next video frame, at most this long. */
const AUDIO_HOLD_US = 40_000;

/**
 * Plays the loaded frames into `fake` in real time, looping, for `seconds`, the way the studio
 * sends them (AudioWithVideo): each video frame at its time with the audio encoded since the
 * previous one. `onWarm` runs once after the warm-up.
 */
async function publishRealtime(fake: FakeIngestSession, loaded: Loaded, seconds: number, onWarm: () => void): Promise<void> {
  const { tracks, frames, durationUs } = loaded;
  for (const track of tracks) fake.push(track);
  const pacer = new AudioWithVideo(tracks.find((t) => t.kind === 'audio')?.trackId, AUDIO_HOLD_US);
  const start = performance.now();
  const state = { warm: false };
  const send = async ({ atUs, frames: batch }: Release): Promise<void> => {
    const wait = start + atUs / 1000 - performance.now();
    if (wait > 1) await sleep(wait);
    if (!state.warm && atUs >= WARMUP_S * 1e6) { state.warm = true; onWarm(); }
    for (const message of batch) fake.push(message);
  };
  for (let round = 0, i = 0; ; i++) {
    if (i === frames.length) { i = 0; round++; }
    const frame = frames[i];
    if (!frame) break;
    const timestampUs = round * durationUs + frame.timestamp;
    if (timestampUs > seconds * 1e6) break;
    for (const release of pacer.add({ ...frame, timestamp: micro(timestampUs) })) await send(release);
  }
  if (!state.warm) throw new Error('run too short');
}

/**
 * The in-memory publisher alone (same loop, a consumer that drops every message): the stand-in for
 * the transport, which the copy rows include. Its own figure shows how much of their Node % it is.
 */
async function publisherOnly(path: string, seconds: number): Promise<Omit<BenchRow, 'path'>> {
  const loaded = await loadMessages(path);
  const fake = fakeIngestSession('bench-publisher', []);
  let received = 0;
  const drained = (async () => { for await (const message of fake.session.messages) if (message.type === 'frame') received++; })();
  const window: { from: Sample | null } = { from: null };
  await publishRealtime(fake, loaded, seconds, () => { window.from = sample(['self']); });
  const to = sample(['self']);
  fake.end();
  await drained;
  if (!window.from || received === 0) throw new Error('publisher-only run received nothing');
  const cpu = percent(window.from, to, ['self']);
  return { cpu, nodeCpu: cpu, ffmpegCpu: null, p50: null, p95: null, audioP95: null, kbps: null };
}

async function copyRelay(path: string, dir: string, seconds: number): Promise<Omit<BenchRow, 'path'>> {
  const loaded = await loadMessages(path);
  const dests = await listeners(dir, 'copy');
  const relay = new Relay(process.env.BENCH_DEBUG === '1' ? { logger: { debug: () => undefined, info: (f, m) => console.log(m), warn: (f, m) => console.log(m), error: (f, m) => console.log(m) } } : {});
  const fake = fakeIngestSession('bench', dests.map((l, i) => testDestination(`d${i}`, `rtmp://127.0.0.1:${l.port}/live/benchkeycopy${i + 1}`)));
  const handled = relay.handle(fake.session);
  const window: { from: Sample | null } = { from: null };
  await publishRealtime(fake, loaded, seconds, () => {
    window.from = sample(['self', ...relay.processIds()]);
    relay.resetLatency('bench');
  });
  const from = window.from;
  const pids = ['self' as const, ...relay.processIds()];
  const to = sample(pids);
  const p50 = relay.latencyPercentile('bench', 50);
  const p95 = relay.latencyPercentile('bench', 95);
  const audioP95 = relay.latencyPercentile('bench', 95, 'audio');
  const kbps = relay.status('bench')?.destinations[0]?.bitrateKbps ?? 0;
  fake.end();
  await handled;
  await Promise.all(dests.map((l) => l.stop()));
  if (!from) throw new Error('run too short');
  return { cpu: percent(from, to, pids), nodeCpu: percent(from, to, ['self']), ffmpegCpu: percent(from, to, pids.slice(1)), p50, p95, audioP95, kbps };
}

async function transcode(path: string, dir: string, seconds: number): Promise<number> {
  const dests = await listeners(dir, 'x264');
  const tee = dests.map((l, i) => `[f=flv:onfail=ignore]rtmp://127.0.0.1:${l.port}/live/benchkeyx264${i + 1}`).join('|');
  const child: ChildProcess = spawn('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', path, '-t', String(seconds),
    '-map', '0:v', '-map', '0:a', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '6M', '-maxrate', '6M', '-bufsize', '12M',
    '-g', '60', '-bf', '0', '-c:a', 'aac', '-b:a', '160k', '-f', 'tee', tee], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  await sleep(WARMUP_S * 1000);
  const from = sample([pid]);
  await sleep((seconds - WARMUP_S - 1) * 1000);
  const to = sample([pid]);
  child.kill('SIGTERM');
  await Promise.all(dests.map((l) => l.stop()));
  return percent(from, to, [pid]);
}

export interface BenchRow {
  readonly path: string;
  readonly nodeCpu: number | null;
  readonly ffmpegCpu: number | null;
  readonly cpu: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly audioP95: number | null;
  readonly kbps: number | null;
}

const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');

function table(rows: readonly BenchRow[], x264: number): string {
  const fmt = (n: number | null, digits = 2): string => (n === null ? 'n/a' : n.toFixed(digits));
  const header = ['path', 'Node %', 'FFmpeg %', 'total %', 'ratio to x264', 'latency p50 ms', 'latency p95 ms', 'audio p95 ms', 'kbit/s per dest'];
  const cells = rows.map((r) => [r.path, fmt(r.nodeCpu), fmt(r.ffmpegCpu), fmt(r.cpu), r.path.startsWith('x264') ? '1.00×' : r.path.startsWith('in-memory') ? 'n/a' : `${fmt(x264 / r.cpu, 1)}×`,
    fmt(r.p50), fmt(r.p95), fmt(r.audioP95), r.kbps === null ? 'n/a' : String(r.kbps)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`, ...cells.map(line)].join('\n');
}

/** `paths`: which rows to run (`opus`, `aac`, `publisher`); the x264 reference always runs. */
export async function runRelayBench(seconds = 20, paths: readonly string[] = ['opus', 'aac', 'publisher']): Promise<void> {
  const loadAtStart = load();
  const dir = await tempDir();
  // Speech over room noise, like a streamer's microphone: the AAC encoder's cost depends on the content.
  const size = { seconds: 10, width: 1920, height: 1080, fps: 30, videoKbps: 6000, preset: 'veryfast', audioContent: 'speech' } as const;
  const opusFixture = await makeFixture({ audio: 'opus', ...size });
  const rows: BenchRow[] = [];
  // Repeating a path (`opus,aac,opus,aac`) interleaves runs, so load drift shows as spread, not bias.
  for (const name of paths) {
    if (name === 'opus') rows.push({ path: 'copy relay, Opus → AAC-LC', ...await copyRelay(opusFixture, dir, seconds) });
    if (name === 'publisher') rows.push({ path: 'in-memory publisher alone (in the rows above)', ...await publisherOnly(opusFixture, seconds) });
    if (name === 'aac') rows.push({ path: 'copy relay, AAC copied', ...await copyRelay(await makeFixture({ audio: 'aac', ...size }), dir, seconds) });
  }
  const x264 = await transcode(opusFixture, dir, seconds);
  rows.push({ path: 'x264 veryfast + AAC (reference)', nodeCpu: null, ffmpegCpu: x264, cpu: x264, p50: null, p95: null, audioP95: null, kbps: null });
  console.log(`relay bench: 1080p30 ~6 Mbit/s H.264 → 3 local RTMP destinations, ${seconds} s per run (${WARMUP_S} s warm-up excluded), ${cpus().length} CPUs`);
  console.log(table(rows, x264));
  console.log(`load average (1/5/15 min): start ${loadAtStart}, end ${load()}`);
  console.log('targets: copy ≤ 5 % of one core in total, ≥ 14× below x264, added latency p95 ≤ 30 ms');
  console.log('CPU = utime+stime (/proc/<pid>/stat) of this Node process + the relay\'s FFmpeg, % of one core; latency = relay takes the frame message → write callback of the socket write carrying its FLV tag, every destination; audio p95 = the same for audio frames (Opus: from the arrival of the packet holding the AAC frame\'s first sample, so it includes the encoder\'s frame assembly)');
}

if (import.meta.main) await runRelayBench(Number(process.argv[2] ?? 20), (process.argv[3] ?? 'opus,aac,publisher').split(','));
