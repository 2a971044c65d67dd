import { planLimits, resolutionRank, type Plan, type Resolution } from '@streamhub/shared/plans';
import { AppError } from '../../plugins/app-error.ts';

export interface StartRequest {
  readonly destinationCount: number;
  readonly resolution: Resolution | undefined;
  readonly record: boolean | undefined;
  readonly videoBitrateKbps: number | undefined;
}

export interface GatedStart {
  readonly resolution: Resolution;
  readonly record: boolean;
  readonly videoBitrateKbps: number;
}

/** Applies the plan table (shared/plans.ts) to a start request: fills defaults or throws a PLAN_* 403. */
export function gateStart(plan: Plan, request: StartRequest, activeSessions: number): GatedStart {
  const limits = planLimits[plan];
  if (request.destinationCount > limits.maxSimultaneousDestinations) {
    throw new AppError('PLAN_DESTINATION_LIMIT', `Your ${limits.label} plan allows ${limits.maxSimultaneousDestinations} simultaneous destinations.`);
  }
  const resolution = request.resolution ?? limits.maxResolution;
  if (resolutionRank(resolution) > resolutionRank(limits.maxResolution)) {
    throw new AppError('PLAN_RESOLUTION_LIMIT', `Your ${limits.label} plan allows up to ${limits.maxResolution}.`);
  }
  const videoBitrateKbps = request.videoBitrateKbps ?? limits.maxVideoBitrateKbps;
  if (videoBitrateKbps > limits.maxVideoBitrateKbps) {
    throw new AppError('PLAN_BITRATE_LIMIT', `Your ${limits.label} plan allows up to ${limits.maxVideoBitrateKbps} kbit/s.`);
  }
  const record = request.record ?? false;
  if (record && !limits.cloudRecording) throw new AppError('PLAN_RECORDING_UNAVAILABLE');
  if (activeSessions >= limits.maxConcurrentSessions) {
    throw new AppError('PLAN_CONCURRENT_SESSIONS', `Your ${limits.label} plan allows ${limits.maxConcurrentSessions} simultaneous stream(s).`);
  }
  return { resolution, record, videoBitrateKbps };
}
