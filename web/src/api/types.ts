/**
 * Response shapes the studio reads. The zod schemas of shared/src/api (issue 3) are the types at
 * this boundary; the few view types below are what the UI renders, derived from them.
 */
import { authSessionList, publicUser, tokenResponse, type AuthSession, type PublicUser, type TokenResponse } from '@streamhub/shared/api/auth';
import {
  destinationList, destinationResponse, type CreateDestinationBody, type DestinationResponse, type PatchDestinationBody,
} from '@streamhub/shared/api/destination';
import { mediaAssetResponse, mediaList, type MediaAssetResponse, type MediaList } from '@streamhub/shared/api/media';
import {
  sessionDetail, sessionHistory, startStreamResponse, type SessionDetail, type StartStreamResponse, type StreamSessionSummary,
} from '@streamhub/shared/api/stream';
import { maskSecret, type Platform } from '@streamhub/shared/platforms';

export type User = PublicUser;
export type LoginResult = TokenResponse;
export type StartResult = StartStreamResponse;
export type PastSession = StreamSessionSummary;
export type SignInSession = AuthSession;
export type MediaAsset = MediaAssetResponse;
export type MediaLibrary = MediaList;
export type PastSessionDetail = SessionDetail;
export type DestinationInput = CreateDestinationBody;
export type DestinationPatch = PatchDestinationBody;

export interface Destination {
  readonly id: string;
  readonly name: string;
  readonly platform: Platform;
  readonly url: string;
  /** Always masked (`****` + last 4). */
  readonly maskedKey: string;
  readonly enabled: boolean;
  readonly title: string | null;
}

/** Masks defensively: a key that is not already masked is masked here, so a raw key never renders. */
const masked = (key: string): string => (key.startsWith('****') ? key : maskSecret(key));

const toDestination = (d: DestinationResponse): Destination => ({
  id: d.id, name: d.name, platform: d.platform, url: d.url, maskedKey: masked(d.streamKeyMasked), enabled: d.enabled, title: d.title,
});

export const parseUser = (v: unknown): User => publicUser.parse(v);
export const parseLogin = (v: unknown): LoginResult => tokenResponse.parse(v);
export const parseDestination = (v: unknown): Destination => toDestination(destinationResponse.parse(v));
export const parseDestinations = (v: unknown): Destination[] => destinationList.parse(v).destinations.map(toDestination);
export const parseStart = (v: unknown): StartResult => startStreamResponse.parse(v);
export const parsePastSessions = (v: unknown): PastSession[] => sessionHistory.parse(v).sessions;
export const parseSignInSessions = (v: unknown): SignInSession[] => authSessionList.parse(v).sessions;
export const parseSessionDetail = (v: unknown): PastSessionDetail => sessionDetail.parse(v);
export const parseMediaAsset = (v: unknown): MediaAsset => mediaAssetResponse.parse(v);
export const parseMediaLibrary = (v: unknown): MediaLibrary => mediaList.parse(v);
export const ignoreBody = (): void => undefined;
