/**
 * Studio engine benchmark (issue 6): headless Chromium (Debian's, via playwright-core) runs the
 * 720p30 camera + screen + image scene through the worker engine, live to a local collector,
 * then the same scene through a main-thread canvas + MediaRecorder pipeline, and prints both.
 *   npm run bench -w web                  (60 s each)
 *   BENCH_SECONDS=600 npm run bench -w web (the 10-minute figure)
 *   BENCH_TRACE=/tmp/engine-trace.json     (Chrome trace of the engine run; read it with trace-gaps.ts)
 *   BENCH_ONLY=engine                      (skip the MediaRecorder pipeline)
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { createServer } from 'vite';
import { startCollector, type Collector } from './collector.ts';
import { sampleMachineCpu, type CpuSample } from './machine-cpu.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TRACE_PATH = process.env.BENCH_TRACE;
const ENGINE_ONLY = process.env.BENCH_ONLY === 'engine';
// Task boundaries of every thread (toplevel), timers/GC/script (devtools.timeline, v8), media
// (encoder) tasks: enough to see what ran on the worker thread while a compositor tick was late.
const TRACE_CATEGORIES = ['toplevel', 'devtools.timeline', 'v8', 'disabled-by-default-v8.gc', 'media'];
const webRoot = fileURLToPath(new URL('..', import.meta.url));
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
];

interface EngineResult {
  renderer: string; clockOriginEpochMs: number; statsAtEpochMs: number[]; errors: string[]; longTasks: number; longTaskMaxMs: number; longTasksLive: number; longTaskStarts: number[];
  stats: { fpsOut: number; framesDropped: number; encodeMsP50: number; encodeMsP95: number; composeMsP50?: number; composeMsP95?: number; dropsBy?: { encoder: number; send: number; clock: number; sendAudio?: number }; clockLate?: { frames: number; maxMs: number; sourceFramesSkipped: number }; videoBitrateKbps: number; sendLatencyMs: number | null; rttMs: number | null; transport: string | null }[];
}
interface RecorderResult { mimeType: string; frames: number; bytes: number; composeMsP50: number; composeMsP95: number; longTasks: number; longTaskMaxMs: number }

const pct = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
};

/** Total CPU seconds of every Chromium process (browser, renderer, GPU, utility). */
async function cpuSeconds(cdp: CDPSession): Promise<number> {
  const info = await cdp.send('SystemInfo.getProcessInfo') as { processInfo: { cpuTime: number }[] };
  return info.processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
}

async function measure<T>(browser: Browser, cdp: CDPSession, url: string, ready: string, run: (page: import('playwright-core').Page) => Promise<T>): Promise<{ result: T; cpuPercent: number; machine: CpuSample[] }> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => { console.error('page error:', e.message); });
  await page.goto(url);
  await page.waitForFunction((name) => name in window, ready);
  const before = await cpuSeconds(cdp);
  const started = performance.now();
  const sampler = sampleMachineCpu(() => cpuSeconds(cdp));
  const running = run(page);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const machine = sampler.stop();
  const cpu = await cpuSeconds(cdp) - before;
  const elapsed = (performance.now() - started) / 1000;
  const result = await running;
  await page.close();
  return { result, cpuPercent: (cpu / elapsed) * 100, machine };
}

const fmt = (n: number | null | undefined, digits = 1): string => (n === null || n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));

async function main(): Promise<void> {
  const vite = await createServer({ root: webRoot, configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)), server: { host: '127.0.0.1', port: 0, hmr: false, watch: null }, logLevel: 'warn',
    // Pre-bundled up front so Vite doesn't reload the page mid-run when it discovers them.
    optimizeDeps: { include: ['comlink', 'mediabunny'] } });
  await vite.listen();
  const address = vite.httpServer?.address();
  if (!address || typeof address !== 'object') throw new Error('vite did not listen');
  const base = `http://127.0.0.1:${address.port}`;
  const collector = await startCollector();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
  const cdp = await browser.newBrowserCDPSession();
  try {
    console.log(`studio engine bench: 720p30 camera + screen + image, ${SECONDS} s per pipeline, ${base}`);
    if (TRACE_PATH !== undefined) await browser.startTracing(undefined, { path: TRACE_PATH, categories: TRACE_CATEGORIES });
    const engine = await measure(browser, cdp, `${base}/bench/engine.html`, 'runEngine', (page) => page.evaluate(
      (o) => (window as unknown as { runEngine: (o: unknown) => Promise<EngineResult> }).runEngine(o),
      { seconds: SECONDS, websocketUrl: collector.url },
    ));
    if (TRACE_PATH !== undefined) await browser.stopTracing();
    const recorder = ENGINE_ONLY ? skipped : await measure(browser, cdp, `${base}/bench/mediarecorder.html`, 'runMediaRecorder', (page) => page.evaluate(
      (o) => (window as unknown as { runMediaRecorder: (o: unknown) => Promise<RecorderResult> }).runMediaRecorder(o),
      { seconds: SECONDS },
    ));
    report(engine, recorder, collector);
  } finally {
    await browser.close();
    await collector.close();
    await vite.close();
  }
}

const skipped: { result: RecorderResult; cpuPercent: number; machine: CpuSample[] } = {
  result: { mimeType: 'skipped', frames: Number.NaN, bytes: Number.NaN, composeMsP50: Number.NaN, composeMsP95: Number.NaN, longTasks: Number.NaN, longTaskMaxMs: Number.NaN },
  cpuPercent: Number.NaN, machine: [],
};

/**
 * Other processes' CPU over the engine run, and in the seconds whose stats show new late or
 * dropped compositor slots: if the stalls are the machine's, those seconds stand out.
 */
function contention(e: EngineResult, machine: CpuSample[]): string {
  const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
  const stalled: number[] = [];
  for (let i = 1; i < e.stats.length; i += 1) {
    const [prev, cur, at] = [e.stats[i - 1], e.stats[i], e.statsAtEpochMs[i]];
    if (!prev || !cur || at === undefined) continue;
    const slips = (cur.clockLate?.frames ?? 0) + (cur.dropsBy?.clock ?? 0) - (prev.clockLate?.frames ?? 0) - (prev.dropsBy?.clock ?? 0);
    if (slips <= 0) continue;
    // The machine sample whose second overlaps most with this stats second (both ≈ 1 s long).
    const near = machine.reduce<CpuSample | null>((best, s) => (best === null || Math.abs(s.epochMs - at) < Math.abs(best.epochMs - at) ? s : best), null);
    if (near) stalled.push(near.othersPercent);
  }
  return `${fmt(mean(machine.map((s) => s.othersPercent)))} % mean over ${machine.length} s; ${fmt(mean(stalled))} % in the ${stalled.length} s with late/dropped slots (max ${fmt(Math.max(...machine.map((s) => s.othersPercent)))} %)`;
}

function report(engine: { result: EngineResult; cpuPercent: number; machine: CpuSample[] }, recorder: { result: RecorderResult; cpuPercent: number }, collector: Collector): void {
  const e = engine.result;
  const steady = e.stats.slice(2); // skip start-up (connect + first keyframe)
  const lastLive = e.stats.filter((s) => s.transport !== null).at(-1);
  const latencies = collector.arrivals.map((a) => a.receivedEpochMs - (e.clockOriginEpochMs + a.timestampUs / 1000));
  const rows: [string, string, string][] = [
    ['renderer / codec', e.renderer, recorder.result.mimeType],
    ['frames out (composed)', String(Math.round(steady.reduce((s, x) => s + x.fpsOut, 0))), String(recorder.result.frames)],
    ['video frames received by ingest', String(collector.arrivals.length), 'n/a'],
    ['audio frames received / undeclared', `${collector.audioFrames()} / ${collector.undeclaredFrames()}`, 'n/a'],
    ['dropped frames (encoder+send+clock)', `${lastLive?.framesDropped ?? '—'} (${lastLive?.dropsBy?.encoder ?? '—'}+${lastLive?.dropsBy?.send ?? '—'}+${lastLive?.dropsBy?.clock ?? '—'})`, 'n/a'],
    ['main-thread long tasks (>50 ms)', `${e.longTasks} (max ${fmt(e.longTaskMaxMs)} ms)`, `${recorder.result.longTasks} (max ${fmt(recorder.result.longTaskMaxMs)} ms)`],
    ['  of them while live (after goLive)', String(e.longTasksLive), 'n/a'],
    ['late frames (for their slot) / max ms', `${lastLive?.clockLate?.frames ?? '—'} / ${fmt(lastLive?.clockLate?.maxMs)}`, 'n/a'],
    ['source frames never drawn', String(lastLive?.clockLate?.sourceFramesSkipped ?? '—'), 'n/a'],
    ['audio frames dropped by send queue', String(lastLive?.dropsBy?.sendAudio ?? '—'), 'n/a'],
    ['compose ms p50 / p95', `${fmt(pct(steady.map((s) => s.composeMsP50 ?? Number.NaN), 50), 2)} / ${fmt(pct(steady.map((s) => s.composeMsP95 ?? Number.NaN), 95), 2)}`, `${fmt(recorder.result.composeMsP50, 2)} / ${fmt(recorder.result.composeMsP95, 2)}`],
    ['encode ms p50 / p95', `${fmt(pct(steady.map((s) => s.encodeMsP50), 50), 2)} / ${fmt(pct(steady.map((s) => s.encodeMsP95), 95), 2)}`, 'n/a'],
    ['glass-to-ingest ms p50 / p95', `${fmt(pct(latencies, 50))} / ${fmt(pct(latencies, 95))}`, 'n/a'],
    ['video bitrate kbps (mean)', fmt(steady.reduce((s, x) => s + x.videoBitrateKbps, 0) / Math.max(1, steady.length), 0), fmt((recorder.result.bytes * 8) / 1000 / SECONDS, 0)],
    ['RTT ms (last ack)', fmt(lastLive?.rttMs), 'n/a'],
    ['transport', lastLive?.transport ?? '—', 'n/a'],
    ['browser CPU % (all processes, 100 = 1 core)', fmt(engine.cpuPercent), fmt(recorder.cpuPercent)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'metric'.padEnd(width)}  ${'worker engine'.padEnd(22)}  MediaRecorder`);
  for (const [name, a, b] of rows) console.log(`${name.padEnd(width)}  ${a.padEnd(22)}  ${b}`);
  console.log(`CPU of other processes during the engine run (100 = 1 core): ${contention(e, engine.machine)}`);
  if (e.errors.length > 0) console.log(`engine errors: ${e.errors.join(', ')}`);
  if (e.longTaskStarts.length > 0) console.log(`engine page long tasks at (s after page start): ${e.longTaskStarts.map((t) => (t / 1000).toFixed(1)).join(', ')}`);
}

await main();
