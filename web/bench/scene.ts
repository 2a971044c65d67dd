/**
 * The benchmark scene, identical for both pipelines: the fake camera, a "screen" stand-in (an
 * animated 1280×720 canvas: headless Chromium has no screen to share) and a still image.
 */
export interface SceneParts {
  readonly camera: MediaStream;
  readonly microphone: MediaStream;
  readonly screen: HTMLCanvasElement;
  readonly screenTrack: MediaStreamTrack;
  readonly image: Blob;
  stop(): void;
}

export async function openScene(): Promise<SceneParts> {
  const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 } });
  const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
  const screen = document.createElement('canvas');
  screen.width = 1280;
  screen.height = 720;
  const ctx = screen.getContext('2d');
  if (!ctx) throw new Error('no 2d');
  let n = 0;
  // A moving "slide": text and a bar, redrawn 30 times a second (cheap, like a real screen share).
  const timer = setInterval(() => {
    n += 1;
    ctx.fillStyle = '#f4f4f4';
    ctx.fillRect(0, 0, 1280, 720);
    ctx.fillStyle = '#1e40af';
    ctx.fillRect((n * 8) % 1280, 600, 200, 40);
    ctx.font = '48px sans-serif';
    ctx.fillText(`Slide ${Math.floor(n / 90)} — frame ${n}`, 80, 120);
  }, 1000 / 30);
  const screenTrack = screen.captureStream(30).getVideoTracks()[0];
  if (!screenTrack) throw new Error('no canvas track');
  const logo = new OffscreenCanvas(400, 400);
  const lctx = logo.getContext('2d');
  if (!lctx) throw new Error('no 2d');
  lctx.fillStyle = '#f97316';
  lctx.beginPath();
  lctx.arc(200, 200, 180, 0, Math.PI * 2);
  lctx.fill();
  const image = await logo.convertToBlob({ type: 'image/png' });
  return {
    camera, microphone, screen, screenTrack, image,
    stop() {
      clearInterval(timer);
      for (const t of [...camera.getTracks(), ...microphone.getTracks(), screenTrack]) t.stop();
    },
  };
}

/** Main-thread long tasks (> 50 ms) seen by a PerformanceObserver while the bench runs. */
export function watchLongTasks(): { count: () => number; maxMs: () => number; countSince: (ms: number) => number; starts: () => number[] } {
  const starts: number[] = [];
  let max = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      starts.push(entry.startTime);
      max = Math.max(max, entry.duration);
    }
  }).observe({ type: 'longtask', buffered: false });
  return {
    count: () => starts.length, maxMs: () => max, starts: () => [...starts],
    countSince: (ms) => starts.filter((t) => t >= ms).length,
  };
}
