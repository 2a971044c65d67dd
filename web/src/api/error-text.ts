/**
 * What the studio tells the user about an error code. Plan-limit codes are explained from the same
 * plan table the API enforces (shared/src/plans.ts), so the numbers shown are the numbers applied.
 */
import { planLimits, plans, type Plan } from '@streamhub/shared/plans';

export interface Explained {
  readonly title: string;
  readonly detail: string;
}

/** Bytes as the plan table's round figures (500 MB, 10 GB). */
export const mib = (bytes: number): string => (bytes >= 1024 ** 3 ? `${Math.round(bytes / 1024 ** 3)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`);

const nextPlan = (plan: Plan): Plan | undefined => plans[plans.indexOf(plan) + 1];

function upgradeHint(plan: Plan, describe: (p: Plan) => string): string {
  const next = nextPlan(plan);
  return next === undefined ? '' : ` ${planLimits[next].label} allows ${describe(next)}.`;
}

const planExplainers: Readonly<Record<string, (plan: Plan) => Explained>> = {
  PLAN_DESTINATION_LIMIT: (plan) => {
    const n = planLimits[plan].maxSimultaneousDestinations;
    return {
      title: 'Too many destinations for your plan',
      detail: `The ${planLimits[plan].label} plan streams to at most ${n} destination${n === 1 ? '' : 's'} at once. Disable one, or upgrade.`
        + upgradeHint(plan, (p) => `${planLimits[p].maxSimultaneousDestinations}`),
    };
  },
  PLAN_RESOLUTION_LIMIT: (plan) => ({
    title: 'Resolution above your plan',
    detail: `The ${planLimits[plan].label} plan streams up to ${planLimits[plan].maxResolution}.` + upgradeHint(plan, (p) => planLimits[p].maxResolution),
  }),
  PLAN_BITRATE_LIMIT: (plan) => ({
    title: 'Bitrate above your plan',
    detail: `The ${planLimits[plan].label} plan allows up to ${planLimits[plan].maxVideoBitrateKbps} kbit/s of video.`
      + upgradeHint(plan, (p) => `${planLimits[p].maxVideoBitrateKbps} kbit/s`),
  }),
  PLAN_RECORDING_UNAVAILABLE: (plan) => ({
    title: 'Cloud recording is not in your plan',
    detail: `The ${planLimits[plan].label} plan does not include cloud recording. Local recording (in this browser) still works.`,
  }),
  PLAN_CONCURRENT_SESSIONS: (plan) => ({
    title: 'Another session is already live',
    detail: `The ${planLimits[plan].label} plan allows ${planLimits[plan].maxConcurrentSessions} live session${planLimits[plan].maxConcurrentSessions === 1 ? '' : 's'} at a time. Stop the other one first.`,
  }),
  PLAN_STORAGE_LIMIT: (plan) => ({
    title: 'Media storage is full',
    detail: `The ${planLimits[plan].label} plan keeps up to ${mib(planLimits[plan].mediaStorageBytes)} of uploaded media. Remove some media first.`
      + upgradeHint(plan, (p) => mib(planLimits[p].mediaStorageBytes)),
  }),
  MEDIA_TOO_LARGE: (plan) => ({
    title: 'File too large',
    detail: `The ${planLimits[plan].label} plan uploads files up to ${mib(planLimits[plan].maxUploadBytes)} each.`
      + upgradeHint(plan, (p) => mib(planLimits[p].maxUploadBytes)),
  }),
};

const fixed: Readonly<Record<string, Explained>> = {
  MEDIA_TYPE_UNSUPPORTED: {
    title: 'File type not supported',
    detail: 'Upload a PNG, JPEG, GIF or WebP image, or an MP4, MOV or WebM video.',
  },
  HTTP_ABORTED: { title: 'Upload cancelled', detail: 'The upload was cancelled.' },
  HTTP_NETWORK: { title: 'Offline', detail: 'Cannot reach the server. Check your connection and try again.' },
  CAPTURE_PERMISSION_DENIED: {
    title: 'Camera or microphone blocked',
    detail: 'The browser denied access. Allow the camera and microphone for this site (the icon in the address bar), then add the source again.',
  },
  ENCODER_H264_UNSUPPORTED: {
    title: 'No H.264 encoder',
    detail: 'This browser cannot encode H.264 video, which every destination requires. Use a current Chrome, Edge or Safari.',
  },
  TRANSPORT_WEBTRANSPORT_UNAVAILABLE: {
    title: 'Using WebSocket instead of WebTransport',
    detail: 'WebTransport is not available here, so the stream goes over a WebSocket. It works, with a little more latency on bad networks.',
  },
};

/** Turns a `{ code, message }` into what the UI shows; unknown codes keep the server's message. */
export function explainError(error: { code: string; message: string }, plan: Plan): Explained {
  const planExplain = planExplainers[error.code];
  if (planExplain !== undefined) return planExplain(plan);
  return fixed[error.code] ?? { title: 'Something went wrong', detail: error.message };
}

/** Maps a DOMException from getUserMedia/getDisplayMedia to a registry-style code. */
export function captureErrorCode(error: unknown): string | undefined {
  const name = error instanceof DOMException ? error.name : typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'CAPTURE_PERMISSION_DENIED';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'CAPTURE_DEVICE_NOT_FOUND';
  return undefined;
}
