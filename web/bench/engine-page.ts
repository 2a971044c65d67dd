import { createStudioEngine } from '../src/pipeline/engine.ts';
import type { EngineStats, IngestTarget } from '../src/pipeline/studio-engine.ts';
import { openScene, watchLongTasks } from './scene.ts';

/** Runs the worker engine on the bench scene, live to the collector; called by run.ts. */
interface RunOptions {
  readonly seconds: number;
  readonly websocketUrl: string;
  /** A WebTransport ingest to publish to; without one an unreachable URL forces the WebSocket fallback. */
  readonly webtransportUrl?: string;
  readonly certificateHashes?: IngestTarget['certificateHashes'];
}

async function runEngine(options: RunOptions): Promise<unknown> {
  const longTasks = watchLongTasks();
  const scene = await openScene();
  const engine = createStudioEngine();
  const stats: EngineStats[] = [];
  const statsAtEpochMs: number[] = [];
  const errors: string[] = [];
  const transport: string[] = [];
  engine.on((event) => {
    if (event.type === 'stats') {
      stats.push(event.stats);
      statsAtEpochMs.push(performance.timeOrigin + performance.now());
    }
    if (event.type === 'error') errors.push(event.code);
    if (event.type === 'transport') transport.push(event.detail === undefined ? event.state : `${event.state}: ${event.detail}`);
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
    {
      webtransportUrl: options.webtransportUrl ?? 'https://127.0.0.1:9/none',
      websocketUrl: options.websocketUrl, token: 'bench', certificateHashes: options.certificateHashes ?? [],
    },
    { width: 1280, height: 720, fps: 30, videoBitrateKbps: 3000, audioBitrateKbps: 128 },
  );
  const liveSince = performance.now();
  await new Promise((r) => setTimeout(r, options.seconds * 1000));
  await engine.stopLive();
  await engine.close();
  scene.stop();
  return { renderer, clockOriginEpochMs: engine.clockOriginEpochMs, stats, statsAtEpochMs, errors, transport, longTasks: longTasks.count(), longTaskMaxMs: longTasks.maxMs(),
    longTasksLive: longTasks.countSince(liveSince), longTaskStarts: longTasks.starts(),
  };
}

(window as unknown as { runEngine: typeof runEngine }).runEngine = runEngine;
