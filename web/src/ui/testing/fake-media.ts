/**
 * The media routes of the fake API (`/api/media*`) and a stand-in XMLHttpRequest whose upload
 * progress the test drives step by step (a real upload to a local server finishes in one step).
 */
import { planLimits, type Plan } from '@streamhub/shared/plans';
import type { UploadXhr } from '../../api/http.ts';

interface StoredAsset { id: string; name: string; kind: 'image' | 'video'; mimeType: string; sizeBytes: number; createdAt: string; bytes: Blob }

const json = (status: number, body: unknown): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** One upload in flight: the test moves its progress and then finishes or fails it. */
export class FakeUploadXhr implements UploadXhr {
  withCredentials = false;
  readonly upload: UploadXhr['upload'] = { onprogress: null };
  onload: UploadXhr['onload'] = null;
  onerror: UploadXhr['onerror'] = null;
  onabort: UploadXhr['onabort'] = null;
  status = 0;
  statusText = '';
  responseText = '';
  url = '';
  readonly headers: Record<string, string> = {};
  body: Blob | null = null;
  readonly #media: FakeMedia;

  constructor(media: FakeMedia) {
    this.#media = media;
  }

  open(_method: string, url: string): void {
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }

  send(body: Blob): void {
    this.body = body;
    if (!this.#media.authorized(this.headers.authorization)) {
      // As the API does: a stale access token is refused before the body is read.
      queueMicrotask(() => this.finish({ status: 401, code: 'AUTH_UNAUTHENTICATED', message: 'Sign in to continue.' }));
      return;
    }
    this.#media.inFlight.push(this);
  }

  abort(): void {
    this.#media.inFlight = this.#media.inFlight.filter((x) => x !== this);
    this.onabort?.(new ProgressEvent('abort'));
  }

  /** Reports `fraction` of the body sent, as the browser's upload progress event would. */
  progress(fraction: number): void {
    const total = this.body?.size ?? 0;
    this.upload.onprogress?.(new ProgressEvent('progress', { lengthComputable: true, loaded: Math.round(total * fraction), total }));
  }

  /** The server's answer arrives (201 with the new asset, or the given error). */
  finish(error?: { status: number; code: string; message: string }): void {
    this.#media.inFlight = this.#media.inFlight.filter((x) => x !== this);
    const name = new URL(this.url, 'http://studio.test').searchParams.get('name') ?? 'file';
    if (error === undefined) {
      this.status = 201;
      this.responseText = JSON.stringify(this.#media.add(name, this.body ?? new Blob()));
    } else {
      this.status = error.status;
      this.responseText = JSON.stringify({ code: error.code, message: error.message });
    }
    this.onload?.(new ProgressEvent('load'));
  }
}

export class FakeMedia {
  assets: StoredAsset[] = [];
  inFlight: FakeUploadXhr[] = [];
  readonly plan: () => Plan;
  /** Whether an upload's `authorization` header carries the current access token. */
  readonly authorized: (header: string | undefined) => boolean;

  constructor(plan: () => Plan, authorized: (header: string | undefined) => boolean) {
    this.plan = plan;
    this.authorized = authorized;
  }

  readonly createXhr = (): UploadXhr => new FakeUploadXhr(this);

  add(name: string, bytes: Blob): Omit<StoredAsset, 'bytes'> {
    const kind = bytes.type.startsWith('video/') ? 'video' : 'image';
    const asset = { id: crypto.randomUUID(), name, kind, mimeType: bytes.type === '' ? 'image/png' : bytes.type, sizeBytes: bytes.size, createdAt: new Date().toISOString(), bytes } as const;
    this.assets.unshift(asset);
    return this.#public(asset);
  }

  route(method: string, path: string, b: Record<string, unknown>): Response {
    const limits = planLimits[this.plan()];
    if (method === 'GET' && path === '/api/media') {
      return json(200, {
        assets: this.assets.map((a) => this.#public(a)), usedBytes: this.assets.reduce((s, a) => s + a.sizeBytes, 0),
        quotaBytes: limits.mediaStorageBytes, maxUploadBytes: limits.maxUploadBytes,
      });
    }
    const [, , , id, sub] = path.split('/');
    const asset = this.assets.find((a) => a.id === id);
    if (asset === undefined) return json(404, { code: 'MEDIA_NOT_FOUND', message: 'Media file not found.' });
    if (method === 'GET' && sub === 'content') return new Response(asset.bytes, { status: 200, headers: { 'content-type': asset.mimeType } });
    if (method === 'DELETE') {
      this.assets = this.assets.filter((a) => a !== asset);
      return new Response(null, { status: 204 });
    }
    if (method === 'PATCH' && typeof b.name === 'string') {
      asset.name = b.name.trim();
      return json(200, this.#public(asset));
    }
    return json(404, { code: 'HTTP_NOT_FOUND', message: 'not found' });
  }

  #public(a: StoredAsset): Omit<StoredAsset, 'bytes'> {
    return { id: a.id, name: a.name, kind: a.kind, mimeType: a.mimeType, sizeBytes: a.sizeBytes, createdAt: a.createdAt };
  }
}
