/// <reference lib="webworker" />
import * as Comlink from 'comlink';
import { SessionClock } from './clock.ts';
import { FrameSource } from './capture/frame-source.ts';
import { Compositor } from './compose/compositor.ts';
import type { Layer, RendererKind } from './compose/scene.ts';
import { MediaEncoder } from './encode/media-encoder.ts';
import type { EncodedMedia } from './encode/encoded.ts';
import { engineError } from './errors.ts';
import { framePacket, trackMessage, trackPacket } from './packetize/packetizer.ts';
import { Recorder } from './record/recorder.ts';
import { EngineStatsCollector } from './stats.ts';
import type { EngineEvent, IngestTarget, LayoutMode, OutputSettings, Rect, SourceKind } from './studio-engine.ts';
import { LiveTransport } from './transport/live-transport.ts';
import { parseSessionStatus } from './transport/relay-status.ts';
import { SendQueue } from './transport/send-queue.ts';

export interface WorkerInit {
  readonly clockOriginEpochMs: number;
  readonly output: OutputSettings;
  readonly renderer: RendererKind | 'auto';
}

export interface AudioFormat {
  readonly sampleRate: number;
  readonly channels: number;
  /** Delay the mixer adds before samples reach its track (see AudioMixer.format). */
  readonly latencyMs?: number;
}

/**
 * Everything per frame happens here: compose → encode → packetize → send, and record. The main
 * thread only hands over streams (transferred) and settings.
 */
class StudioWorker {
  #emit: (event: EngineEvent) => void = () => undefined;
  #clock = new SessionClock();
  #output: OutputSettings | null = null;
  #compositor: Compositor | null = null;
  #encoder: MediaEncoder | null = null;
  #encoderStarting: Promise<MediaEncoder> | null = null;
  #audio: { reader: ReadableStreamDefaultReader<AudioData>; format: AudioFormat } | null = null;
  #recorder: Recorder | null = null;
  #transport: LiveTransport | null = null;
  #queue: SendQueue | null = null;
  #stats: EngineStatsCollector | null = null;
  #lastVideo: EncodedMedia | null = null;
  #lastAudio: EncodedMedia | null = null;
  /** Tracks whose `track` message went out (or is queued) on the current connection. */
  readonly #declared = new Set<EncodedMedia['kind']>();

  init(init: WorkerInit, emit: (event: EngineEvent) => void): { renderer: RendererKind } {
    this.#emit = emit;
    this.#clock = new SessionClock(init.clockOriginEpochMs);
    this.#output = init.output;
    const compositor = new Compositor({
      canvas: new OffscreenCanvas(init.output.width, init.output.height), output: init.output, fps: init.output.fps,
      clock: this.#clock, renderer: init.renderer, onFrame: (frame) => { this.#onFrame(frame); },
      accepts: () => this.#encoder?.video.accepting ?? true, onRefused: () => { this.#encoder?.video.refuse(); },
    });
    this.#compositor = compositor;
    compositor.start();
    this.#stats = new EngineStatsCollector(() => ({
      compositor, encoder: this.#encoder, queue: this.#queue, transport: this.#transport, recorder: this.#recorder,
    }), (stats) => { emit({ type: 'stats', stats }); });
    return { renderer: compositor.rendererKind };
  }

  #onFrame(frame: VideoFrame): void {
    const encoder = this.#encoder;
    if (encoder) encoder.video.encode(frame);
    else frame.close();
  }

  #onMedia(media: EncodedMedia): void {
    if (media.kind === 'video') this.#lastVideo = media;
    else this.#lastAudio = media;
    this.#recorder?.add(media);
    const queue = this.#queue;
    if (!queue) return;
    // Every track is declared (codec + description) before its first frame on a connection.
    if (!this.#declared.has(media.kind) && media.decoderConfig) {
      queue.push(trackPacket(trackMessage(media, this.#output?.fps ?? 30)));
      this.#declared.add(media.kind);
    }
    queue.push(framePacket(media));
  }

  attachPreview(canvas: OffscreenCanvas): RendererKind {
    const compositor = this.#need();
    compositor.setCanvas(canvas);
    return compositor.rendererKind;
  }

  addVideoSource(id: string, kind: SourceKind, frames: ReadableStream<VideoFrame>): void {
    this.#need().addSource(FrameSource.fromStream(id, kind, frames));
  }

  addImageSource(id: string, kind: SourceKind, image: ImageBitmap): void {
    this.#need().addSource(FrameSource.fromImage(id, kind, image));
  }

  removeSource(id: string): void { this.#need().removeSource(id); }
  setLayout(mode: LayoutMode): void { this.#need().setLayout(mode); }
  setPipRect(rect: Rect): void { this.#need().setPip(rect); }
  layers(): readonly Layer[] { return this.#need().layers; }

  /** The mixed audio track's samples; encoded only while live or recording. */
  setAudio(samples: ReadableStream<AudioData>, format: AudioFormat): void {
    void this.#audio?.reader.cancel();
    const reader = samples.getReader();
    this.#audio = { reader, format };
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const audio = this.#encoder?.audio;
        if (audio) audio.encode(value);
        else value.close();
      }
    })().catch(() => undefined);
  }

  async #startEncoder(): Promise<MediaEncoder> {
    if (this.#encoder) return this.#encoder;
    this.#encoderStarting ??= MediaEncoder.create({
      output: this.#output ?? (() => { throw new Error('not initialised'); })(),
      clock: this.#clock,
      audio: this.#audio?.format ?? null,
      onMedia: (media) => { this.#onMedia(media); },
      onError: (error) => { this.#emit(engineError('STUDIO_ENCODER_FAILED', error.message)); },
    });
    try {
      this.#encoder = await this.#encoderStarting;
      return this.#encoder;
    } finally {
      this.#encoderStarting = null;
    }
  }

  #stopEncoderIfIdle(): void {
    if (this.#recorder || this.#transport) return;
    this.#encoder?.close();
    this.#encoder = null;
    this.#lastVideo = null;
    this.#lastAudio = null;
  }

  async goLive(target: IngestTarget, output: OutputSettings): Promise<void> {
    if (this.#transport) throw new Error('already live');
    if (!this.#encoder && !this.#encoderStarting) this.#applyOutput(output);
    else if (!sameOutput(this.#output, output)) {
      // A recording has the encoders running: changing size or bitrate now would change the
      // recording mid-file, so the stream goes out with the running settings and says so.
      this.#emit(engineError('STUDIO_OUTPUT_IGNORED', `running ${describeOutput(this.#output)}, asked ${describeOutput(output)}`));
    }
    const encoder = await this.#startEncoder();
    const queue = new SendQueue({ maxPackets: 120, onDropStart: () => { encoder.video.requestKeyframe(); } });
    this.#queue = queue;
    this.#transport = new LiveTransport({
      target, queue, clock: this.#clock,
      onState: (state, detail) => {
        this.#emit(detail === undefined ? { type: 'transport', state } : { type: 'transport', state, detail });
        if (state === 'reconnecting') this.#emit(engineError('STUDIO_TRANSPORT_FAILED', detail));
      },
      onMessage: (message) => {
        if (message.type === 'status') {
          const status = parseSessionStatus(message.json);
          if (status) this.#emit({ type: 'relay-status', status });
        }
        if (message.type === 'error') this.#emit(engineError('STUDIO_INGEST_ERROR', message.code));
      },
      resume: () => {
        encoder.video.requestKeyframe();
        const framerate = this.#output?.fps ?? 30;
        const known = [this.#lastVideo, this.#lastAudio].filter((m) => m !== null);
        this.#declared.clear();
        for (const m of known) this.#declared.add(m.kind);
        return known.map((m) => trackPacket(trackMessage(m, framerate)));
      },
    });
  }

  #applyOutput(output: OutputSettings): void {
    this.#output = output;
    this.#need().setOutput({ width: output.width, height: output.height }, output.fps);
  }

  async stopLive(): Promise<void> {
    await this.#transport?.close();
    this.#transport = null;
    this.#queue?.close();
    this.#queue = null;
    this.#declared.clear();
    this.#stopEncoderIfIdle();
  }

  async startRecording(): Promise<void> {
    if (this.#recorder) throw new Error('already recording');
    const encoder = await this.#startEncoder();
    const recorder = await Recorder.start({ fileName: `recording-${Date.now()}.mp4`, audioCodec: encoder.audio?.config.codec ?? null });
    this.#recorder = recorder;
    encoder.video.requestKeyframe();
    this.#emit({ type: 'recording', state: 'recording', bytesWritten: 0 });
  }

  async stopRecording(): Promise<Blob> {
    const recorder = this.#recorder;
    if (!recorder) throw new Error('not recording');
    await this.#encoder?.video.flush();
    this.#recorder = null;
    try {
      const file = await recorder.stop();
      this.#emit({ type: 'recording', state: 'stopped', bytesWritten: file.size });
      return file;
    } finally {
      this.#stopEncoderIfIdle();
    }
  }

  /** Reports an out-of-band failure (unhandled rejection) as an `error` event. */
  report(reason: unknown): void {
    this.#emit(engineError('STUDIO_WORKER_CRASHED', reason instanceof Error ? reason.message : String(reason)));
  }

  recordingBytes(): number { return this.#recorder?.bytesWritten ?? 0; }

  #need(): Compositor {
    if (!this.#compositor) throw new Error('engine worker not initialised');
    return this.#compositor;
  }

  async close(): Promise<void> {
    await this.stopLive();
    this.#stats?.close();
    void this.#audio?.reader.cancel();
    this.#compositor?.close();
    this.#encoder?.close();
  }
}

function sameOutput(a: OutputSettings | null, b: OutputSettings): boolean {
  return a !== null && a.width === b.width && a.height === b.height && a.fps === b.fps
    && a.videoBitrateKbps === b.videoBitrateKbps && a.audioBitrateKbps === b.audioBitrateKbps;
}

function describeOutput(o: OutputSettings | null): string {
  return o ? `${o.width}x${o.height}@${o.fps} ${o.videoBitrateKbps}/${o.audioBitrateKbps} kbps` : 'none';
}

export type StudioWorkerApi = StudioWorker;

const worker = new StudioWorker();
Comlink.expose(worker);

// Out-of-band failures inside the worker surface as one typed event, never as silence.
self.addEventListener('unhandledrejection', (event) => {
  const reason: unknown = event.reason;
  worker.report(reason);
});
