/** What the encode stage hands to packetize and record: the chunk and its encoder metadata, never copied. */
export type EncodedMedia =
  | {
    readonly kind: 'video'; readonly chunk: EncodedVideoChunk; readonly meta: EncodedVideoChunkMetadata | undefined;
    /** The encoder's latest decoder config (encoders only report it on the first output). */
    readonly decoderConfig: VideoDecoderConfig | undefined;
  }
  | {
    readonly kind: 'audio'; readonly chunk: EncodedAudioChunk; readonly meta: EncodedAudioChunkMetadata | undefined;
    readonly decoderConfig: AudioDecoderConfig | undefined;
  };

/** Percentile over a window of samples (nearest rank). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
