/**
 * A fake `StudioEngine` for component tests: the UI's boundary. It records every call, answers
 * like the engine would, and lets a test push engine events.
 */
import type {
  EngineEvent, IngestTarget, LayoutMode, OutputSettings, Rect, SourceInfo, SourceKind, StudioEngine,
} from '../../pipeline/studio-engine.ts';

export type Call = readonly [method: string, ...args: unknown[]];

export class FakeEngine implements StudioEngine {
  readonly calls: Call[] = [];
  readonly listeners = new Set<(event: EngineEvent) => void>();
  /** Set to make the next capture call fail (e.g. a DOMException NotAllowedError). */
  failNextCapture: Error | null = null;
  closed = false;
  #next = 0;

  #source(kind: SourceKind, label: string): SourceInfo {
    const hasVideo = kind !== 'microphone';
    const hasAudio = kind === 'microphone' || kind === 'video' || kind === 'camera';
    return { id: `${kind}-${++this.#next}`, kind, label, hasVideo, hasAudio };
  }

  #capture(kind: SourceKind, label: string): Promise<SourceInfo> {
    this.calls.push([`add-${kind}`]);
    const failure = this.failNextCapture;
    this.failNextCapture = null;
    if (failure !== null) return Promise.reject(failure);
    return Promise.resolve(this.#source(kind, label));
  }

  attachPreview(canvas: HTMLCanvasElement): Promise<void> {
    this.calls.push(['attachPreview', canvas.width, canvas.height]);
    return Promise.resolve();
  }
  addCamera(): Promise<SourceInfo> { return this.#capture('camera', 'Fake camera'); }
  addMicrophone(): Promise<SourceInfo> { return this.#capture('microphone', 'Fake microphone'); }
  addScreen(): Promise<SourceInfo> { return this.#capture('screen', 'Screen 1'); }
  addImage(file: Blob, label: string): Promise<SourceInfo> {
    this.calls.push(['addImage', file.size, label]);
    return Promise.resolve(this.#source('image', label));
  }
  addVideo(file: Blob, label: string): Promise<SourceInfo> {
    this.calls.push(['addVideo', file.size, label]);
    return Promise.resolve(this.#source('video', label));
  }
  removeSource(id: string): Promise<void> { this.calls.push(['removeSource', id]); return Promise.resolve(); }
  setLayout(mode: LayoutMode): Promise<void> { this.calls.push(['setLayout', mode]); return Promise.resolve(); }
  setPipRect(rect: Rect): Promise<void> { this.calls.push(['setPipRect', rect]); return Promise.resolve(); }
  setGain(sourceId: string, gain: number): void { this.calls.push(['setGain', sourceId, gain]); }
  setMuted(sourceId: string, muted: boolean): void { this.calls.push(['setMuted', sourceId, muted]); }
  goLive(target: IngestTarget, output: OutputSettings): Promise<void> { this.calls.push(['goLive', target, output]); return Promise.resolve(); }
  stopLive(): Promise<void> { this.calls.push(['stopLive']); return Promise.resolve(); }
  startRecording(): Promise<void> { this.calls.push(['startRecording']); return Promise.resolve(); }
  stopRecording(): Promise<Blob> {
    this.calls.push(['stopRecording']);
    return Promise.resolve(new Blob([new Uint8Array(2048)], { type: 'video/mp4' }));
  }
  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close(): Promise<void> { this.closed = true; this.listeners.clear(); return Promise.resolve(); }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event);
  }

  callsOf(method: string): Call[] {
    return this.calls.filter((c) => c[0] === method);
  }
}
