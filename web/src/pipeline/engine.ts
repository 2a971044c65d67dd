import * as Comlink from 'comlink';
import { audioSamples, openCamera, openMicrophone, openScreen, openVideoFile, stopStream, videoFrames } from './capture/capture.ts';
import { AudioMixer } from './audio/mixer.ts';
import type { Layer, RendererKind } from './compose/scene.ts';
import { engineError } from './errors.ts';
import type { StudioWorkerApi } from './studio.worker.ts';
import type {
  EngineEvent, IngestTarget, LayoutMode, OutputSettings, Rect, SourceInfo, SourceKind, StudioEngine,
} from './studio-engine.ts';

export interface StudioEngineOptions {
  /** Output used until `goLive` passes its own; default 1280×720 at 30 fps. */
  readonly output?: OutputSettings;
  readonly renderer?: RendererKind | 'auto';
  /** How often `levels` events are sent. */
  readonly levelsIntervalMs?: number;
}

export const DEFAULT_OUTPUT: OutputSettings = { width: 1280, height: 720, fps: 30, videoBitrateKbps: 4500, audioBitrateKbps: 128 };

interface OwnedSource { readonly info: SourceInfo; readonly release: () => void }

/**
 * The studio engine on the main thread: opens devices, owns the audio graph and the worker
 * (compose, encode, send, record run there), and reports everything through `on()`.
 */
class StudioEngineImpl implements StudioEngine {
  readonly #worker: Worker;
  readonly #api: Comlink.Remote<StudioWorkerApi>;
  readonly #listeners = new Set<(event: EngineEvent) => void>();
  readonly #sources = new Map<string, OwnedSource>();
  readonly #ready: Promise<{ renderer: RendererKind }>;
  readonly #levelsTimer: ReturnType<typeof setInterval>;
  readonly #audioReady: Promise<void>;
  /** Epoch ms of the session clock's zero (frame timestamps are µs after it). */
  readonly clockOriginEpochMs: number;
  #mixer: AudioMixer | null = null;
  #nextId = 1;
  #closed = false;

  constructor(options: StudioEngineOptions) {
    this.#worker = new Worker(new URL('./studio.worker.ts', import.meta.url), { type: 'module', name: 'studio-engine' });
    this.#worker.addEventListener('error', (event) => { this.#emit(engineError('STUDIO_WORKER_CRASHED', event.message)); });
    this.#worker.addEventListener('messageerror', () => { this.#emit(engineError('STUDIO_WORKER_CRASHED', 'message could not be read')); });
    this.#api = Comlink.wrap<StudioWorkerApi>(this.#worker);
    this.clockOriginEpochMs = performance.timeOrigin + performance.now();
    const init = { clockOriginEpochMs: this.clockOriginEpochMs, output: options.output ?? DEFAULT_OUTPUT, renderer: options.renderer ?? 'auto' };
    this.#ready = this.#api.init(init, Comlink.proxy((event: EngineEvent) => { this.#emit(event); }));
    // The mixed track exists from the start (silent until a source is added), so audio is part of
    // every live session and recording whatever order the user adds sources in.
    this.#audioReady = this.#mixerFor().then(() => undefined, (error: unknown) => {
      this.#emit(engineError('STUDIO_CAPTURE_FAILED', error instanceof Error ? error.message : 'audio mixer'));
    });
    this.#levelsTimer = setInterval(() => {
      const levels = this.#mixer?.levels() ?? {};
      if (this.#listeners.size > 0 && Object.keys(levels).length > 0) this.#emit({ type: 'levels', levels });
    }, options.levelsIntervalMs ?? 100);
  }

  /** Which renderer the worker's compositor uses (`webgl2` or the `2d` fallback). */
  async renderer(): Promise<RendererKind> { return (await this.#ready).renderer; }

  /** The current scene as computed in the worker (for tests and the UI's layer list). */
  async layers(): Promise<readonly Layer[]> { await this.#ready; return this.#api.layers(); }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try { listener(event); } catch (error) { console.error('engine listener failed', error); }
    }
  }

  on(listener: (event: EngineEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  async attachPreview(canvas: HTMLCanvasElement): Promise<void> {
    await this.#ready;
    const offscreen = canvas.transferControlToOffscreen();
    await this.#api.attachPreview(Comlink.transfer(offscreen, [offscreen]));
  }

  #id(kind: SourceKind): string { return `${kind}-${this.#nextId++}`; }

  async #mixerFor(): Promise<AudioMixer> {
    if (this.#mixer) return this.#mixer;
    const mixer = new AudioMixer();
    this.#mixer = mixer;
    const samples = audioSamples(mixer.track);
    await this.#ready;
    await this.#api.setAudio(Comlink.transfer(samples, [samples]), mixer.format);
    return mixer;
  }

  async #addVideoTrack(id: string, kind: SourceKind, track: MediaStreamTrack): Promise<void> {
    const frames = videoFrames(track);
    await this.#ready;
    await this.#api.addVideoSource(id, kind, Comlink.transfer(frames, [frames]));
  }

  #register(info: SourceInfo, release: () => void): SourceInfo {
    this.#sources.set(info.id, { info, release });
    return info;
  }

  async #capture<T>(open: () => Promise<T>): Promise<T> {
    try {
      return await open();
    } catch (error) {
      this.#emit(engineError('STUDIO_CAPTURE_FAILED', error instanceof Error ? error.name : 'unknown'));
      throw error;
    }
  }

  async addCamera(deviceId?: string): Promise<SourceInfo> {
    const stream = await this.#capture(() => openCamera(deviceId));
    const track = stream.getVideoTracks()[0];
    if (!track) { stopStream(stream); throw new Error('camera has no video track'); }
    const id = this.#id('camera');
    await this.#addVideoTrack(id, 'camera', track);
    return this.#register({ id, kind: 'camera', label: track.label || 'Camera', hasVideo: true, hasAudio: false }, () => { stopStream(stream); });
  }

  async addMicrophone(deviceId?: string): Promise<SourceInfo> {
    const stream = await this.#capture(() => openMicrophone(deviceId));
    const id = this.#id('microphone');
    await (await this.#mixerFor()).addStream(id, stream);
    const label = stream.getAudioTracks()[0]?.label ?? 'Microphone';
    return this.#register({ id, kind: 'microphone', label, hasVideo: false, hasAudio: true }, () => { stopStream(stream); });
  }

  async addScreen(): Promise<SourceInfo> {
    const stream = await this.#capture(() => openScreen());
    const track = stream.getVideoTracks()[0];
    if (!track) { stopStream(stream); throw new Error('screen share has no video track'); }
    const id = this.#id('screen');
    await this.#addVideoTrack(id, 'screen', track);
    const hasAudio = stream.getAudioTracks().length > 0;
    if (hasAudio) await (await this.#mixerFor()).addStream(id, new MediaStream(stream.getAudioTracks()));
    return this.#register({ id, kind: 'screen', label: track.label || 'Screen', hasVideo: true, hasAudio }, () => { stopStream(stream); });
  }

  /**
   * Any live video track as a source (e.g. a canvas's captureStream() or a track the UI opened
   * itself). The engine takes ownership and stops the track on removal.
   */
  async addTrack(track: MediaStreamTrack, kind: SourceKind, label: string): Promise<SourceInfo> {
    const id = this.#id(kind);
    await this.#addVideoTrack(id, kind, track);
    return this.#register({ id, kind, label, hasVideo: true, hasAudio: false }, () => { track.stop(); });
  }

  async addImage(file: Blob, label: string): Promise<SourceInfo> {
    const image = await this.#capture(() => createImageBitmap(file));
    const id = this.#id('image');
    await this.#ready;
    await this.#api.addImageSource(id, 'image', Comlink.transfer(image, [image]));
    return this.#register({ id, kind: 'image', label, hasVideo: true, hasAudio: false }, () => undefined);
  }

  async addVideo(file: Blob, label: string): Promise<SourceInfo> {
    const capture = await this.#capture(() => openVideoFile(file));
    const id = this.#id('video');
    await this.#addVideoTrack(id, 'video', capture.videoTrack);
    await (await this.#mixerFor()).addElement(id, capture.element);
    return this.#register({ id, kind: 'video', label, hasVideo: true, hasAudio: true }, () => { capture.close(); });
  }

  async removeSource(id: string): Promise<void> {
    const source = this.#sources.get(id);
    if (!source) return;
    this.#sources.delete(id);
    this.#mixer?.remove(id);
    if (source.info.hasVideo) await this.#api.removeSource(id);
    source.release();
  }

  async setLayout(mode: LayoutMode): Promise<void> { await this.#ready; await this.#api.setLayout(mode); }
  async setPipRect(rect: Rect): Promise<void> { await this.#ready; await this.#api.setPipRect(rect); }
  setGain(sourceId: string, gain: number): void { this.#mixer?.setGain(sourceId, gain); }
  setMuted(sourceId: string, muted: boolean): void { this.#mixer?.setMuted(sourceId, muted); }
  setSolo(sourceId: string, solo: boolean): void { this.#mixer?.setSolo(sourceId, solo); }

  async goLive(target: IngestTarget, output: OutputSettings): Promise<void> {
    await this.#ready;
    await this.#audioReady;
    await this.#api.goLive(target, output);
  }

  async stopLive(): Promise<void> { await this.#ready; await this.#api.stopLive(); }

  async startRecording(): Promise<void> {
    await this.#ready;
    await this.#audioReady;
    try {
      await this.#api.startRecording();
    } catch (error) {
      this.#emit(engineError('STUDIO_RECORDING_FAILED', error instanceof Error ? error.message : String(error)));
      throw error;
    }
  }

  async stopRecording(): Promise<Blob> { await this.#ready; return this.#api.stopRecording(); }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#levelsTimer);
    await this.#ready.then(() => this.#api.close()).catch(() => undefined);
    for (const source of this.#sources.values()) source.release();
    this.#sources.clear();
    await this.#mixer?.close();
    this.#api[Comlink.releaseProxy]();
    this.#worker.terminate();
    this.#listeners.clear();
  }
}

export type StudioEngineHandle = StudioEngine & {
  readonly clockOriginEpochMs: number;
  addTrack(track: MediaStreamTrack, kind: SourceKind, label: string): Promise<SourceInfo>;
  renderer(): Promise<RendererKind>;
  layers(): Promise<readonly Layer[]>;
  setSolo(sourceId: string, solo: boolean): void;
};

/** Creates the engine (starts its worker). Hold it with `markRaw`/`shallowRef` in Vue. */
export function createStudioEngine(options: StudioEngineOptions = {}): StudioEngineHandle {
  return new StudioEngineImpl(options);
}
