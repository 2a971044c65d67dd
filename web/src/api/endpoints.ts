/** The API's routes (issue 3) as typed functions over one ApiClient. */
import type { Resolution } from '@streamhub/shared/plans';
import type { SessionStatus } from '@streamhub/shared/relay-status';
import type { ApiClient } from './http.ts';
import { parseLiveStatus } from './session-status.ts';
import {
  ignoreBody, parseDestination, parseDestinations, parseLogin, parseMediaAsset, parseMediaLibrary, parsePastSessions, parseSessionDetail,
  parseSignInSessions, parseStart, parseUser,
  type Destination, type DestinationInput, type DestinationPatch, type LoginResult, type MediaAsset, type MediaLibrary, type PastSession,
  type PastSessionDetail, type SignInSession, type StartResult, type User,
} from './types.ts';

export interface Credentials {
  readonly email: string;
  readonly password: string;
  readonly displayName?: string;
}

export interface StartRequest {
  readonly destinations: readonly string[];
  readonly resolution?: Resolution;
  readonly record?: boolean;
}

/** Builds the endpoint functions; stores receive this object (injected), never a global. */
export function createEndpoints(client: ApiClient) {
  return {
    client,
    register: (c: Credentials): Promise<unknown> =>
      client.request('/api/auth/register', { method: 'POST', body: c, parse: (v) => v, auth: false }),
    login: (c: Credentials): Promise<LoginResult> =>
      client.request('/api/auth/login', { method: 'POST', body: { email: c.email, password: c.password }, parse: parseLogin, auth: false }),
    logout: (): Promise<void> => client.request('/api/auth/logout', { method: 'POST', parse: ignoreBody }),
    profile: (): Promise<User> => client.request('/api/user/profile', { parse: parseUser }),
    signInSessions: (): Promise<SignInSession[]> => client.request('/api/auth/sessions', { parse: parseSignInSessions }),
    revokeSignInSession: (id: string): Promise<void> =>
      client.request(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE', parse: ignoreBody }),
    listDestinations: (): Promise<Destination[]> => client.request('/api/destinations', { parse: parseDestinations }),
    createDestination: (input: DestinationInput): Promise<Destination> =>
      client.request('/api/destinations', { method: 'POST', body: input, parse: parseDestination }),
    updateDestination: (id: string, patch: DestinationPatch): Promise<Destination> =>
      client.request(`/api/destinations/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch, parse: parseDestination }),
    deleteDestination: (id: string): Promise<void> =>
      client.request(`/api/destinations/${encodeURIComponent(id)}`, { method: 'DELETE', parse: ignoreBody }),
    startStream: (req: StartRequest): Promise<StartResult> =>
      client.request('/api/stream/start', { method: 'POST', body: req, parse: parseStart }),
    stopStream: (sessionId: string): Promise<void> =>
      client.request('/api/stream/stop', { method: 'POST', body: { sessionId }, parse: ignoreBody }),
    streamStatus: (sessionId: string): Promise<SessionStatus | null> =>
      client.request(`/api/stream/status?sessionId=${encodeURIComponent(sessionId)}`, { parse: parseLiveStatus }),
    pastSessions: (limit = 50): Promise<PastSession[]> => client.request(`/api/stream/sessions?limit=${limit}`, { parse: parsePastSessions }),
    sessionDetail: (id: string): Promise<PastSessionDetail> =>
      client.request(`/api/stream/sessions/${encodeURIComponent(id)}`, { parse: parseSessionDetail }),
    mediaLibrary: (): Promise<MediaLibrary> => client.request('/api/media', { parse: parseMediaLibrary }),
    uploadMedia: (file: Blob, name: string, progress: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<MediaAsset> =>
      client.upload(`/api/media?name=${encodeURIComponent(name)}`, { body: file, parse: parseMediaAsset, ...progress }),
    renameMedia: (id: string, name: string): Promise<MediaAsset> =>
      client.request(`/api/media/${encodeURIComponent(id)}`, { method: 'PATCH', body: { name }, parse: parseMediaAsset }),
    deleteMedia: (id: string): Promise<void> => client.request(`/api/media/${encodeURIComponent(id)}`, { method: 'DELETE', parse: ignoreBody }),
    mediaContent: (id: string): Promise<Blob> => client.blob(`/api/media/${encodeURIComponent(id)}/content`),
  };
}

export type Endpoints = ReturnType<typeof createEndpoints>;
