import type { Compositor } from './compose/compositor.ts';
import type { MediaEncoder } from './encode/media-encoder.ts';
import { percentile } from './encode/encoded.ts';
import type { EngineStats } from './studio-engine.ts';
import type { LiveTransport } from './transport/live-transport.ts';
import type { SendQueue } from './transport/send-queue.ts';

export interface StatsSources {
  readonly compositor: Compositor;
  readonly encoder: MediaEncoder | null;
  readonly queue: SendQueue | null;
  readonly transport: LiveTransport | null;
  readonly recorder: { readonly bytesWritten: number } | null;
}

/** Samples the stages once per interval and reports rates over that interval. */
export class EngineStatsCollector {
  readonly #timer: ReturnType<typeof setInterval>;
  #last = { at: performance.now(), framesIn: 0, framesOut: 0, bytes: 0 };

  constructor(sources: () => StatsSources, report: (stats: EngineStats) => void, intervalMs = 1000) {
    this.#timer = setInterval(() => { report(this.#sample(sources())); }, intervalMs);
  }

  #sample({ compositor, encoder, queue, transport, recorder }: StatsSources): EngineStats {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.#last.at) / 1000);
    // fps in: the busiest live source (sources deliver independently).
    const framesIn = Math.max(0, ...[...compositor.sources.values()].map((s) => s.framesIn));
    const bytes = encoder?.video.bytesOut ?? 0;
    const encodeMs = encoder?.video.encodeMs ?? [];
    const stats: EngineStats = {
      fpsIn: Math.max(0, (framesIn - this.#last.framesIn) / seconds),
      fpsOut: (compositor.framesOut - this.#last.framesOut) / seconds,
      encodeMsP50: percentile(encodeMs, 50),
      encodeMsP95: percentile(encodeMs, 95),
      videoQueueDepth: encoder?.video.queueDepth ?? 0,
      sendQueueDepth: queue?.depth ?? 0,
      framesDropped: (encoder?.video.framesDropped ?? 0) + (queue?.droppedByKind.video ?? 0) + compositor.missedTicks,
      videoBitrateKbps: (Math.max(0, bytes - this.#last.bytes) * 8) / 1000 / seconds,
      sendLatencyMs: transport?.sendLatencyMs ?? null,
      rttMs: transport?.transportRttMs ?? transport?.rttMs ?? null,
      transport: transport?.kind ?? null,
      composeMsP50: percentile(compositor.composeMs, 50),
      composeMsP95: percentile(compositor.composeMs, 95),
      dropsBy: {
        encoder: encoder?.video.framesDropped ?? 0, send: queue?.droppedByKind.video ?? 0, clock: compositor.missedTicks,
        sendAudio: queue?.droppedByKind.audio ?? 0,
      },
      clockLate: { frames: compositor.lateTicks, maxMs: compositor.maxLateMs, sourceFramesSkipped: compositor.sourceFramesSkipped },
      ...(recorder ? { recordingBytes: recorder.bytesWritten } : {}),
    };
    this.#last = { at: now, framesIn, framesOut: compositor.framesOut, bytes };
    return stats;
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
