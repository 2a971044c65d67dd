import { afterEach, describe, expect, it } from 'vitest';
import { ALL_FORMATS, BlobSource, EncodedPacketSink, Input } from 'mediabunny';
import { createStudioEngine, type StudioEngineHandle } from './engine.ts';
import type { EngineEvent, EngineStats } from './studio-engine.ts';

let engine: StudioEngineHandle | undefined;
afterEach(async () => { await engine?.close(); engine = undefined; });

async function pngBlob(colour: string): Promise<Blob> {
  const canvas = new OffscreenCanvas(320, 180);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d');
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 320, 180);
  return canvas.convertToBlob({ type: 'image/png' });
}

describe('StudioEngine (worker)', () => {
  it('composes camera + image in the worker and records a session with the mixed microphone', async () => {
    const events: EngineEvent[] = [];
    // A smaller output than the product offers keeps this test quick on two cores.
    const e = createStudioEngine({ output: { width: 640 as 1280, height: 360 as 720, fps: 30, videoBitrateKbps: 1000, audioBitrateKbps: 64 } });
    engine = e;
    e.on((event) => events.push(event));
    expect(['webgl2', '2d']).toContain(await e.renderer());
    const camera = await e.addCamera();
    const image = await e.addImage(await pngBlob('#00f'), 'blue');
    const mic = await e.addMicrophone();
    expect([camera.kind, image.kind, mic.kind]).toEqual(['camera', 'image', 'microphone']);
    await e.setLayout('picture-in-picture');
    await e.setPipRect({ x: 400, y: 200, width: 200, height: 120 });
    const layers = await e.layers();
    expect(layers.filter((l) => l.visible).map((l) => [l.sourceId, l.rect])).toEqual([
      [camera.id, { x: 0, y: 0, width: 640, height: 360 }],
      [image.id, { x: 400, y: 200, width: 200, height: 120 }],
    ]);

    await e.startRecording();
    await new Promise((r) => setTimeout(r, 3000));
    const blob = await e.stopRecording();

    const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
    const video = await input.getPrimaryVideoTrack();
    const audio = await input.getPrimaryAudioTrack();
    if (!video || !audio) throw new Error('missing track');
    expect(await video.getCodec()).toBe('avc');
    expect(await video.getDisplayWidth()).toBe(640);
    let frames = 0;
    for await (const _ of new EncodedPacketSink(video).packets()) frames += 1;
    // ~3 s at 30 fps; the worker clock may miss a few ticks on a loaded 2-core machine.
    expect(frames).toBeGreaterThan(60);
    const duration = await input.computeDuration();
    expect(duration).toBeGreaterThan(2);
    expect(duration).toBeLessThan(4);
    expect(events.some((ev) => ev.type === 'recording' && ev.state === 'stopped' && ev.bytesWritten === blob.size)).toBe(true);
    // The size grew while recording (stats once a second, fragments of ≥ 1 s), never past the final file.
    const liveSizes = events.flatMap((ev) => (ev.type === 'stats' && ev.stats.recordingBytes !== undefined ? [ev.stats.recordingBytes] : []));
    expect(liveSizes.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...liveSizes)).toBeGreaterThan(0);
    expect(Math.max(...liveSizes)).toBeLessThanOrEqual(blob.size);
    expect(liveSizes).toEqual([...liveSizes].sort((a, b) => a - b));

    const stats = events.filter((ev): ev is { type: 'stats'; stats: EngineStats } => ev.type === 'stats').at(-1)?.stats;
    expect(stats?.fpsOut).toBeGreaterThan(15);
    expect(stats?.fpsIn).toBeGreaterThan(5);
    const levels = events.filter((ev) => ev.type === 'levels').at(-1);
    expect(levels?.type === 'levels' ? Object.keys(levels.levels) : []).toEqual([mic.id]);
    expect(events.filter((ev) => ev.type === 'error')).toEqual([]);
  });

  it('plays a video file source (looping <video> + captureStream) into the compositor', async () => {
    // A 1 s H.264 + Opus MP4 made by our own recorder, fed back as a file source.
    const maker = createStudioEngine({ output: { width: 640 as 1280, height: 360 as 720, fps: 30, videoBitrateKbps: 800, audioBitrateKbps: 64 } });
    await maker.addImage(await pngBlob('#0f0'), 'green');
    await maker.addMicrophone();
    await maker.startRecording();
    await new Promise((r) => setTimeout(r, 1000));
    const file = await maker.stopRecording();
    await maker.close();

    const e = createStudioEngine();
    engine = e;
    const errors: EngineEvent[] = [];
    e.on((ev) => { if (ev.type === 'error') errors.push(ev); });
    await e.addMicrophone(); // capture lifts the autoplay policy, as in the studio
    const video = await e.addVideo(file, 'clip');
    expect(video).toMatchObject({ kind: 'video', hasVideo: true, hasAudio: true });
    // Frames have arrived once the layout knows the source's size (crop follows it).
    for (let i = 0; i < 100; i++) {
      const layer = (await e.layers()).find((l) => l.sourceId === video.id);
      if (layer && layer.crop.width > 100) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const layer = (await e.layers()).find((l) => l.sourceId === video.id);
    expect(layer?.crop).toEqual({ x: 0, y: 0, width: 640, height: 360 });
    await e.removeSource(video.id);
    expect((await e.layers()).some((l) => l.sourceId === video.id)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('draws the composition on the attached preview canvas', async () => {
    const e = createStudioEngine({ renderer: '2d' });
    engine = e;
    await e.addImage(await pngBlob('#f00'), 'red');
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    try {
      await e.attachPreview(canvas);
      const probe = new OffscreenCanvas(1280, 720);
      const ctx = probe.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2d');
      let pixel: number[] = [];
      for (let i = 0; i < 60; i++) {
        await new Promise((r) => setTimeout(r, 50));
        ctx.drawImage(canvas, 0, 0);
        pixel = [...ctx.getImageData(640, 360, 1, 1).data.slice(0, 3)];
        if (pixel[0] === 255) break;
      }
      expect([canvas.width, canvas.height]).toEqual([1280, 720]);
      expect(pixel).toEqual([255, 0, 0]);
    } finally {
      canvas.remove();
    }
  });

  it('goLive during a recording keeps the recording\'s output and reports STUDIO_OUTPUT_IGNORED', async () => {
    const recordingOutput = { width: 640 as 1280, height: 360 as 720, fps: 30 as const, videoBitrateKbps: 800, audioBitrateKbps: 64 };
    const e = createStudioEngine({ output: recordingOutput, renderer: '2d' });
    engine = e;
    const errors: { code: string; fatal: boolean; message: string }[] = [];
    e.on((ev) => { if (ev.type === 'error') errors.push(ev); });
    await e.addImage(await pngBlob('#0ff'), 'cyan');
    await e.startRecording();
    // Nothing listens on port 1: the transport just keeps reconnecting (STUDIO_TRANSPORT_FAILED).
    const nowhere = { webtransportUrl: 'https://127.0.0.1:1/live', websocketUrl: 'ws://127.0.0.1:1/live', token: 't', certificateHashes: [] };
    await e.goLive(nowhere, recordingOutput);
    await e.stopLive();
    expect(errors.filter((x) => x.code === 'STUDIO_OUTPUT_IGNORED')).toEqual([]);
    await e.goLive(nowhere, { width: 1920, height: 1080, fps: 60, videoBitrateKbps: 6000, audioBitrateKbps: 128 });
    await e.stopLive();
    const ignored = errors.filter((x) => x.code === 'STUDIO_OUTPUT_IGNORED');
    expect(ignored).toHaveLength(1);
    expect(ignored[0]?.fatal).toBe(false);
    expect(ignored[0]?.message).toContain('running 640x360@30');
    await new Promise((r) => setTimeout(r, 700)); // a few frames into the recording
    const blob = await e.stopRecording();
    const input = new Input({ source: new BlobSource(blob), formats: ALL_FORMATS });
    expect(await (await input.getPrimaryVideoTrack())?.getDisplayWidth()).toBe(640);
  });
});
