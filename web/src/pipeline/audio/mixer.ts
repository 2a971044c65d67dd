import { METER_PROCESSOR_NAME, meterProcessorUrl } from './meter-processor.ts';

export interface Level { readonly peak: number; readonly rms: number }

interface Channel {
  readonly input: AudioNode;
  readonly gain: GainNode;
  readonly meter: AudioWorkletNode;
  gainValue: number;
  muted: boolean;
  solo: boolean;
  level: Level;
  readonly release: () => void;
}

/**
 * Master bus limiter: a DynamicsCompressor set hard (ratio 20, fast attack). The threshold leaves
 * room for the automatic makeup gain (Web Audio §1.19.4: (1/fullRangeGain)^0.6, ≈ +3.4 dB here),
 * so a +18 dBFS input settles near -1.4 dBFS.
 */
const LIMITER = { threshold: -6, knee: 0, ratio: 20, attack: 0.003, release: 0.1 } as const;

/**
 * A compressor is not a brick wall: after a gap in a source (a dropout on a loaded machine) it has
 * released, and the next 3 ms attack overshoots (seen in CI: a +18 dB tone peaked at 1.18). The
 * ceiling after it is a WaveShaper whose curve is the identity on [-1, 1]; inputs beyond the curve
 * take its end values (Web Audio §1.33.3), so everything below full scale passes untouched and the
 * rest is clipped to ±1 instead of reaching the encoder as out-of-range samples.
 */
const CEILING_CURVE = new Float32Array([-1, 1]);

/**
 * The audio graph on the main thread (Web Audio renders on its own thread): per-source gain,
 * mute and solo, a meter per source (AudioWorklet), a master gain and limiter, and one mixed
 * MediaStreamTrack that the worker encodes.
 */
export class AudioMixer {
  readonly context: AudioContext;
  readonly #master: GainNode;
  readonly #limiter: DynamicsCompressorNode;
  readonly #ceiling: WaveShaperNode;
  readonly #destination: MediaStreamAudioDestinationNode;
  readonly #channels = new Map<string, Channel>();
  readonly #ready: Promise<void>;

  constructor(sampleRate = 48_000) {
    this.context = new AudioContext({ sampleRate, latencyHint: 'interactive' });
    this.#master = this.context.createGain();
    this.#limiter = new DynamicsCompressorNode(this.context, LIMITER);
    this.#ceiling = new WaveShaperNode(this.context, { curve: CEILING_CURVE, oversample: 'none' });
    this.#destination = this.context.createMediaStreamDestination();
    this.#destination.channelCount = 2;
    this.#master.connect(this.#limiter).connect(this.#ceiling).connect(this.#destination);
    this.#ready = this.context.audioWorklet.addModule(meterProcessorUrl);
  }

  /** Starts audio processing; call from a user gesture if the browser's autoplay policy holds it. */
  async resume(): Promise<void> {
    await this.context.resume();
  }

  /** The mixed output (stereo, `context.sampleRate`). */
  get track(): MediaStreamTrack {
    const track = this.#destination.stream.getAudioTracks()[0];
    if (!track) throw new Error('mixer has no output track');
    return track;
  }

  /**
   * `latencyMs`: how long after a sample enters the mix it leaves on the mixed track, beyond
   * jitter. Web Audio renders in callbacks of `baseLatency` (10 ms here); a click started from
   * script measured 10.6–14.4 ms from the gesture to its session-clock stamp at the encoder
   * (5 clicks), which the encoder's least-delayed anchoring cannot see (a constant delay, not
   * jitter), so the encoder takes it off.
   */
  get format(): { sampleRate: number; channels: number; latencyMs: number } {
    return { sampleRate: this.context.sampleRate, channels: 2, latencyMs: this.context.baseLatency * 1000 };
  }

  /** Gain reduction the master limiter applies now, in dB (≤ 0; Web Audio §1.19.2 `reduction`). */
  get limiterReductionDb(): number {
    return this.#limiter.reduction;
  }

  async addStream(id: string, stream: MediaStream): Promise<void> {
    await this.#add(id, this.context.createMediaStreamSource(stream), () => undefined);
  }

  /** A media element's audio goes into the mix only (not to the speakers). */
  async addElement(id: string, element: HTMLMediaElement): Promise<void> {
    await this.#add(id, this.context.createMediaElementSource(element), () => undefined);
  }

  async #add(id: string, input: AudioNode, release: () => void): Promise<void> {
    await this.#ready;
    // Not awaited: without a user gesture (autoplay policy) resume() stays pending until one.
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    const gain = this.context.createGain();
    const meter = new AudioWorkletNode(this.context, METER_PROCESSOR_NAME, { numberOfOutputs: 1, outputChannelCount: [2] });
    const channel: Channel = { input, gain, meter, gainValue: 1, muted: false, solo: false, level: { peak: 0, rms: 0 }, release };
    meter.port.onmessage = (event: MessageEvent<Level>) => { channel.level = event.data; };
    input.connect(gain).connect(meter).connect(this.#master);
    this.#channels.set(id, channel);
    this.#apply();
  }

  remove(id: string): void {
    const channel = this.#channels.get(id);
    if (!channel) return;
    this.#channels.delete(id);
    channel.input.disconnect();
    channel.gain.disconnect();
    channel.meter.port.onmessage = null;
    channel.meter.disconnect();
    channel.release();
    this.#apply();
  }

  setGain(id: string, gain: number): void { this.#set(id, (c) => { c.gainValue = Math.max(0, gain); }); }
  setMuted(id: string, muted: boolean): void { this.#set(id, (c) => { c.muted = muted; }); }
  setSolo(id: string, solo: boolean): void { this.#set(id, (c) => { c.solo = solo; }); }
  setMasterGain(gain: number): void { this.#master.gain.value = Math.max(0, gain); }

  #set(id: string, change: (channel: Channel) => void): void {
    const channel = this.#channels.get(id);
    if (!channel) return;
    change(channel);
    this.#apply();
  }

  /** Solo wins: when any channel is soloed only soloed channels are heard. */
  #apply(): void {
    const anySolo = [...this.#channels.values()].some((c) => c.solo);
    for (const channel of this.#channels.values()) {
      const audible = !channel.muted && (!anySolo || channel.solo);
      channel.gain.gain.setTargetAtTime(audible ? channel.gainValue : 0, this.context.currentTime, 0.01);
    }
  }

  /** Latest peak/RMS per source (post-gain, linear 0..1). */
  levels(): Record<string, Level> {
    const out: Record<string, Level> = {};
    for (const [id, channel] of this.#channels) out[id] = channel.level;
    return out;
  }

  has(id: string): boolean { return this.#channels.has(id); }

  async close(): Promise<void> {
    for (const id of [...this.#channels.keys()]) this.remove(id);
    this.track.stop();
    await this.context.close();
  }
}
