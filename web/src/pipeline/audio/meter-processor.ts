import meterWorkletUrl from './meter.worklet.js?url';

/** Name the meter processor registers under (meter.worklet.js). */
export const METER_PROCESSOR_NAME = 'streamhub-meter';

/** URL of the AudioWorklet module (an asset of its own: worklet modules can't share the page's bundle). */
export const meterProcessorUrl: string = meterWorkletUrl;
