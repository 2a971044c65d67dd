import { readFileSync } from 'node:fs';

/** One second of the machine: how much CPU went to processes other than the browser under test. */
export interface CpuSample {
  readonly epochMs: number;
  /** Busy CPU of the whole machine minus the browser's, in % of one core (2 cores → up to 200). */
  readonly othersPercent: number;
}

/** Busy and total jiffies of all cores (`/proc/stat` first line: user nice system idle iowait …; proc(5)). */
function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((s, x) => s + x, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/**
 * Samples, once a second, the CPU the rest of the machine took while the bench ran: the stalls
 * of the studio worker are seconds when it was runnable but other processes had the cores
 * (the bench runs under `nice -n 5`, so a nice-0 job on the same core gets ~3× its share).
 */
export function sampleMachineCpu(browserCpuSeconds: () => Promise<number>): { stop: () => CpuSample[] } {
  const samples: CpuSample[] = [];
  const perSecond = 100; // USER_HZ, sysconf(_SC_CLK_TCK) on Linux
  let last = { ...machineJiffies(), browser: Number.NaN, at: performance.now() };
  void browserCpuSeconds().then((s) => { last.browser = s; });
  const timer = setInterval(() => {
    void browserCpuSeconds().then((browser) => {
      const now = { ...machineJiffies(), browser, at: performance.now() };
      const seconds = (now.at - last.at) / 1000;
      const machine = (now.busy - last.busy) / perSecond / seconds;
      const own = (now.browser - last.browser) / seconds;
      if (Number.isFinite(own)) samples.push({ epochMs: performance.timeOrigin + now.at, othersPercent: Math.max(0, (machine - own) * 100) });
      last = now;
    });
  }, 1000);
  return { stop: () => { clearInterval(timer); return samples; } };
}
