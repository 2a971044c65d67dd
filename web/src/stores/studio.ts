/**
 * The studio's scene and show: sources, layout, PIP, mixer, live state, relay status, engine stats
 * and local recording. The engine itself never enters reactive state: it is kept in this closure
 * (marked raw) and every event is copied into plain values.
 */
import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import { planLimits, resolutionSize, type Resolution } from '@streamhub/shared/plans';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import type {
  EngineEvent, EngineStats, LayoutMode, OutputSettings, Rect, SourceInfo, SourceKind, StudioEngine,
} from '../pipeline/studio-engine.ts';
import { ApiError } from '../api/http.ts';
import { useEndpoints } from '../api/provide.ts';
import { captureErrorCode, explainError, type Explained } from '../api/error-text.ts';
import { useAuthStore } from './auth.ts';
import { readWithProgress } from './file-read.ts';
import { pushSample, type Sample } from './stats-history.ts';

/** How old the relay status may get before the studio asks the API for it. */
export const statusStaleMs = 4000;

export const layoutModes: readonly LayoutMode[] = ['solo', 'side-by-side', 'picture-in-picture', 'grid', 'screen-camera'];

export interface StudioSource extends SourceInfo {
  readonly name: string;
  readonly gain: number;
  readonly muted: boolean;
}

export interface PendingFile {
  readonly key: string;
  readonly name: string;
  readonly progress: number;
}

export type LiveState = 'idle' | 'starting' | 'live' | 'stopping';
export type TransportState = Extract<EngineEvent, { type: 'transport' }>['state'];

export const useStudioStore = defineStore('studio', () => {
  const api = useEndpoints();
  const auth = useAuthStore();
  let engine: StudioEngine | null = null;
  let unsubscribe: (() => void) | null = null;
  let recordingBlob: Blob | null = null;
  let statusPoll: ReturnType<typeof setInterval> | null = null;

  const engineReady = ref(false);
  const sources = ref<StudioSource[]>([]);
  const pending = ref<PendingFile[]>([]);
  const layout = ref<LayoutMode>('solo');
  const resolution = ref<Resolution>(planLimits[auth.plan].maxResolution);
  const output = computed<OutputSettings>(() => {
    const size = resolutionSize[resolution.value];
    const bitrate = Math.min(planLimits[auth.plan].maxVideoBitrateKbps, resolution.value === '1080p' ? 6000 : 4500);
    return { width: size.width === 1920 ? 1920 : 1280, height: size.height === 1080 ? 1080 : 720, fps: 30, videoBitrateKbps: bitrate, audioBitrateKbps: 128 };
  });
  const pip = ref<Rect>(defaultPip(output.value.width, output.value.height));
  // The PIP is kept in output pixels: a resolution change scales it so it keeps its place on screen.
  watch(() => [output.value.width, output.value.height] as const, ([w, h], [ow, oh]) => {
    const r = pip.value;
    pip.value = { x: Math.round((r.x * w) / ow), y: Math.round((r.y * h) / oh), width: Math.round((r.width * w) / ow), height: Math.round((r.height * h) / oh) };
    void engine?.setPipRect(pip.value).catch(reportError);
  });
  const live = ref<LiveState>('idle');
  /** Ask the server to record the session too (plans with cloud recording only). */
  const cloudRecord = ref(false);
  const sessionId = ref<string | null>(null);
  const transport = ref<{ state: TransportState; detail: string | undefined } | null>(null);
  const status = shallowRef<SessionStatus | null>(null);
  const statusAtMs = ref(0);
  const stats = shallowRef<EngineStats | null>(null);
  const bitrateHistory = shallowRef<Sample[]>([]);
  const fpsHistory = shallowRef<Sample[]>([]);
  const levels = shallowRef<Record<string, { peak: number; rms: number }>>({});
  const recording = ref<'idle' | 'recording' | 'stopping'>('idle');
  const recordedBytes = ref(0);
  /** When the local recording started (its size comes with the engine's stats, once a second). */
  const recordingSinceMs = ref<number | null>(null);
  const recordingUrl = ref<string | null>(null);
  const errors = ref<(Explained & { key: number; code: string })[]>([]);
  let errorKey = 0;

  function report(code: string, message: string): void {
    const explained = explainError({ code, message }, auth.plan);
    if (errors.value.some((e) => e.code === code && e.detail === explained.detail)) return;
    errors.value = [...errors.value, { ...explained, code, key: ++errorKey }];
  }
  function reportError(error: unknown): void {
    if (error instanceof ApiError) return report(error.code, error.message);
    const code = captureErrorCode(error);
    const message = error instanceof Error ? error.message : String(error);
    report(code ?? (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'STUDIO_ERROR'), message);
  }
  const dismissError = (key: number): void => {
    errors.value = errors.value.filter((e) => e.key !== key);
  };

  function onEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'stats': {
        stats.value = { ...event.stats };
        // While recording, the size grows once a second; the final size comes with the 'recording' event.
        if (recording.value === 'recording' && event.stats.recordingBytes !== undefined) recordedBytes.value = event.stats.recordingBytes;
        const at = Date.now();
        bitrateHistory.value = pushSample(bitrateHistory.value, { atMs: at, value: event.stats.videoBitrateKbps });
        fpsHistory.value = pushSample(fpsHistory.value, { atMs: at, value: event.stats.fpsOut });
        return;
      }
      case 'levels':
        levels.value = Object.fromEntries(Object.entries(event.levels).map(([id, l]) => [id, { peak: l.peak, rms: l.rms }]));
        return;
      case 'relay-status':
        status.value = structuredClone(event.status);
        statusAtMs.value = Date.now();
        return;
      case 'transport':
        transport.value = { state: event.state, detail: event.detail };
        if (event.state === 'fallback-websocket') report('TRANSPORT_WEBTRANSPORT_UNAVAILABLE', event.detail ?? '');
        return;
      case 'recording':
        recordedBytes.value = event.bytesWritten;
        return;
      case 'error':
        // Capture failures also reject the add* call, which reports them with the browser's reason
        // (e.g. permission denied); reporting the event too would show the same failure twice.
        if (event.code === 'STUDIO_CAPTURE_FAILED') return;
        report(event.code, event.message);
        if (event.fatal && live.value === 'live') void stop();
        return;
    }
  }

  /** Takes an engine (held raw) and starts listening; the previous one is detached, not closed. */
  function attach(next: StudioEngine): void {
    detach();
    engine = markRaw(next);
    unsubscribe = engine.on(onEvent);
    engineReady.value = true;
  }

  function detach(): void {
    stopStatusPoll();
    unsubscribe?.();
    unsubscribe = null;
    engine = null;
    engineReady.value = false;
  }

  const requireEngine = (): StudioEngine => {
    if (engine === null) throw new ApiError({ code: 'STUDIO_ENGINE_UNAVAILABLE', message: 'The studio engine is not running.', status: 0 });
    return engine;
  };

  function adopt(info: SourceInfo): void {
    const name = displayName(info, sources.value.filter((s) => s.kind === info.kind).length + 1);
    sources.value = [...sources.value, { id: info.id, kind: info.kind, label: info.label, hasVideo: info.hasVideo, hasAudio: info.hasAudio, name, gain: 1, muted: false }];
  }

  async function addDevice(kind: Exclude<SourceKind, 'image' | 'video'>): Promise<void> {
    try {
      const e = requireEngine();
      adopt(kind === 'camera' ? await e.addCamera() : kind === 'microphone' ? await e.addMicrophone() : await e.addScreen());
    } catch (error) {
      reportError(error);
    }
  }

  async function addFile(kind: 'image' | 'video', file: File): Promise<void> {
    const key = `${file.name}-${++errorKey}`;
    pending.value = [...pending.value, { key, name: file.name, progress: 0 }];
    const setProgress = (p: number): void => {
      pending.value = pending.value.map((f) => (f.key === key ? { ...f, progress: p } : f));
    };
    try {
      await readWithProgress(file, setProgress);
      const e = requireEngine();
      adopt(kind === 'image' ? await e.addImage(file, file.name) : await e.addVideo(file, file.name));
    } catch (error) {
      reportError(error);
    } finally {
      pending.value = pending.value.filter((f) => f.key !== key);
    }
  }

  function rename(id: string, name: string): void {
    const trimmed = name.trim();
    if (trimmed === '') return;
    sources.value = sources.value.map((s) => (s.id === id ? { ...s, name: trimmed } : s));
  }

  async function removeSource(id: string): Promise<void> {
    try {
      await requireEngine().removeSource(id);
      sources.value = sources.value.filter((s) => s.id !== id);
    } catch (error) {
      reportError(error);
    }
  }

  async function setLayout(mode: LayoutMode): Promise<void> {
    const previous = layout.value;
    layout.value = mode;
    try {
      await requireEngine().setLayout(mode);
    } catch (error) {
      layout.value = previous;
      reportError(error);
    }
  }

  async function setPip(rect: Rect): Promise<void> {
    pip.value = { ...rect };
    try {
      await requireEngine().setPipRect(rect);
    } catch (error) {
      reportError(error);
    }
  }

  function setGain(id: string, gain: number): void {
    sources.value = sources.value.map((s) => (s.id === id ? { ...s, gain } : s));
    engine?.setGain(id, gain);
  }

  function setMuted(id: string, muted: boolean): void {
    sources.value = sources.value.map((s) => (s.id === id ? { ...s, muted } : s));
    engine?.setMuted(id, muted);
  }

  /** Shortcut M: mutes every audio source, or unmutes all if all are muted. */
  function toggleMuteAll(): void {
    const audio = sources.value.filter((s) => s.hasAudio);
    const mute = !audio.every((s) => s.muted);
    for (const s of audio) setMuted(s.id, mute);
  }

  async function goLive(destinationIds: readonly string[]): Promise<void> {
    if (live.value !== 'idle') return;
    if (destinationIds.length === 0) return report('STUDIO_NO_DESTINATION', 'Enable at least one destination before going live.');
    live.value = 'starting';
    status.value = null;
    let started: string | null = null;
    try {
      const e = requireEngine();
      const result = await api.startStream({ destinations: destinationIds, resolution: resolution.value, record: cloudRecord.value && planLimits[auth.plan].cloudRecording });
      started = result.sessionId;
      sessionId.value = started;
      await e.goLive(result.ingest, output.value);
      live.value = 'live';
      startStatusPoll(started);
    } catch (error) {
      reportError(error);
      if (started !== null) await api.stopStream(started).catch(() => undefined);
      sessionId.value = null;
      live.value = 'idle';
    }
  }

  /**
   * While live, the relay's status normally arrives through the engine (`relay-status` events). If
   * none came for a while (e.g. a transport without status messages), ask the API instead.
   */
  function startStatusPoll(id: string): void {
    stopStatusPoll();
    statusPoll = setInterval(() => {
      if (Date.now() - statusAtMs.value < statusStaleMs) return;
      api.streamStatus(id).then((s) => {
        if (s !== null && sessionId.value === id) {
          status.value = s;
          statusAtMs.value = Date.now();
        }
      }, () => undefined);
    }, statusStaleMs / 2);
  }

  function stopStatusPoll(): void {
    if (statusPoll !== null) clearInterval(statusPoll);
    statusPoll = null;
  }

  async function stop(): Promise<void> {
    if (live.value !== 'live' && live.value !== 'starting') return;
    live.value = 'stopping';
    stopStatusPoll();
    const id = sessionId.value;
    try {
      await engine?.stopLive();
    } catch (error) {
      reportError(error);
    }
    try {
      if (id !== null) await api.stopStream(id);
    } catch (error) {
      reportError(error);
    } finally {
      sessionId.value = null;
      transport.value = null;
      status.value = null;
      live.value = 'idle';
    }
  }

  async function startRecording(): Promise<void> {
    if (recording.value !== 'idle') return;
    try {
      await requireEngine().startRecording();
      recordedBytes.value = 0;
      recordingSinceMs.value = Date.now();
      recording.value = 'recording';
    } catch (error) {
      reportError(error);
    }
  }

  async function stopRecording(): Promise<void> {
    if (recording.value !== 'recording') return;
    recording.value = 'stopping';
    try {
      recordingBlob = await requireEngine().stopRecording();
      if (recordingUrl.value !== null) URL.revokeObjectURL(recordingUrl.value);
      recordingUrl.value = URL.createObjectURL(recordingBlob);
    } catch (error) {
      reportError(error);
    } finally {
      recording.value = 'idle';
    }
  }

  const toggleRecording = (): Promise<void> => (recording.value === 'idle' ? startRecording() : stopRecording());
  const recordingSize = (): number => recordingBlob?.size ?? 0;

  return {
    engineReady, sources, pending, layout, resolution, output, pip, live, cloudRecord, sessionId, transport, status, statusAtMs, stats,
    bitrateHistory, fpsHistory, levels, recording, recordedBytes, recordingSinceMs, recordingUrl, errors,
    attach, detach, addDevice, addFile, rename, removeSource, setLayout, setPip, setGain, setMuted, toggleMuteAll,
    goLive, stop, startRecording, stopRecording, toggleRecording, recordingSize, report, reportError, dismissError,
  };
});

/**
 * A readable name for a new source. Chromium labels captured surfaces with internal ids
 * (`screen:0:0`, `window:1234:0`, `web-contents-media-stream://…`); those become "Screen 1" etc.
 */
export function displayName(info: Pick<SourceInfo, 'kind' | 'label'>, ordinal: number): string {
  if (info.kind !== 'screen') return info.label.trim() === '' ? `${info.kind[0]?.toUpperCase() ?? ''}${info.kind.slice(1)} ${ordinal}` : info.label;
  if (info.label.startsWith('window:')) return `Window ${ordinal}`;
  if (info.label.startsWith('web-contents-media-stream:')) return `Browser tab ${ordinal}`;
  return /^screen:[-\d:]*$/.test(info.label) || info.label.trim() === '' ? `Screen ${ordinal}` : info.label;
}

/** Default PIP: a quarter-width box in the bottom-right corner with a 2.5 % margin. */
export function defaultPip(width: number, height: number): Rect {
  const w = Math.round(width / 4);
  const h = Math.round(height / 4);
  const m = Math.round(width * 0.025);
  return { x: width - w - m, y: height - h - m, width: w, height: h };
}
