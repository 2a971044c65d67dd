/** Plan limits: one table, read by the API (enforcement, 403 with a code) and the studio (explanations). */
export const plans = ['free', 'pro', 'business'] as const;
export type Plan = (typeof plans)[number];

export const resolutions = ['720p', '1080p'] as const;
export type Resolution = (typeof resolutions)[number];

export interface PlanLimits {
  readonly label: string;
  readonly maxSimultaneousDestinations: number;
  readonly maxResolution: Resolution;
  readonly maxVideoBitrateKbps: number;
  readonly cloudRecording: boolean;
  readonly maxConcurrentSessions: number;
  /** Total bytes of uploaded media (images, videos) one account may keep. */
  readonly mediaStorageBytes: number;
  /** Largest single media upload, bytes. */
  readonly maxUploadBytes: number;
}

const MiB = 1024 * 1024;

export const planLimits: Readonly<Record<Plan, PlanLimits>> = {
  free: { label: 'Free', maxSimultaneousDestinations: 2, maxResolution: '720p', maxVideoBitrateKbps: 4500, cloudRecording: false, maxConcurrentSessions: 1, mediaStorageBytes: 500 * MiB, maxUploadBytes: 100 * MiB },
  pro: { label: 'Pro', maxSimultaneousDestinations: 5, maxResolution: '1080p', maxVideoBitrateKbps: 6000, cloudRecording: true, maxConcurrentSessions: 2, mediaStorageBytes: 10 * 1024 * MiB, maxUploadBytes: 1024 * MiB },
  business: { label: 'Business', maxSimultaneousDestinations: 10, maxResolution: '1080p', maxVideoBitrateKbps: 9000, cloudRecording: true, maxConcurrentSessions: 5, mediaStorageBytes: 100 * 1024 * MiB, maxUploadBytes: 4 * 1024 * MiB },
};

export const resolutionSize: Readonly<Record<Resolution, { readonly width: number; readonly height: number }>> = {
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
};

export const resolutionRank = (resolution: Resolution): number => resolutions.indexOf(resolution);
