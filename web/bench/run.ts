/**
 * Studio engine benchmark (issue 6): headless Chromium (Debian's, via playwright-core) runs the
 * 720p30 camera + screen + image scene through the worker engine, live to a local collector,
 * then the same scene through a main-thread canvas + MediaRecorder pipeline, and prints both.
 *   npm run bench -w web                  (60 s each)
 *   BENCH_SECONDS=600 npm run bench -w web (the 10-minute figure)
 */
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession } from 'playwright-core';
import { createServer } from 'vite';
import { startCollector, type Collector } from './collector.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const webRoot = fileURLToPath(new URL('..', import.meta.url));
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
];

interface EngineResult {
  renderer: string; clockOriginEpochMs: number; errors: string[]; longTasks: number; longTaskMaxMs: number; longTasksLive: number; longTaskStarts: number[];
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

async function measure<T>(browser: Browser, cdp: CDPSession, url: string, ready: string, run: (page: import('playwright-core').Page) => Promise<T>): Promise<{ result: T; cpuPercent: number }> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => { console.error('page error:', e.message); });
  await page.goto(url);
  await page.waitForFunction((name) => name in window, ready);
  const before = await cpuSeconds(cdp);
  const started = performance.now();
  const running = run(page);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu = await cpuSeconds(cdp) - before;
  const elapsed = (performance.now() - started) / 1000;
  const result = await running;
  await page.close();
  return { result, cpuPercent: (cpu / elapsed) * 100 };
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
    const engine = await measure(browser, cdp, `${base}/bench/engine.html`, 'runEngine', (page) => page.evaluate(
      (o) => (window as unknown as { runEngine: (o: unknown) => Promise<EngineResult> }).runEngine(o),
      { seconds: SECONDS, websocketUrl: collector.url },
    ));
    const recorder = await measure(browser, cdp, `${base}/bench/mediarecorder.html`, 'runMediaRecorder', (page) => page.evaluate(
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

function report(engine: { result: EngineResult; cpuPercent: number }, recorder: { result: RecorderResult; cpuPercent: number }, collector: Collector): void {
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
  if (e.errors.length > 0) console.log(`engine errors: ${e.errors.join(', ')}`);
  if (e.longTaskStarts.length > 0) console.log(`engine page long tasks at (s after page start): ${e.longTaskStarts.map((t) => (t / 1000).toFixed(1)).join(', ')}`);
}

await main();
