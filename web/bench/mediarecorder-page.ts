import { openScene, watchLongTasks } from './scene.ts';

/**
 * The approach the original plan described, for comparison: compose on a main-thread canvas with
 * drawImage every frame, capture it with captureStream() and encode with MediaRecorder.
 */
async function runMediaRecorder(options: { seconds: number }): Promise<unknown> {
  const longTasks = watchLongTasks();
  const scene = await openScene();
  const camera = document.createElement('video');
  camera.srcObject = scene.camera;
  camera.muted = true;
  await camera.play();
  const logo = await createImageBitmap(scene.image);
  const out = document.createElement('canvas');
  out.width = 1280;
  out.height = 720;
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('no 2d');
  const composeMs: number[] = [];
  let frames = 0;
  const timer = setInterval(() => {
    const t0 = performance.now();
    ctx.drawImage(scene.screen, 0, 0, 1280, 720);
    ctx.drawImage(camera, 928, 508, 320, 180);
    ctx.drawImage(logo, 32, 32, 96, 96);
    composeMs.push(performance.now() - t0);
    frames += 1;
  }, 1000 / 30);
  const stream = new MediaStream([...out.captureStream(30).getVideoTracks(), ...scene.microphone.getAudioTracks()]);
  const mimeType = ['video/webm;codecs=h264,opus', 'video/webm;codecs=vp8,opus'].find((t) => MediaRecorder.isTypeSupported(t)) ?? '';
  const recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 3_000_000, audioBitsPerSecond: 128_000 });
  let bytes = 0;
  recorder.ondataavailable = (event) => { bytes += event.data.size; };
  recorder.start(1000);
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  recorder.stop();
  clearInterval(timer);
  scene.stop();
  const sorted = [...composeMs].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { mimeType, frames, bytes, composeMsP50: pct(50), composeMsP95: pct(95), longTasks: longTasks.count(), longTaskMaxMs: longTasks.maxMs() };
}

(window as unknown as { runMediaRecorder: typeof runMediaRecorder }).runMediaRecorder = runMediaRecorder;
