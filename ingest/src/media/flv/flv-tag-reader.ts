/**
 * Incremental FLV reader (Adobe FLV File Format Specification v10.1, Annex E): splits FFmpeg's
 * stdout into tags without copying their payloads more than once.
 */

export type FlvTagKind = 'audio' | 'video' | 'script';

export interface FlvTag {
  readonly kind: FlvTagKind;
  /** E.4.1 TagType: 8 audio, 9 video, 18 script data; also the RTMP message type id. */
  readonly typeId: 8 | 9 | 18;
  /** Milliseconds (Timestamp + TimestampExtended, E.4.1). */
  readonly timestamp: number;
  /** The tag body (AUDIODATA / VIDEODATA / SCRIPTDATA), without the 11-byte header. */
  readonly data: Buffer;
  /** Video FrameType 1 (E.4.3.1) on a coded frame. */
  readonly keyframe: boolean;
  /** AVCPacketType 0 / AACPacketType 0: the decoder configuration, not a frame. */
  readonly sequenceHeader: boolean;
  /** When the frame this tag carries reached the relay (performance.now() ms), if known. */
  receivedAt: number | null;
}

const FLV_HEADER_MIN = 9;
const PREVIOUS_TAG_SIZE = 4;
const TAG_HEADER = 11;

function kindOf(typeId: number): FlvTag['kind'] | null {
  if (typeId === 8) return 'audio';
  if (typeId === 9) return 'video';
  if (typeId === 18) return 'script';
  return null;
}

export function describeTag(typeId: 8 | 9 | 18, timestamp: number, data: Buffer): FlvTag {
  const kind = kindOf(typeId) ?? 'script';
  const first = data[0] ?? 0;
  // E.4.3.1 VIDEODATA: FrameType (UB[4]) 1 = keyframe, CodecID 7 = AVC, then AVCPacketType 0 = sequence header.
  // E.4.2.1 AUDIODATA: SoundFormat (UB[4]) 10 = AAC, then AACPacketType 0 = sequence header.
  const sequenceHeader = kind === 'video' ? (first & 0x0f) === 7 && data[1] === 0
    : kind === 'audio' ? first >> 4 === 10 && data[1] === 0 : false;
  const keyframe = kind === 'video' && first >> 4 === 1 && !sequenceHeader;
  return { kind, typeId, timestamp, data, keyframe, sequenceHeader, receivedAt: null };
}

export class FlvTagReader {
  #buffer: Buffer = Buffer.alloc(0);
  #headerDone = false;

  /** Feeds bytes; returns the tags completed by them, in order. Throws on a non-FLV stream. */
  push(chunk: Buffer): FlvTag[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const tags: FlvTag[] = [];
    let offset = 0;
    if (!this.#headerDone) {
      if (this.#buffer.length < FLV_HEADER_MIN + PREVIOUS_TAG_SIZE) return tags;
      if (this.#buffer.toString('latin1', 0, 3) !== 'FLV') throw new Error('FFmpeg output is not FLV');
      // E.2: DataOffset is the header length; PreviousTagSize0 follows it.
      offset = this.#buffer.readUInt32BE(5) + PREVIOUS_TAG_SIZE;
      if (this.#buffer.length < offset) return tags;
      this.#headerDone = true;
    }
    while (this.#buffer.length - offset >= TAG_HEADER) {
      const typeId = this.#buffer.readUInt8(offset) & 0x1f;
      const size = this.#buffer.readUIntBE(offset + 1, 3);
      const end = offset + TAG_HEADER + size + PREVIOUS_TAG_SIZE;
      if (this.#buffer.length < end) break;
      // E.4.1: Timestamp is UI24 with TimestampExtended as the upper 8 bits.
      const timestamp = (this.#buffer.readUInt8(offset + 7) * 0x1000000) + this.#buffer.readUIntBE(offset + 4, 3);
      const kind = kindOf(typeId);
      if (kind) {
        const data = this.#buffer.subarray(offset + TAG_HEADER, offset + TAG_HEADER + size);
        tags.push(describeTag(typeId as 8 | 9 | 18, timestamp, data));
      }
      offset = end;
    }
    this.#buffer = offset >= this.#buffer.length ? Buffer.alloc(0) : this.#buffer.subarray(offset);
    return tags;
  }
}
