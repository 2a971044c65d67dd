/**
 * Relay CPU and latency benchmark (issue 5): one 1080p30 6 Mbit/s H.264 + Opus stream (synthetic
 * speech over room noise, see make-fixture.ts) to 3 local RTMP destinations, the copy relay vs. a
 * libx264 veryfast transcode of the same stream to the same 3 destinations, side by side in one run.
 * Run: `node ingest/bench/relay.bench.ts [seconds] [opus,aac,publisher] [--steady-from 30]`.
 *
 * Two CPU windows of `seconds` each per run, in the same run: the first starts 3 s after the stream
 * starts, the second (steady state) at `--steady-from` s. V8 keeps compiling the relay's hot path for
 * about half a minute at 30 frames a second (its compiler threads were 12 % of the relay's Node CPU
 * samples 9–21 s into a run), and a live stream runs for minutes to hours, so the steady window is
 * what a stream costs; the first one shows the start. Ratios to x264 use the same window.
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
import { parseArgs } from 'node:util';
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
/** Start of the first CPU window: the session, FFmpeg and the destinations are set up by then. */
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

/** When the two CPU windows open and close, in seconds after the stream starts. */
interface Windows { readonly firstFrom: number; readonly firstTo: number; readonly steadyFrom: number; readonly steadyTo: number }

const windowsFor = (seconds: number, steadyFrom: number): Windows =>
  ({ firstFrom: WARMUP_S, firstTo: WARMUP_S + seconds, steadyFrom, steadyTo: steadyFrom + seconds });

/** The windows' edges in time order. */
const edgesInOrder = (windows: Windows): (keyof Windows)[] =>
  (Object.keys(windows) as (keyof Windows)[]).sort((a, b) => windows[a] - windows[b]);

/** CPU samples taken at the windows' edges (null until reached). */
type Marks = Record<keyof Windows, Sample | null>;

/**
 * Plays the loaded frames into `fake` in real time, looping, until the last window closes, the way
 * the studio sends them (AudioWithVideo): each video frame at its time with the audio encoded since
 * the previous one. `mark(edge)` runs once as each window edge is reached (in time order).
 */
async function publishRealtime(fake: FakeIngestSession, loaded: Loaded, windows: Windows, mark: (edge: keyof Windows) => void): Promise<void> {
  const { tracks, frames, durationUs } = loaded;
  for (const track of tracks) fake.push(track);
  const pacer = new AudioWithVideo(tracks.find((t) => t.kind === 'audio')?.trackId, AUDIO_HOLD_US);
  const edges = edgesInOrder(windows);
  const endUs = Math.max(windows.firstTo, windows.steadyTo) * 1e6;
  const start = performance.now();
  const send = async ({ atUs, frames: batch }: Release): Promise<void> => {
    const wait = start + atUs / 1000 - performance.now();
    if (wait > 1) await sleep(wait);
    while (edges.length > 0 && atUs >= windows[edges[0] ?? 'steadyTo'] * 1e6) mark(edges.shift() ?? 'steadyTo');
    for (const message of batch) fake.push(message);
  };
  for (let round = 0, i = 0; ; i++) {
    if (i === frames.length) { i = 0; round++; }
    const frame = frames[i];
    if (!frame) break;
    const timestampUs = round * durationUs + frame.timestamp;
    if (timestampUs > endUs) break;
    for (const release of pacer.add({ ...frame, timestamp: micro(timestampUs) })) await send(release);
  }
  for (const edge of edges) mark(edge); // the last frame's time falls short of the end by < 1 frame
}

/** Samples `pids()` at every edge. */
function marker(pids: () => readonly (number | 'self')[], onEdge?: (edge: keyof Windows) => void): { marks: Marks; mark: (edge: keyof Windows) => void } {
  const marks: Marks = { firstFrom: null, firstTo: null, steadyFrom: null, steadyTo: null };
  return { marks, mark: (edge) => { marks[edge] = sample(pids()); onEdge?.(edge); } };
}

/** CPU % over both windows for `pids`. */
function windowCpu(marks: Marks, pids: readonly (number | 'self')[]): { first: number; steady: number } {
  const { firstFrom, firstTo, steadyFrom, steadyTo } = marks;
  if (!firstFrom || !firstTo || !steadyFrom || !steadyTo) throw new Error('run too short');
  return { first: percent(firstFrom, firstTo, pids), steady: percent(steadyFrom, steadyTo, pids) };
}

/**
 * The in-memory publisher alone (same loop, a consumer that drops every message): the stand-in for
 * the transport, which the copy rows include. Its own figure shows how much of their Node % it is.
 */
async function publisherOnly(path: string, windows: Windows): Promise<Omit<BenchRow, 'path'>> {
  const loaded = await loadMessages(path);
  const fake = fakeIngestSession('bench-publisher', []);
  let received = 0;
  const drained = (async () => { for await (const message of fake.session.messages) if (message.type === 'frame') received++; })();
  const { marks, mark } = marker(() => ['self']);
  await publishRealtime(fake, loaded, windows, mark);
  fake.end();
  await drained;
  if (received === 0) throw new Error('publisher-only run received nothing');
  const cpu = windowCpu(marks, ['self']);
  return { cpu: cpu.steady, firstCpu: cpu.first, nodeCpu: cpu.steady, ffmpegCpu: null, p50: null, p95: null, audioP95: null, kbps: null };
}

async function copyRelay(path: string, dir: string, windows: Windows): Promise<Omit<BenchRow, 'path'>> {
  const loaded = await loadMessages(path);
  const dests = await listeners(dir, 'copy');
  // RELAY_BENCH_AUDIO_HOLD_MS / RELAY_BENCH_TRANSCODE_BATCH_MS: the relay's audio hold and Opus batch (RelayOptions), to measure what they trade.
  const knob = (name: string): number | undefined => (process.env[name] === undefined ? undefined : Number(process.env[name]));
  const audioHoldMs = knob('RELAY_BENCH_AUDIO_HOLD_MS');
  const transcodeBatchMs = knob('RELAY_BENCH_TRANSCODE_BATCH_MS');
  const relay = new Relay({
    ...(process.env.BENCH_DEBUG === '1' ? { logger: { debug: () => undefined, info: (f, m) => console.log(m), warn: (f, m) => console.log(m), error: (f, m) => console.log(m) } } : {}),
    ...(audioHoldMs === undefined ? {} : { audioHoldMs }),
    ...(transcodeBatchMs === undefined ? {} : { transcodeBatchMs }),
  });
  const fake = fakeIngestSession('bench', dests.map((l, i) => testDestination(`d${i}`, `rtmp://127.0.0.1:${l.port}/live/benchkeycopy${i + 1}`)));
  const handled = relay.handle(fake.session);
  // FFmpeg is up by the first edge (3 s in): the same processes are sampled at every edge.
  const held: { pids: (number | 'self')[] | null } = { pids: null };
  const { marks, mark } = marker(() => (held.pids ??= ['self', ...relay.processIds()]), (edge) => {
    if (edge === 'steadyFrom') relay.resetLatency('bench');
  });
  await publishRealtime(fake, loaded, windows, mark);
  const p50 = relay.latencyPercentile('bench', 50);
  const p95 = relay.latencyPercentile('bench', 95);
  const audioP95 = relay.latencyPercentile('bench', 95, 'audio');
  const kbps = relay.status('bench')?.destinations[0]?.bitrateKbps ?? 0;
  fake.end();
  await handled;
  await Promise.all(dests.map((l) => l.stop()));
  const { pids } = held;
  if (!pids) throw new Error('run too short');
  const cpu = windowCpu(marks, pids);
  return { cpu: cpu.steady, firstCpu: cpu.first, nodeCpu: windowCpu(marks, ['self']).steady, ffmpegCpu: windowCpu(marks, pids.slice(1)).steady, p50, p95, audioP95, kbps };
}

async function transcode(path: string, dir: string, windows: Windows): Promise<{ first: number; steady: number }> {
  const dests = await listeners(dir, 'x264');
  const tee = dests.map((l, i) => `[f=flv:onfail=ignore]rtmp://127.0.0.1:${l.port}/live/benchkeyx264${i + 1}`).join('|');
  const endS = Math.max(windows.firstTo, windows.steadyTo);
  const child: ChildProcess = spawn('ffmpeg', ['-v', 'error', '-re', '-stream_loop', '-1', '-i', path, '-t', String(endS + 2),
    '-map', '0:v', '-map', '0:a', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', '6M', '-maxrate', '6M', '-bufsize', '12M',
    '-g', '60', '-bf', '0', '-c:a', 'aac', '-b:a', '160k', '-f', 'tee', tee], { stdio: 'ignore' });
  const pid = child.pid ?? 0;
  const { marks, mark } = marker(() => [pid]);
  const started = performance.now();
  const edges = edgesInOrder(windows);
  for (const edge of edges) {
    await sleep(Math.max(0, started + windows[edge] * 1000 - performance.now()));
    mark(edge);
  }
  child.kill('SIGTERM');
  await Promise.all(dests.map((l) => l.stop()));
  return windowCpu(marks, [pid]);
}

export interface BenchRow {
  readonly path: string;
  readonly nodeCpu: number | null;
  readonly ffmpegCpu: number | null;
  /** Total CPU in the steady window. */
  readonly cpu: number;
  /** Total CPU in the first window (3 s after the start). */
  readonly firstCpu: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly audioP95: number | null;
  readonly kbps: number | null;
}

const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');

function table(rows: readonly BenchRow[], x264: number): string {
  const fmt = (n: number | null, digits = 2): string => (n === null ? 'n/a' : n.toFixed(digits));
  const header = ['path', 'total % first window', 'Node %', 'FFmpeg %', 'total %', 'ratio to x264', 'latency p50 ms', 'latency p95 ms', 'audio p95 ms', 'kbit/s per dest'];
  const cells = rows.map((r) => [r.path, fmt(r.firstCpu), fmt(r.nodeCpu), fmt(r.ffmpegCpu), fmt(r.cpu), r.path.startsWith('x264') ? '1.00×' : r.path.startsWith('in-memory') ? 'n/a' : `${fmt(x264 / r.cpu, 1)}×`,
    fmt(r.p50), fmt(r.p95), fmt(r.audioP95), r.kbps === null ? 'n/a' : String(r.kbps)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string => `| ${c.map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(header), `|${widths.map((w, i) => (i === 0 ? '-' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`, ...cells.map(line)].join('\n');
}

/** `paths`: which rows to run (`opus`, `aac`, `publisher`); the x264 reference always runs. `seconds`: each window's length. */
export async function runRelayBench(seconds = 20, paths: readonly string[] = ['opus', 'aac', 'publisher'], steadyFrom = 30): Promise<void> {
  const loadAtStart = load();
  const windows = windowsFor(seconds, steadyFrom);
  const dir = await tempDir();
  // Speech over room noise, like a streamer's microphone: the AAC encoder's cost depends on the content.
  const size = { seconds: 10, width: 1920, height: 1080, fps: 30, videoKbps: 6000, preset: 'veryfast', audioContent: 'speech' } as const;
  const opusFixture = await makeFixture({ audio: 'opus', ...size });
  const rows: BenchRow[] = [];
  // Repeating a path (`opus,aac,opus,aac`) interleaves runs, so load drift shows as spread, not bias.
  for (const name of paths) {
    if (name === 'opus') rows.push({ path: 'copy relay, Opus → AAC-LC', ...await copyRelay(opusFixture, dir, windows) });
    if (name === 'publisher') rows.push({ path: 'in-memory publisher alone (in the rows above)', ...await publisherOnly(opusFixture, windows) });
    if (name === 'aac') rows.push({ path: 'copy relay, AAC copied', ...await copyRelay(await makeFixture({ audio: 'aac', ...size }), dir, windows) });
  }
  const x264 = await transcode(opusFixture, dir, windows);
  rows.push({ path: 'x264 veryfast + AAC (reference)', nodeCpu: null, ffmpegCpu: x264.steady, cpu: x264.steady, firstCpu: x264.first, p50: null, p95: null, audioP95: null, kbps: null });
  console.log(`relay bench: 1080p30 ~6 Mbit/s H.264 → 3 local RTMP destinations, ${cpus().length} CPUs; CPU windows of ${seconds} s: first ${windows.firstFrom}–${windows.firstTo} s, steady ${windows.steadyFrom}–${windows.steadyTo} s after the start (Node %, FFmpeg %, total %, ratio and latency: steady window)`);
  console.log(table(rows, x264.steady));
  console.log(`load average (1/5/15 min): start ${loadAtStart}, end ${load()}`);
  console.log('targets: copy ≤ 5 % of one core in total, ≥ 14× below x264, added latency p95 ≤ 30 ms');
  console.log('CPU = utime+stime (/proc/<pid>/stat) of this Node process + the relay\'s FFmpeg, % of one core; latency = relay takes the frame message → write callback of the socket write carrying its FLV tag, every destination; audio p95 = the same for audio frames (Opus: from the arrival of the packet holding the AAC frame\'s first sample, so it includes the encoder\'s frame assembly)');
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'steady-from': { type: 'string', default: '30' } } });
  await runRelayBench(Number(positionals[0] ?? 20), (positionals[1] ?? 'opus,aac,publisher').split(','), Number(values['steady-from']));
}
