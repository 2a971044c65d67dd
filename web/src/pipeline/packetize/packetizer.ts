import { encodeMessage, writeFrameHeader } from '@streamhub/shared/wire/encode';
import { FRAME_HEADER_BYTES } from '@streamhub/shared/wire/layout';
import type { TrackMessage } from '@streamhub/shared/wire/messages';
import { micro, type Micro } from '@streamhub/shared/time';
import type { EncodedMedia } from '../encode/encoded.ts';

/** Track ids on the wire: fixed per session (one video, one audio). */
export const VIDEO_TRACK_ID = 0;
export const AUDIO_TRACK_ID = 1;

/** One encoded wire message ready to send, with what the send queue's drop policy needs. */
export interface WirePacket {
  readonly bytes: Uint8Array;
  readonly kind: 'video' | 'audio' | 'control';
  readonly keyframe: boolean;
  /** Session-clock capture time (frames only). */
  readonly timestamp: Micro;
}

function descriptionBytes(description: AllowSharedBufferSource | undefined): Uint8Array {
  if (!description) return new Uint8Array(0);
  if (description instanceof ArrayBuffer || description instanceof SharedArrayBuffer) return new Uint8Array(description.slice(0));
  return new Uint8Array(description.buffer.slice(description.byteOffset, description.byteOffset + description.byteLength));
}

/** The `track` message for an encoder's output (codec string + avcC / OpusHead description). */
export function trackMessage(media: EncodedMedia, framerate: number): TrackMessage {
  if (media.kind === 'video') {
    const config = media.decoderConfig;
    return {
      type: 'track', kind: 'video', trackId: VIDEO_TRACK_ID,
      codec: config?.codec ?? 'avc1.42001f',
      description: descriptionBytes(config?.description),
      width: config?.codedWidth ?? 0, height: config?.codedHeight ?? 0, framerate,
    };
  }
  const config = media.decoderConfig;
  return {
    type: 'track', kind: 'audio', trackId: AUDIO_TRACK_ID,
    codec: config?.codec ?? 'opus',
    description: descriptionBytes(config?.description),
    sampleRate: config?.sampleRate ?? 48_000, channels: config?.numberOfChannels ?? 2,
  };
}

export function trackPacket(message: TrackMessage): WirePacket {
  return { bytes: encodeMessage(message), kind: 'control', keyframe: false, timestamp: micro(0) };
}

/**
 * A `frame` message written straight from the chunk: header then payload into one buffer, one
 * copy of the encoded bytes (shared/PROTOCOL.md frame layout).
 */
export function framePacket(media: EncodedMedia): WirePacket {
  const { chunk } = media;
  const bytes = new Uint8Array(FRAME_HEADER_BYTES + chunk.byteLength);
  writeFrameHeader(bytes, 0, {
    trackId: media.kind === 'video' ? VIDEO_TRACK_ID : AUDIO_TRACK_ID,
    timestamp: micro(chunk.timestamp),
    duration: micro(Math.max(0, Math.round(chunk.duration ?? 0))),
    keyframe: chunk.type === 'key',
    payloadLength: chunk.byteLength,
  });
  chunk.copyTo(bytes.subarray(FRAME_HEADER_BYTES));
  return { bytes, kind: media.kind, keyframe: chunk.type === 'key', timestamp: micro(chunk.timestamp) };
}
