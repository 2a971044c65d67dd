/** What this browser can do for streaming, checked before the user goes live. */
export interface Capabilities {
  readonly webTransport: boolean;
  readonly h264: boolean;
}

/** Baseline 3.1 at 720p30: the profile every destination accepts (Chromium here encodes it in software). */
const h264Probe: VideoEncoderConfig = { codec: 'avc1.42001f', width: 1280, height: 720, bitrate: 2_500_000, framerate: 30 };

export async function detectCapabilities(scope: typeof globalThis = globalThis): Promise<Capabilities> {
  const webTransport = 'WebTransport' in scope;
  let h264 = false;
  if ('VideoEncoder' in scope) {
    try {
      h264 = (await scope.VideoEncoder.isConfigSupported(h264Probe)).supported === true;
    } catch {
      h264 = false;
    }
  }
  return { webTransport, h264 };
}
