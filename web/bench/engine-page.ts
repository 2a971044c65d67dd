import { createStudioEngine } from '../src/pipeline/engine.ts';
import type { EngineStats } from '../src/pipeline/studio-engine.ts';
import { openScene, watchLongTasks } from './scene.ts';

/** Runs the worker engine on the bench scene, live to the collector; called by run.ts. */
async function runEngine(options: { seconds: number; websocketUrl: string }): Promise<unknown> {
  const longTasks = watchLongTasks();
  const scene = await openScene();
  const engine = createStudioEngine();
  const stats: EngineStats[] = [];
  const errors: string[] = [];
  engine.on((event) => {
    if (event.type === 'stats') stats.push(event.stats);
    if (event.type === 'error') errors.push(event.code);
  });
  const renderer = await engine.renderer();
  const cameraTrack = scene.camera.getVideoTracks()[0];
  if (!cameraTrack) throw new Error('no camera');
  await engine.addTrack(scene.screenTrack, 'screen', 'Screen');
  await engine.addTrack(cameraTrack, 'camera', 'Camera');
  await engine.addImage(scene.image, 'Logo');
  await engine.addMicrophone();
  await engine.setLayout('screen-camera');
  await engine.goLive(
    // An unreachable WebTransport URL: the engine falls back to the collector's WebSocket.
    { webtransportUrl: 'https://127.0.0.1:9/none', websocketUrl: options.websocketUrl, token: 'bench', certificateHashes: [] },
    { width: 1280, height: 720, fps: 30, videoBitrateKbps: 3000, audioBitrateKbps: 128 },
  );
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  await engine.stopLive();
  await engine.close();
  scene.stop();
  return { renderer, clockOriginEpochMs: engine.clockOriginEpochMs, stats, errors, longTasks: longTasks.count(), longTaskMaxMs: longTasks.maxMs() };
}

(window as unknown as { runEngine: typeof runEngine }).runEngine = runEngine;
