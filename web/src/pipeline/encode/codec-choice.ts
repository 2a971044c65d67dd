/**
 * H.264 profile/level by output size (ITU-T H.264 Annex A, Table A-1): level 3.1 covers 720p30
 * (baseline, no B-frames); 720p60 and 1080p need level 4.0, where Main then High are tried.
 */
export function h264Candidates(width: number, height: number, fps: number): string[] {
  const macroblocksPerSecond = Math.ceil(width / 16) * Math.ceil(height / 16) * fps;
  if (macroblocksPerSecond <= 108_000 && width * height <= 1280 * 720) return ['avc1.42001f', 'avc1.4d401f', 'avc1.640028'];
  return ['avc1.4d4028', 'avc1.640028', 'avc1.42e028'];
}

export interface VideoTarget {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly bitrateKbps: number;
}

/** First supported config: each codec with hardware first, then software. */
export async function chooseVideoConfig(target: VideoTarget): Promise<VideoEncoderConfig> {
  const tried: string[] = [];
  for (const codec of h264Candidates(target.width, target.height, target.fps)) {
    for (const hardwareAcceleration of ['prefer-hardware', 'prefer-software'] as const) {
      const config: VideoEncoderConfig = {
        codec,
        width: target.width,
        height: target.height,
        framerate: target.fps,
        bitrate: target.bitrateKbps * 1000,
        bitrateMode: 'constant',
        latencyMode: 'realtime',
        hardwareAcceleration,
        // AVC (length-prefixed) form plus an avcC description: what MP4 and the wire carry.
        avc: { format: 'avc' },
      };
      const { supported } = await VideoEncoder.isConfigSupported(config);
      if (supported === true) return config;
      tried.push(`${codec}/${hardwareAcceleration}`);
    }
  }
  throw new Error(`no H.264 encoder for ${target.width}x${target.height}@${target.fps} (tried ${tried.join(', ')})`);
}

export interface AudioTarget {
  readonly sampleRate: number;
  readonly channels: number;
  readonly bitrateKbps: number;
}

/** AAC-LC where the browser has an encoder, else Opus (Linux Chromium has no AAC encoder). */
export async function chooseAudioConfig(target: AudioTarget): Promise<AudioEncoderConfig> {
  for (const codec of ['mp4a.40.2', 'opus']) {
    const config: AudioEncoderConfig = {
      codec,
      sampleRate: target.sampleRate,
      numberOfChannels: target.channels,
      bitrate: target.bitrateKbps * 1000,
      bitrateMode: 'constant',
    };
    const { supported } = await AudioEncoder.isConfigSupported(config);
    if (supported === true) return config;
  }
  throw new Error(`no AAC or Opus encoder for ${target.sampleRate} Hz × ${target.channels}`);
}
