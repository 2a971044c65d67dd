import { afterEach, describe, expect, it } from 'vitest';
import { AudioMixer } from '../audio/mixer.ts';
import { audioSamples, videoFrames } from '../capture/capture.ts';
import { FrameSource } from '../capture/frame-source.ts';
import { SessionClock } from '../clock.ts';
import { Compositor } from '../compose/compositor.ts';
import { framePixels, pixelAt } from '../compose/test-sources.ts';
import { AudioEncodeStage } from './audio-encode.ts';
import type { EncodedMedia } from './encoded.ts';
import { VideoEncodeStage } from './video-encode.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const close of closers.splice(0).reverse()) await close(); });

const FPS = 30;
const FLASHES = 6;
/** The requirement (issue 6): the A/V offset, taken as the median over the flashes. */
const LIMIT_US = 20_000;
/**
 * Each single flash: a guard against gross errors only. At load average 9–10 this page (which
 * captures, composes and encodes on its own main thread here) sometimes captured the painted
 * canvas late (one flash +65 ms) or lost audio buffers just before a click (one click −74 ms)
 * while the other flashes of the run stayed within ±17 ms: delays of a starved test page, one
 * flash at a time, which the median over the flashes is for.
 */
const TOLERANCE_US = 100_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Session-clock times where the centre of the decoded picture flips between dark and light. */
async function flashTimes(chunks: (EncodedMedia & { kind: 'video' })[]): Promise<number[]> {
  const times: number[] = [];
  let light: boolean | null = null;
  const decoder = new VideoDecoder({
    output: (frame) => {
      try {
        const [r] = pixelAt(framePixels(frame), frame.displayWidth / 2, frame.displayHeight / 2);
        const now = r > 128;
        if (light !== null && now !== light) times.push(frame.timestamp);
        light = now;
      } finally { frame.close(); }
    },
    error: (e) => { throw e; },
  });
  const config = chunks[0]?.decoderConfig;
  if (!config) throw new Error('no video decoder config');
  decoder.configure(config);
  for (const { chunk } of chunks) decoder.decode(chunk);
  await decoder.flush();
  decoder.close();
  return times;
}

/**
 * Session-clock times where the decoded audio goes from silence (≥ 100 ms) to the tone. Chromium's
 * AudioDecoder stamps output from the first chunk + sample count (it ignores later chunk
 * timestamps, measured), one output per chunk: each output is moved by how far its chunk's
 * timestamp is from that count, so the times are the chunks' own, as the ingest sees them.
 */
async function clickTimes(chunks: (EncodedMedia & { kind: 'audio' })[]): Promise<number[]> {
  const times: number[] = [];
  let silentSince = Number.NEGATIVE_INFINITY;
  let loud = true;
  const shifts: number[] = [];
  let counted = chunks[0]?.chunk.timestamp ?? 0;
  for (const { chunk } of chunks) {
    shifts.push(chunk.timestamp - counted);
    counted += chunk.duration ?? 0;
  }
  let index = 0;
  const decoder = new AudioDecoder({
    output: (data) => {
      const shift = shifts[index] ?? Number.NaN;
      index += 1;
      try {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
        plane.forEach((v, i) => {
          const t = data.timestamp + shift + (i / data.sampleRate) * 1e6;
          if (Math.abs(v) > 0.2) {
            if (!loud && t - silentSince >= 100_000) times.push(t);
            loud = true;
          } else if (Math.abs(v) < 0.02 && loud) {
            loud = false;
            silentSince = t;
          }
        });
      } finally { data.close(); }
    },
    error: (e) => { throw e; },
  });
  const config = chunks[0]?.decoderConfig;
  if (!config) throw new Error('no audio decoder config');
  decoder.configure(config);
  for (const { chunk } of chunks) decoder.decode(chunk);
  await decoder.flush();
  decoder.close();
  if (index !== chunks.length) throw new Error(`${index} decoded outputs for ${chunks.length} chunks`);
  return times;
}

/** Audio path: a gated tone into the real mixer (limiter, meters), read back and encoded as in the engine. */
async function startAudio(clock: SessionClock, out: (EncodedMedia & { kind: 'audio' })[]) {
  // Capturing a device lifts Chromium's autoplay policy, as in the studio (the fake microphone).
  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  closers.push(() => { for (const t of mic.getTracks()) t.stop(); });
  const mixer = new AudioMixer();
  closers.push(() => mixer.close());
  const tone = new OscillatorNode(mixer.context, { frequency: 1000 });
  const gate = new GainNode(mixer.context, { gain: 0 });
  const toneOut = mixer.context.createMediaStreamDestination();
  tone.connect(gate).connect(toneOut);
  tone.start();
  await mixer.addStream('click', toneOut.stream);
  await mixer.resume();
  const encoder = await AudioEncodeStage.create({
    ...mixer.format, bitrateKbps: 128, now: () => clock.now(),
    onChunk: (m) => out.push(m), onError: (e) => { throw e; },
  });
  closers.push(() => { encoder.close(); });
  const samples = audioSamples(mixer.track.clone()).getReader();
  closers.push(() => samples.cancel());
  void (async () => {
    for (;;) {
      const { value } = await samples.read();
      if (!value) return;
      encoder.encode(value);
    }
  })().catch(() => undefined);
  /** Starts a 150 ms tone at the audio thread's next render quantum. */
  const click = () => {
    const at = mixer.context.currentTime;
    gate.gain.setValueAtTime(0.8, at);
    gate.gain.setValueAtTime(0, at + 0.15);
  };
  const stop = async () => { await samples.cancel(); await encoder.flush(); };
  return { click, stop, codec: encoder.config.codec };
}

/** Video path: a page canvas captured like a camera track (MSTP), composed and encoded as in the worker. */
async function startVideo(clock: SessionClock, out: (EncodedMedia & { kind: 'video' })[]) {
  const page = document.createElement('canvas');
  page.width = 640;
  page.height = 360;
  document.body.append(page);
  closers.push(() => { page.remove(); });
  const paint = page.getContext('2d');
  if (!paint) throw new Error('no 2d');
  const fill = (colour: string) => { paint.fillStyle = colour; paint.fillRect(0, 0, 640, 360); };
  fill('#000');
  const track = page.captureStream(FPS).getVideoTracks()[0];
  if (!track) throw new Error('no canvas track');
  closers.push(() => { track.stop(); });
  const encoder = await VideoEncodeStage.create({
    width: 640, height: 360, fps: FPS, bitrateKbps: 1000,
    onChunk: (m) => out.push(m), onError: (e) => { throw e; },
  });
  closers.push(() => { encoder.close(); });
  const compositor = new Compositor({
    canvas: new OffscreenCanvas(1, 1), output: { width: 640, height: 360 }, fps: FPS, clock, renderer: '2d',
    onFrame: (frame) => { encoder.encode(frame); },
  });
  closers.push(() => { compositor.close(); });
  compositor.addSource(FrameSource.fromStream('flash', 'camera', videoFrames(track)));
  compositor.start();
  const stop = async () => { compositor.close(); await encoder.flush(); };
  return { fill, stop };
}

describe('A/V sync at the encoder output', () => {
  it('a flash and a click made at the same instant are ≤ 20 ms apart in the encoded streams', async () => {
    const clock = new SessionClock();
    const video: (EncodedMedia & { kind: 'video' })[] = [];
    const audio: (EncodedMedia & { kind: 'audio' })[] = [];
    const sound = await startAudio(clock, audio);
    const picture = await startVideo(clock, video);

    await sleep(1000); // both paths running, audio anchored to the session clock
    const made: number[] = [];
    for (let i = 0; i < FLASHES; i++) {
      // One task: the picture flips and the tone starts.
      made.push(clock.now());
      sound.click();
      picture.fill(i % 2 === 0 ? '#fff' : '#000');
      await sleep(700);
    }
    await picture.stop();
    await sound.stop();

    const flashes = await flashTimes(video);
    const clicks = await clickTimes(audio);
    const offsets = flashes.map((t, i) => (t - (clicks[i] ?? Number.NaN)) / 1000);
    console.log(`A/V offset (video − audio) per flash, ms: ${offsets.map((o) => o.toFixed(1)).join(', ')}; ` +
      `video − made: ${flashes.map((t, i) => ((t - (made[i] ?? Number.NaN)) / 1000).toFixed(1)).join(', ')}; ` +
      `audio − made: ${clicks.map((t, i) => ((t - (made[i] ?? Number.NaN)) / 1000).toFixed(1)).join(', ')}; ` +
      `codec ${sound.codec}; limit: median ±${LIMIT_US / 1000} ms, each ±${(TOLERANCE_US / 1000).toFixed(1)} ms`);
    expect(flashes).toHaveLength(FLASHES);
    expect(clicks).toHaveLength(FLASHES);
    for (const offset of offsets) expect(Math.abs(offset)).toBeLessThanOrEqual(TOLERANCE_US / 1000);
    const sorted = offsets.map((o) => Math.abs(o)).sort((a, b) => a - b);
    const median = ((sorted[(FLASHES - 1) >> 1] ?? Number.NaN) + (sorted[FLASHES >> 1] ?? Number.NaN)) / 2;
    expect(median).toBeLessThanOrEqual(LIMIT_US / 1000);
  });
});
