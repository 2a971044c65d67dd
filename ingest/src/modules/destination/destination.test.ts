import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platforms, type Platform } from '@streamhub/shared/platforms';
import { createTestApp, signUp, testSecrets, type SignedInUser, type TestApp } from '../../../test/test-app.ts';
import { DestinationRepository } from './destination.repository.ts';
import { StreamKeyCipher } from './stream-key-cipher.ts';

let t: TestApp;
let owner: SignedInUser;
let stranger: SignedInUser;
const rawKey = 'live_SUPERSECRET_streamkey_7Q2x';

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'trace' });
  owner = await signUp(t.app, 'owner');
  stranger = await signUp(t.app, 'stranger');
});
afterAll(async () => { await t.close(); });

const create = (user: SignedInUser, payload: object) =>
  t.app.inject({ method: 'POST', url: '/api/destinations', headers: user.auth, payload });

describe('destinations', () => {
  it('fills the preset URL, masks the key, and lists only the owner’s rows', async () => {
    const res = await create(owner, { name: 'My channel', platform: 'youtube', streamKey: rawKey, title: 'Launch day' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'My channel', platform: 'youtube', url: 'rtmp://a.rtmp.youtube.com/live2', streamKeyMasked: '****7Q2x', title: 'Launch day', enabled: true,
    });
    const mine = await t.app.inject({ method: 'GET', url: '/api/destinations', headers: owner.auth });
    expect(mine.json<{ destinations: { id: string }[] }>().destinations.map((d) => d.id)).toContain(res.json<{ id: string }>().id);
    const theirs = await t.app.inject({ method: 'GET', url: '/api/destinations', headers: stranger.auth });
    expect(theirs.json()).toEqual({ destinations: [] });
  });

  it('requires a URL for custom, accepts rtmps, refuses other schemes and credentials in the URL', async () => {
    expect((await create(owner, { name: 'c', platform: 'custom', streamKey: 'abcd1234' })).json()).toMatchObject({ code: 'DESTINATION_URL_REQUIRED' });
    const ok = await create(owner, { name: 'c', platform: 'custom', url: 'rtmps://ingest.example.test:443/app/', streamKey: 'abcd1234' });
    expect(ok.statusCode).toBe(201);
    for (const url of ['http://example.test/live', 'rtmp://user:pw@example.test/live']) {
      const res = await create(owner, { name: 'c', platform: 'custom', url, streamKey: 'abcd1234' });
      expect(res.statusCode).toBe(400);
    }
    expect((await create(owner, { name: 'c', platform: 'myspace', streamKey: 'abcd1234' })).statusCode).toBe(400);
    expect((await create(owner, { name: 'c', platform: 'twitch', streamKey: 'abcd1234', userId: stranger.id })).statusCode).toBe(400);
  });

  it('stores the key encrypted (never in clear) with its key id', async () => {
    const res = await create(owner, { name: 'enc', platform: 'twitch', streamKey: rawKey });
    const rows = await t.app.orm.em.fork().getConnection().execute<{ stream_key_ciphertext: string; stream_key_key_id: string }[]>(
      'select * from destinations where id = ?', [res.json<{ id: string }>().id],
    );
    const row = rows[0];
    expect(JSON.stringify(row)).not.toContain(rawKey);
    expect(row?.stream_key_key_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('patches name, title, enabled and key; the key stays masked', async () => {
    const id = (await create(owner, { name: 'old', platform: 'twitch', streamKey: 'first-key-1111' })).json<{ id: string }>().id;
    const res = await t.app.inject({
      method: 'PATCH', url: `/api/destinations/${id}`, headers: owner.auth,
      payload: { name: 'new', title: null, enabled: false, streamKey: 'second-key-2222' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ name: 'new', title: null, enabled: false, streamKeyMasked: '****2222' });
    expect((await t.app.inject({ method: 'PATCH', url: `/api/destinations/${id}`, headers: owner.auth, payload: { platform: 'youtube' } })).statusCode).toBe(400);
  });

  it('another user can neither patch nor delete my destination (404, row unchanged)', async () => {
    const id = (await create(owner, { name: 'guarded', platform: 'twitch', streamKey: rawKey })).json<{ id: string }>().id;
    const patch = await t.app.inject({ method: 'PATCH', url: `/api/destinations/${id}`, headers: stranger.auth, payload: { name: 'pwned' } });
    expect(patch.statusCode).toBe(404);
    expect(patch.json()).toMatchObject({ code: 'DESTINATION_NOT_FOUND' });
    const del = await t.app.inject({ method: 'DELETE', url: `/api/destinations/${id}`, headers: stranger.auth });
    expect(del.statusCode).toBe(404);
    const mine = await t.app.inject({ method: 'GET', url: '/api/destinations', headers: owner.auth });
    expect(mine.json<{ destinations: { id: string; name: string }[] }>().destinations.find((d) => d.id === id)?.name).toBe('guarded');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/destinations/${id}`, headers: owner.auth })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/destinations/${id}`, headers: owner.auth })).statusCode).toBe(404);
  });

  it('rejects a malformed id and requires authentication', async () => {
    expect((await t.app.inject({ method: 'DELETE', url: '/api/destinations/not-a-uuid', headers: owner.auth })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/destinations' })).statusCode).toBe(401);
  });

  it('key rotation: reencryptAll moves every row to the new key, which alone then decrypts them', async () => {
    const id = (await create(owner, { name: 'rot', platform: 'twitch', streamKey: 'rotate-me-5678' })).json<{ id: string }>().id;
    const newSecret = 'n'.repeat(40);
    const rotated = new StreamKeyCipher(newSecret, [testSecrets.STREAM_KEY_SECRET]);
    const moved = await new DestinationRepository(t.app.orm.em.fork(), rotated).reencryptAll();
    expect(moved).toBeGreaterThanOrEqual(1);
    const onlyNew = new DestinationRepository(t.app.orm.em.fork(), new StreamKeyCipher(newSecret));
    const [row] = await onlyNew.findOwnedWithKeys(owner.id, [id]);
    expect(row && onlyNew.toRelayDestination(row).url).toBe('rtmp://live.twitch.tv/app/rotate-me-5678');
    expect(await new DestinationRepository(t.app.orm.em.fork(), rotated).reencryptAll()).toBe(0);
  });

  it('never returns or logs the raw key (every response above and every log line)', async () => {
    await t.app.inject({ method: 'GET', url: '/api/destinations', headers: owner.auth });
    expect(t.responses.length).toBeGreaterThan(20);
    expect(t.responses.join('\n')).toContain('****7Q2x'); // the capture sees bodies
    expect(t.responses.join('\n')).not.toContain('SUPERSECRET');
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join('\n')).not.toContain('SUPERSECRET');
  });
});

/**
 * Every platform of `shared/src/platforms.ts`: the URL a destination gets from name, platform and key
 * alone (`undefined`: the platform has no preset and requires a URL), written out here so that a
 * changed preset shows up as a failing row, not as a silently different target.
 */
const presetUrls: Record<Platform, string | undefined> = {
  youtube: 'rtmp://a.rtmp.youtube.com/live2',
  twitch: 'rtmp://live.twitch.tv/app',
  facebook: 'rtmps://live-api-s.facebook.com:443/rtmp',
  tiktok: undefined, // each account has its own server URL
  custom: undefined,
};

describe('platform presets', () => {
  const relayUrl = async (id: string): Promise<string | undefined> => {
    const repo = new DestinationRepository(t.app.orm.em.fork(), new StreamKeyCipher(testSecrets.STREAM_KEY_SECRET));
    const [row] = await repo.findOwnedWithKeys(owner.id, [id]);
    return row === undefined ? undefined : repo.toRelayDestination(row).url;
  };

  it('the table covers every platform', () => {
    expect(Object.keys(presetUrls).sort()).toEqual([...platforms].sort());
  });

  const preset = platforms.flatMap((platform) => {
    const url = presetUrls[platform];
    return url === undefined ? [] : [[platform, url] as const];
  });
  it.each(preset)('%s: name, platform and key alone → url %s; the relay target is that URL plus the key', async (platform, presetUrl) => {
    const key = `${platform}-key-Ab12`;
    const res = await create(owner, { name: platform, platform, streamKey: key });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ id: string; url: string; streamKeyMasked: string }>();
    expect(body).toMatchObject({ platform, url: presetUrl, streamKeyMasked: '****Ab12' });
    expect(await relayUrl(body.id)).toBe(`${presetUrl}/${key}`);
  });

  it.each(platforms.filter((platform) => presetUrls[platform] === undefined))('%s: without a URL → 400 DESTINATION_URL_REQUIRED', async (platform) => {
    const res = await create(owner, { name: platform, platform, streamKey: 'no-url-key-1' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'DESTINATION_URL_REQUIRED' });
  });

  it.each(platforms)('%s: an explicit rtmps:// URL is accepted and used instead of the preset', async (platform) => {
    const url = `rtmps://ingest-${platform}.example.test:443/live`;
    const res = await create(owner, { name: `${platform} over TLS`, platform, url, streamKey: 'tls-key-9876' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ id: string; url: string }>();
    expect(body.url).toBe(url);
    expect(await relayUrl(body.id)).toBe(`${url}/tls-key-9876`);
  });
});

