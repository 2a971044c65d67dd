/**
 * Reads a Chrome trace of the engine bench (`BENCH_TRACE=… npm run bench -w web`) and prints what
 * kept the studio worker from its compositor ticks: the worker thread's long tasks (with the
 * events inside them: GC, script, media) and its long idle gaps (with what the other threads
 * of every Chromium process ran meanwhile, i.e. who had the 2 cores).
 *   node bench/trace-gaps.ts /tmp/engine-trace.json [gapMs=80]
 * Trace Event Format: "X" events carry ts/dur (wall µs) and tdur (thread CPU µs); "M"
 * thread_name events name the threads.
 */
import { readFileSync } from 'node:fs';

interface TraceEvent {
  readonly ph: string; readonly name: string; readonly cat: string; readonly pid: number; readonly tid: number;
  readonly ts: number; readonly dur?: number; readonly tdur?: number; readonly args?: Record<string, unknown>;
}

const [path, gapArg] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: node bench/trace-gaps.ts <trace.json> [gapMs]');
const GAP_MS = Number(gapArg ?? 80);
const parsed = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;

const threadNames = new Map<string, string>();
for (const e of events) {
  if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, String((e.args as { name?: string } | undefined)?.name));
}
const key = (e: TraceEvent): string => `${e.pid}:${e.tid}`;
const workerKeys = [...threadNames].filter(([, name]) => name.startsWith('DedicatedWorker')).map(([k]) => k);
const complete = events.filter((e) => e.ph === 'X' && e.dur !== undefined);
const isTask = (e: TraceEvent): boolean => e.name === 'ThreadControllerImpl::RunTask' || e.name === 'ThreadPool_RunTask';

function describe(e: TraceEvent): string {
  const data = (e.args?.data ?? {}) as { functionName?: string; url?: string; type?: string };
  const detail = data.functionName ?? data.type ?? (data.url ? data.url.split('/').pop() : undefined);
  return `${e.name}${detail ? `(${detail})` : ''}`;
}

/** The biggest events inside [start, end) on one thread, as "name dur ms". */
function inside(threadKey: string, start: number, end: number, limit: number): string {
  const nested = complete.filter((e) => key(e) === threadKey && e.ts >= start && e.ts < end && !isTask(e))
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, limit);
  return nested.map((e) => `${describe(e)} ${((e.dur ?? 0) / 1000).toFixed(1)}`).join(', ');
}

/** CPU time (ms) each thread spent in top-level tasks overlapping [start, end). */
function busyThreads(start: number, end: number): string {
  const cpu = new Map<string, number>();
  for (const e of complete) {
    if (!isTask(e) || e.ts >= end || e.ts + (e.dur ?? 0) <= start) continue;
    const overlap = Math.min(end, e.ts + (e.dur ?? 0)) - Math.max(start, e.ts);
    const share = (e.dur ?? 0) > 0 ? overlap / (e.dur ?? 1) : 0;
    cpu.set(key(e), (cpu.get(key(e)) ?? 0) + ((e.tdur ?? e.dur ?? 0) * share) / 1000);
  }
  return [...cpu].sort((a, b) => b[1] - a[1]).slice(0, 6)
    .map(([k, ms]) => `${threadNames.get(k) ?? k} ${ms.toFixed(0)}`).join(', ');
}

const first = complete.reduce((min, e) => (e.ts > 0 && e.ts < min ? e.ts : min), Number.POSITIVE_INFINITY);
const at = (ts: number): string => ((ts - first) / 1e6).toFixed(1);
for (const worker of workerKeys) {
  const tasks = complete.filter((e) => key(e) === worker && isTask(e)).sort((a, b) => a.ts - b.ts);
  if (tasks.length < 100) continue; // the comlink/meter workers; the studio worker runs thousands
  console.log(`thread ${worker} (${threadNames.get(worker)}): ${tasks.length} tasks`);
  const durs = tasks.map((t) => (t.dur ?? 0) / 1000).sort((a, b) => a - b);
  console.log(`  task ms p50 ${durs[Math.floor(durs.length / 2)]?.toFixed(2)} p99 ${durs[Math.floor(durs.length * 0.99)]?.toFixed(2)} max ${durs.at(-1)?.toFixed(1)}`);
  for (const t of tasks.filter((x) => (x.dur ?? 0) / 1000 > 50)) {
    console.log(`  long task at ${at(t.ts)} s: ${((t.dur ?? 0) / 1000).toFixed(1)} ms wall, ${((t.tdur ?? 0) / 1000).toFixed(1)} ms CPU; inside: ${inside(worker, t.ts, t.ts + (t.dur ?? 0), 5)}`);
    console.log(`    busy meanwhile (CPU ms): ${busyThreads(t.ts, t.ts + (t.dur ?? 0))}`);
  }
  for (let i = 1; i < tasks.length; i += 1) {
    const prev = tasks[i - 1];
    const next = tasks[i];
    if (!prev || !next) continue;
    const gapStart = prev.ts + (prev.dur ?? 0);
    const gap = (next.ts - gapStart) / 1000;
    if (gap < GAP_MS) continue;
    console.log(`  idle gap at ${at(gapStart)} s: ${gap.toFixed(1)} ms; busy meanwhile (CPU ms): ${busyThreads(gapStart, next.ts)}`);
    console.log(`    next task ${((next.dur ?? 0) / 1000).toFixed(1)} ms: ${inside(worker, next.ts, next.ts + (next.dur ?? 0), 4)}`);
  }
}
