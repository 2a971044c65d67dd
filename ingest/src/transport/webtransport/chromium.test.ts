/**
 * Real Chromium (Debian /usr/bin/chromium via playwright-core) against the server: the browser's
 * own WebTransport implementation, pinned with serverCertificateHashes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startChromiumHost, type ChromiumHost } from '../../../test/chromium-host.ts';
import { digestStream, startServer, waitFor, type ServerFixture } from './test-fixtures.ts';

let browser: Browser;
let host: ChromiumHost;
let origin: string;
const fixtures: ServerFixture[] = [];

beforeAll(async () => {
  host = await startChromiumHost('wt');
  browser = host.browser;
  origin = host.origin;
});

afterAll(async () => {
  await host.close();
});

afterEach(async () => {
  await Promise.all(fixtures.splice(0).map((f) => f.server.close()));
});

async function setUp(): Promise<{ f: ServerFixture; page: Page; args: { url: string; hash: string } }> {
  const f = await startServer();
  fixtures.push(f);
  const page = await browser.newPage();
  await page.goto(origin);
  return { f, page, args: { url: f.url, hash: Buffer.from(f.cert.sha256).toString('base64') } };
}

/** The browser's WebTransport, as far as these page scripts use it (the ingest program has no DOM lib). */
interface PageWebTransport {
  readonly ready: Promise<void>;
  readonly closed: Promise<{ closeCode: number; reason: string }>;
  close(info?: { closeCode: number; reason: string }): void;
  createUnidirectionalStream(): Promise<WritableStream<Uint8Array>>;
  createBidirectionalStream(): Promise<{ readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> }>;
  readonly datagrams: { readonly writable: WritableStream<Uint8Array> };
}
declare const WebTransport: new (url: string, options: { serverCertificateHashes: { algorithm: string; value: Uint8Array }[] }) => PageWebTransport;

declare global {
  // Set by the page scripts below; lives only in the browser.
  var wt: PageWebTransport | undefined;
}

/** Opens `globalThis.wt` in the page. */
const openInPage = (page: Page, args: { url: string; hash: string }): Promise<void> =>
  page.evaluate(async ({ url, hash }) => {
    const value = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
    globalThis.wt = new WebTransport(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value }] });
    await globalThis.wt.ready;
  }, args);

describe('WebTransport server with real Chromium', () => {
  it('receives several MB on a uni stream byte-exact, echoes on a bidi stream, sees the page close', async () => {
    const { f, page, args } = await setUp();
    const sessionP = f.nextSession();
    await openInPage(page, args);
    const session = await sessionP;
    const received = (async () => {
      for await (const stream of session.incomingUnidirectionalStreams) return digestStream(stream);
      return undefined;
    })();
    void (async () => {
      for await (const bidi of session.incomingBidirectionalStreams) for await (const chunk of bidi.readable) await bidi.write(chunk);
    })().catch(() => undefined);

    const sent = await page.evaluate(async () => {
      const wt = globalThis.wt;
      if (!wt) throw new Error('no session');
      const data = new Uint8Array(6 * 1024 * 1024);
      for (let i = 0; i < data.length; i += 1) data[i] = (i * 2654435761) >>> 24;
      const uni = (await wt.createUnidirectionalStream()).getWriter();
      for (let offset = 0; offset < data.length; offset += 64 * 1024) await uni.write(data.subarray(offset, offset + 64 * 1024));
      await uni.close();
      const bidi = await wt.createBidirectionalStream();
      const writer = bidi.writable.getWriter();
      const reader = bidi.readable.getReader();
      const echoes: string[] = [];
      for (const message of ['hello', 'track 1', 'track 2']) {
        await writer.write(new TextEncoder().encode(message));
        const { value } = await reader.read();
        echoes.push(new TextDecoder().decode(value));
      }
      // RFC 9297 datagrams are negotiated (H3_DATAGRAM) but unused by the ingest: counted and dropped.
      const datagrams = wt.datagrams.writable.getWriter();
      for (let i = 0; i < 5; i += 1) await datagrams.write(new Uint8Array(100));
      datagrams.releaseLock();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
      return { bytes: data.length, sha256: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''), echoes };
    });
    expect(await received).toEqual({ bytes: sent.bytes, sha256: sent.sha256 });
    expect(sent.echoes).toEqual(['hello', 'track 1', 'track 2']);
    await waitFor(() => session.stats().datagramsReceived > 0);

    await page.evaluate(() => globalThis.wt?.close({ closeCode: 4100, reason: 'page done' }));
    expect(await session.closed).toEqual({ code: 4100, reason: 'page done' });
    await waitFor(() => f.server.stats().connections === 0);
    await page.close();
  });

  it('closes from the server side: the page sees the close code and reason', async () => {
    const { f, page, args } = await setUp();
    const sessionP = f.nextSession();
    await openInPage(page, args);
    (await sessionP).close({ code: 4301, reason: 'token reused' });
    const closed = await page.evaluate(() => globalThis.wt?.closed);
    expect(closed).toEqual({ closeCode: 4301, reason: 'token reused' });
    await waitFor(() => f.server.stats().connections === 0);
    await page.close();
  });

  it('ends the session on the server when the page reloads mid-session', async () => {
    const { f, page, args } = await setUp();
    const sessionP = f.nextSession();
    await openInPage(page, args);
    const session = await sessionP;
    await page.evaluate(async () => {
      const writer = (await globalThis.wt?.createUnidirectionalStream())?.getWriter();
      await writer?.write(new Uint8Array(1000));
    });
    await page.reload();
    await session.closed;
    await waitFor(() => f.server.stats().connections === 0 && f.server.stats().sessions === 0);
    await page.close();
  });

  it('answers 404 to a page opening the wrong path, and keeps serving', async () => {
    const { f, page, args } = await setUp();
    const refused = await page.evaluate(async ({ url, hash }) => {
      const value = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
      const wt = new WebTransport(url.replace('/ingest', '/nope'), { serverCertificateHashes: [{ algorithm: 'sha-256', value }] });
      return wt.ready.then(() => 'opened', (error: unknown) => String(error));
    }, args);
    expect(refused).toMatch(/WebTransportError/);
    const sessionP = f.nextSession();
    await openInPage(page, args);
    expect((await sessionP).path).toBe('/ingest');
    await page.close();
  });
});
