/* global AudioWorkletProcessor, registerProcessor, sampleRate */
/**
 * AudioWorklet processor for peak/RMS meters, loaded by URL (`?url` import in meter-processor.ts)
 * so the studio's Content-Security-Policy needs no `blob:` scripts. Posts `{ peak, rms }` (linear,
 * max over channels) about every 50 ms; passes audio through. The name must match
 * METER_PROCESSOR_NAME.
 */
class MeterProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.peak = 0;
    this.sumSquares = 0;
    this.count = 0;
    this.every = Math.round(sampleRate / 20);
  }
  process(inputs, outputs) {
    const input = inputs[0] || [];
    const output = outputs[0] || [];
    for (let c = 0; c < input.length; c++) {
      const samples = input[c];
      if (output[c]) output[c].set(samples);
      for (let i = 0; i < samples.length; i++) {
        const v = samples[i];
        const a = v < 0 ? -v : v;
        if (a > this.peak) this.peak = a;
        this.sumSquares += v * v;
      }
    }
    this.count += (input[0] ? input[0].length : 128) * Math.max(1, input.length);
    if (this.count >= this.every * Math.max(1, input.length)) {
      this.port.postMessage({ peak: this.peak, rms: Math.sqrt(this.sumSquares / this.count) });
      this.peak = 0;
      this.sumSquares = 0;
      this.count = 0;
    }
    return true;
  }
}
registerProcessor('streamhub-meter', MeterProcessor);
