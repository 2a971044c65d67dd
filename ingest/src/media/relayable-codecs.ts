/**
 * What the relay can send to RTMP destinations without touching the video: H.264 is copied, AAC
 * copied, Opus transcoded to AAC (FLV carries no Opus). Codecs are WebCodecs codec strings, as the
 * wire protocol's `track` message carries them. The publisher CLI checks a file with the same rules
 * before it connects.
 */
export const isRelayableVideoCodec = (codec: string): boolean => /^avc[13]\./.test(codec);

export const isRelayableAudioCodec = (codec: string): boolean => codec === 'opus' || codec.startsWith('mp4a.40');
