import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLimits } from '@streamhub/shared/plans';
import { MediaAsset } from './media-asset.entity.ts';
import { MediaAssetRepository } from './media-asset.repository.ts';
import { createTestApp, setPlan, signUp, type SignedInUser, type TestApp } from '../../../test/test-app.ts';

let t: TestApp;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'streamhub-media-test-'));
  t = await createTestApp({ DATA_DIR: dataDir });
});
afterAll(async () => {
  await t.close();
  await rm(dataDir, { recursive: true, force: true });
});

// A PNG signature (PNG spec §5.2) followed by filler: enough for the sniffer, not a decodable image.
const png = (size: number): Buffer => {
  const bytes = Buffer.alloc(size, 7);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  return bytes;
};
// An `ftyp` box with the isom brand (ISO/IEC 14496-12 §4.3), then bytes 0..255 repeated.
const mp4 = (size: number): Buffer => {
  const bytes = Buffer.from(Array.from({ length: size }, (_, i) => i % 256));
  Buffer.from([0, 0, 0, 0x18, ...Buffer.from('ftypisom')]).copy(bytes);
  return bytes;
};

interface Asset { id: string; name: string; kind: string; mimeType: string; sizeBytes: number }

const upload = (user: SignedInUser, name: string, payload: Buffer, contentType = 'application/octet-stream') => t.app.inject({
  method: 'POST', url: `/api/media?name=${encodeURIComponent(name)}`, headers: { ...user.auth, 'content-type': contentType }, payload,
});
const filesOf = async (userId: string): Promise<string[]> => readdir(join(dataDir, 'media', userId)).catch(() => []);

describe('media assets', () => {
  it('uploads with the sniffed type (not the claimed one), lists with the quota, serves the bytes', async () => {
    const user = await signUp(t.app);
    const res = await upload(user, 'logo.jpg', png(5000), 'image/jpeg');
    expect(res.statusCode, res.body).toBe(201);
    const asset = res.json<Asset>();
    expect(asset).toMatchObject({ name: 'logo.jpg', kind: 'image', mimeType: 'image/png', sizeBytes: 5000 });
    expect(await filesOf(user.id)).toEqual([asset.id]);

    const list = await t.app.inject({ method: 'GET', url: '/api/media', headers: user.auth });
    expect(list.json()).toMatchObject({
      assets: [{ id: asset.id }], usedBytes: 5000, quotaBytes: planLimits.free.mediaStorageBytes, maxUploadBytes: planLimits.free.maxUploadBytes,
    });
    const content = await t.app.inject({ method: 'GET', url: `/api/media/${asset.id}/content`, headers: user.auth });
    expect(content.statusCode).toBe(200);
    expect(content.headers).toMatchObject({ 'content-type': 'image/png', 'accept-ranges': 'bytes', 'content-length': '5000' });
    expect(content.rawPayload.equals(png(5000))).toBe(true);
  });

  it('refuses an unknown type, an empty file and a file over the plan’s upload size, leaving no file behind', async () => {
    const user = await signUp(t.app);
    const text = await upload(user, 'notes.png', Buffer.from('just some text, not an image at all'), 'image/png');
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'MEDIA_TYPE_UNSUPPORTED' });
    expect((await upload(user, 'empty.png', Buffer.alloc(0))).json()).toMatchObject({ code: 'MEDIA_EMPTY' });
    const big = await upload(user, 'big.png', png(planLimits.free.maxUploadBytes + 1));
    expect(big.statusCode).toBe(413);
    expect(big.json<{ code: string; message: string }>()).toMatchObject({ code: 'MEDIA_TOO_LARGE', message: expect.stringContaining('100 MB') as unknown });
    expect(await filesOf(user.id)).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/media', headers: user.auth })).json()).toMatchObject({ assets: [], usedBytes: 0 });
  });

  it('counts bytes while streaming: a body without Content-Length is stopped at the limit too', async () => {
    const user = await signUp(t.app);
    const res = await t.app.inject({
      method: 'POST', url: '/api/media?name=chunked.png', headers: { ...user.auth, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      payload: Readable.from((function* () {
        const chunk = png(1024 * 1024);
        for (let i = 0; i <= 100; i += 1) yield chunk;
      })()),
    });
    expect(res.statusCode, res.body).toBe(413);
    expect(await filesOf(user.id)).toEqual([]);
  });

  it('refuses an upload past the plan’s storage quota with PLAN_STORAGE_LIMIT', async () => {
    const user = await signUp(t.app);
    const fill = planLimits.free.mediaStorageBytes - planLimits.free.maxUploadBytes + 1000;
    // Fills the quota without uploading hundreds of MB: the row's size is what counts.
    const first = (await upload(user, 'a.png', png(1000))).json<Asset>();
    await t.app.orm.em.fork().getConnection().execute('update media_assets set size_bytes = ? where id = ?', [fill, first.id]);
    const res = await upload(user, 'b.png', png(planLimits.free.maxUploadBytes - 500));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'PLAN_STORAGE_LIMIT' });
    await setPlan(t.app, user.id, 'pro');
    expect((await upload(user, 'c.png', png(2000))).statusCode).toBe(201);
  });

  it('renames and deletes (the file too); another user’s asset is 404 on every route', async () => {
    const owner = await signUp(t.app);
    const other = await signUp(t.app);
    const asset = (await upload(owner, 'clip.mp4', mp4(4096))).json<Asset>();
    expect(asset).toMatchObject({ kind: 'video', mimeType: 'video/mp4' });
    for (const [method, url, payload] of [
      ['GET', `/api/media/${asset.id}/content`, undefined], ['PATCH', `/api/media/${asset.id}`, { name: 'mine' }], ['DELETE', `/api/media/${asset.id}`, undefined],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: other.auth, ...(payload ? { payload } : {}) });
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.json()).toMatchObject({ code: 'MEDIA_NOT_FOUND' });
    }
    expect((await t.app.inject({ method: 'GET', url: '/api/media', headers: other.auth })).json()).toMatchObject({ assets: [] });

    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/media/${asset.id}`, headers: owner.auth, payload: { name: '  Intro clip ' } });
    expect(renamed.json()).toMatchObject({ id: asset.id, name: 'Intro clip' });
    const blank = await t.app.inject({ method: 'PATCH', url: `/api/media/${asset.id}`, headers: owner.auth, payload: { name: ' ' } });
    expect(blank.statusCode).toBe(400);

    const removed = await t.app.inject({ method: 'DELETE', url: `/api/media/${asset.id}`, headers: owner.auth });
    expect(removed.statusCode).toBe(204);
    expect(await filesOf(owner.id)).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/api/media/${asset.id}/content`, headers: owner.auth })).statusCode).toBe(404);
  });

  it('serves byte ranges (206), suffix ranges, and 416 for a range past the end', async () => {
    const user = await signUp(t.app);
    const bytes = mp4(10_000);
    const asset = (await upload(user, 'seek.mp4', bytes)).json<Asset>();
    const get = (range: string) => t.app.inject({ method: 'GET', url: `/api/media/${asset.id}/content`, headers: { ...user.auth, range } });

    const middle = await get('bytes=1000-1999');
    expect(middle.statusCode).toBe(206);
    expect(middle.headers).toMatchObject({ 'content-range': 'bytes 1000-1999/10000', 'content-length': '1000', 'content-type': 'video/mp4' });
    expect(middle.rawPayload.equals(bytes.subarray(1000, 2000))).toBe(true);
    const open = await get('bytes=9990-');
    expect(open.rawPayload.equals(bytes.subarray(9990))).toBe(true);
    const suffix = await get('bytes=-16');
    expect(suffix.headers['content-range']).toBe('bytes 9984-9999/10000');
    expect(suffix.rawPayload.equals(bytes.subarray(9984))).toBe(true);
    const past = await get('bytes=10000-10010');
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */10000');
    expect(past.json()).toMatchObject({ code: 'MEDIA_RANGE_INVALID' });
  });

  it('over real HTTP, a refused large upload still gets its 4xx answer (the request is drained, not reset)', async () => {
    const user = await signUp(t.app);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${address}/api/media?name=movie.mp4`, {
      method: 'POST', headers: { ...user.auth, 'content-type': 'application/octet-stream' }, body: Buffer.alloc(8 * 1024 * 1024, 0x41),
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'MEDIA_TYPE_UNSUPPORTED' });
    expect(await filesOf(user.id)).toEqual([]);
  });

  it('counts used bytes inside the caller’s transaction (the embedded database has one connection: another would deadlock)', async () => {
    const user = await signUp(t.app);
    let inside: number | undefined;
    const rolledBack = await t.app.orm.em.fork().transactional(async (tx) => {
      tx.create(MediaAsset, { user: user.id, kind: 'upload', fileName: 'x.png', mimeType: 'image/png', sizeBytes: 1234, storagePath: 'x' });
      await tx.flush();
      // Not committed: only a query on the transaction's own connection sees the row.
      inside = await new MediaAssetRepository(tx).usedBytes(user.id);
      throw new Error('roll back');
    }).catch((error: unknown) => error);
    expect(rolledBack).toEqual(new Error('roll back'));
    expect(inside).toBe(1234);
    expect(await new MediaAssetRepository(t.app.orm.em.fork()).usedBytes(user.id)).toBe(0);
  });

  it('requires authentication', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/media' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'POST', url: '/api/media?name=x.png', headers: { 'content-type': 'application/octet-stream' }, payload: png(100) });
    expect(res.statusCode).toBe(401);
  });
});
