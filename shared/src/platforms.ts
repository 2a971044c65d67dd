/** Streaming platforms a destination can target, with their ingest presets and accepted ranges. */
export const platforms = ['youtube', 'twitch', 'facebook', 'tiktok', 'custom'] as const;
export type Platform = (typeof platforms)[number];

export interface PlatformPreset {
  readonly label: string;
  /** Default ingest URL (without the stream key); `undefined` where each account has its own (custom, TikTok). */
  readonly defaultUrl: string | undefined;
  /** Where a user finds the URL when there is no default (shown under the URL field). */
  readonly urlHint?: string;
  /** Video bitrate range the platform recommends, kbit/s (stream-health warnings outside it). */
  readonly videoBitrateKbps: { readonly min: number; readonly max: number };
  /** Longest keyframe interval the platform accepts, seconds. */
  readonly maxKeyframeIntervalSeconds: number;
}

export const platformPresets: Readonly<Record<Platform, PlatformPreset>> = {
  youtube: { label: 'YouTube', defaultUrl: 'rtmp://a.rtmp.youtube.com/live2', videoBitrateKbps: { min: 1500, max: 51000 }, maxKeyframeIntervalSeconds: 4 },
  twitch: { label: 'Twitch', defaultUrl: 'rtmp://live.twitch.tv/app', videoBitrateKbps: { min: 1000, max: 6000 }, maxKeyframeIntervalSeconds: 2 },
  facebook: { label: 'Facebook Live', defaultUrl: 'rtmps://live-api-s.facebook.com:443/rtmp', videoBitrateKbps: { min: 1000, max: 9000 }, maxKeyframeIntervalSeconds: 2 },
  // TikTok hands each account its own server URL with the stream key (LIVE Center, "Server URL"): no preset can be right.
  tiktok: {
    label: 'TikTok Live', defaultUrl: undefined, urlHint: 'TikTok gives each account its own server: copy the Server URL from TikTok LIVE Center, with the stream key.',
    videoBitrateKbps: { min: 1000, max: 6000 }, maxKeyframeIntervalSeconds: 2,
  },
  custom: {
    label: 'Custom RTMP/RTMPS', defaultUrl: undefined, urlHint: 'Your server\'s RTMP or RTMPS address, without the key.',
    videoBitrateKbps: { min: 100, max: 100000 }, maxKeyframeIntervalSeconds: 4,
  },
};

/** The RTMP target: the ingest URL plus the stream key as the last path segment. */
export function rtmpTarget(url: string, streamKey: string): string {
  return `${url.replace(/\/+$/, '')}/${streamKey}`;
}

/** Masks a secret to `****` + its last 4 characters (the only form a stream key ever leaves the server in). */
export function maskSecret(secret: string): string {
  return `****${secret.slice(-4)}`;
}
