import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { audioSamples } from '../capture/capture.ts';
import { AudioMixer } from './mixer.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const close of closers.splice(0).reverse()) await close(); });

/** A constant sine tone as a MediaStream (a real Web Audio source, not a mock). */
function tone(frequency: number, amplitude: number): MediaStream {
  const context = new AudioContext({ sampleRate: 48_000 });
  const oscillator = new OscillatorNode(context, { frequency });
  const gain = new GainNode(context, { gain: amplitude });
  const destination = context.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  closers.push(() => context.close());
  return destination.stream;
}

/** Polls until `check` holds (audio runs on its own clock; on a loaded machine it may lag). */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check() && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
  expect(check()).toBe(true);
}

/** Peak of the mixed output over ~200 ms, read back through MediaStreamTrackProcessor. */
async function outputPeak(mixer: AudioMixer): Promise<number> {
  const reader = audioSamples(mixer.track.clone()).getReader();
  let peak = 0;
  const until = performance.now() + 200;
  try {
    while (performance.now() < until) {
      const { value } = await reader.read();
      if (!value) break;
      try {
        const plane = new Float32Array(value.numberOfFrames);
        value.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
        for (const v of plane) peak = Math.max(peak, Math.abs(v));
      } finally {
        value.close();
      }
    }
  } finally {
    await reader.cancel();
  }
  return peak;
}

describe('AudioMixer', () => {
  // Capturing a device lifts the autoplay policy, as it does in the studio (the fake microphone here).
  let mic: MediaStream | undefined;
  beforeAll(async () => { mic = await navigator.mediaDevices.getUserMedia({ audio: true }); });
  afterAll(() => { for (const t of mic?.getTracks() ?? []) t.stop(); });

  it('meters each source, and mute / solo silence the right channels', async () => {
    const mixer = new AudioMixer();
    closers.push(() => mixer.close());
    await mixer.addStream('a', tone(440, 0.5));
    await mixer.addStream('b', tone(660, 0.25));
    const level = (id: string) => mixer.levels()[id] ?? { peak: -1, rms: -1 };
    await eventually(() => level('a').peak > 0.45 && level('b').peak > 0.2);
    expect(level('a').peak).toBeLessThan(0.55);
    expect(level('b').peak).toBeLessThan(0.3);
    await eventually(() => Math.abs(level('a').rms - 0.5 / Math.SQRT2) < 0.03);

    mixer.setMuted('a', true);
    await eventually(() => level('a').peak < 0.01);
    expect(level('b').peak).toBeGreaterThan(0.2);
    mixer.setMuted('a', false);
    mixer.setSolo('a', true);
    await eventually(() => level('a').peak > 0.45 && level('b').peak < 0.01);
  });

  it('the master limiter keeps a hot input below full scale', async () => {
    const mixer = new AudioMixer();
    closers.push(() => mixer.close());
    await mixer.addStream('hot', tone(440, 1));
    mixer.setGain('hot', 8); // +18 dBFS into the bus
    await eventually(() => (mixer.levels().hot?.peak ?? 0) > 4);
    await new Promise((r) => setTimeout(r, 300)); // past the attack transient
    // The compressor does the limiting: 24 dB over its -6 dB threshold at ratio 20 → ~22.8 dB less.
    await eventually(() => mixer.limiterReductionDb < -18);
    const peak = await outputPeak(mixer);
    expect(peak).toBeGreaterThan(0.5);
    expect(peak).toBeLessThanOrEqual(1);
  });
});
