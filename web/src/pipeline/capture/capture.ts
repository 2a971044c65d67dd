/**
 * Main-thread capture: opens devices and files and turns their tracks into transferable streams
 * of VideoFrame / AudioData (MediaStreamTrackProcessor), so per-frame work happens in the worker.
 */

/** MediaStreamTrackProcessor (mediacapture-transform §3); Chromium exposes it on window too. */
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack }) => { readonly readable: ReadableStream };

function processor(track: MediaStreamTrack): ReadableStream {
  const ctor = (globalThis as unknown as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
  if (!ctor) throw new Error('MediaStreamTrackProcessor is not available in this browser');
  return new ctor({ track }).readable;
}

export function videoFrames(track: MediaStreamTrack): ReadableStream<VideoFrame> {
  return processor(track) as ReadableStream<VideoFrame>;
}

export function audioSamples(track: MediaStreamTrack): ReadableStream<AudioData> {
  return processor(track) as ReadableStream<AudioData>;
}

export async function openCamera(deviceId?: string): Promise<MediaStream> {
  const ideal = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  return navigator.mediaDevices.getUserMedia({ video: deviceId ? { ...ideal, deviceId: { exact: deviceId } } : ideal });
}

export async function openMicrophone(deviceId?: string): Promise<MediaStream> {
  const processing = { echoCancellation: true, noiseSuppression: true, autoGainControl: false };
  return navigator.mediaDevices.getUserMedia({ audio: deviceId ? { ...processing, deviceId: { exact: deviceId } } : processing });
}

/** Screen, window or tab, with its audio where the browser offers it. */
export async function openScreen(): Promise<MediaStream> {
  return navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 30 } }, audio: true });
}

export interface VideoFileCapture {
  readonly element: HTMLVideoElement;
  readonly videoTrack: MediaStreamTrack;
  close(): void;
}

/** A looping video file played in a detached <video>; its picture is captured with captureStream(). */
export async function openVideoFile(file: Blob): Promise<VideoFileCapture> {
  const url = URL.createObjectURL(file);
  const element = document.createElement('video');
  element.src = url;
  element.loop = true;
  element.playsInline = true;
  element.crossOrigin = 'anonymous';
  try {
    await element.play();
  } catch (error) {
    URL.revokeObjectURL(url);
    throw error;
  }
  const stream = (element as HTMLVideoElement & { captureStream(): MediaStream }).captureStream();
  const videoTrack = stream.getVideoTracks()[0];
  if (!videoTrack) {
    element.pause();
    URL.revokeObjectURL(url);
    throw new Error('the video file has no video track');
  }
  return {
    element, videoTrack,
    close() {
      videoTrack.stop();
      element.pause();
      element.removeAttribute('src');
      element.load();
      URL.revokeObjectURL(url);
    },
  };
}

export function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
