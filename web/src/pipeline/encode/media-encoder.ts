import type { SessionClock } from '../clock.ts';
import type { OutputSettings } from '../studio-engine.ts';
import { AudioEncodeStage } from './audio-encode.ts';
import type { EncodedMedia } from './encoded.ts';
import { VideoEncodeStage } from './video-encode.ts';

export interface MediaEncoderOptions {
  readonly output: OutputSettings;
  readonly clock: SessionClock;
  readonly audio: { readonly sampleRate: number; readonly channels: number; readonly latencyMs?: number } | null;
  readonly onMedia: (media: EncodedMedia) => void;
  readonly onError: (error: Error) => void;
}

/** The video and (optional) audio encode stages on one session clock. */
export class MediaEncoder {
  readonly video: VideoEncodeStage;
  readonly audio: AudioEncodeStage | null;

  private constructor(video: VideoEncodeStage, audio: AudioEncodeStage | null) {
    this.video = video;
    this.audio = audio;
  }

  static async create(options: MediaEncoderOptions): Promise<MediaEncoder> {
    const { output } = options;
    const video = await VideoEncodeStage.create({
      width: output.width, height: output.height, fps: output.fps, bitrateKbps: output.videoBitrateKbps,
      onChunk: options.onMedia, onError: options.onError,
    });
    const audio = options.audio
      ? await AudioEncodeStage.create({
        ...options.audio, bitrateKbps: output.audioBitrateKbps, now: () => options.clock.now(),
        onChunk: options.onMedia, onError: options.onError,
      })
      : null;
    return new MediaEncoder(video, audio);
  }

  close(): void {
    this.video.close();
    this.audio?.close();
  }
}
