/**
 * Real Chromium (Debian /usr/bin/chromium via playwright-core) as a WebSocket publisher: the
 * browser's own WebSocket, as the studio's fallback uses it, against the real plugin.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { WireMessage } from '@streamhub/shared';
import { encodeMessage } from '@streamhub/shared/wire/encode';
import { startChromiumHost, type ChromiumHost } from '../../../test/chromium-host.ts';
import { closeCodeFor } from '../session/close-codes.ts';
import { hello, sampleFrames, sampleTracks } from '../session/testing/sample-messages.ts';
import { startIngestTestServer, type IngestTestServer } from './testing/ws-ingest-harness.ts';

let browser: Browser;
let host: ChromiumHost;
let origin: string;
let server: IngestTestServer;

beforeAll(async () => {
  host = await startChromiumHost('ws');
  browser = host.browser;
  origin = host.origin;
});

afterAll(async () => {
  await host.close();
});

afterEach(async () => {
  await server.close();
});

const base64 = (messages: readonly WireMessage[]): string[] => messages.map((m) => Buffer.from(encodeMessage(m)).toString('base64'));

interface PageResult {
  readonly closeCode: number;
  readonly closeReason: string;
}

/**
 * In the page: opens the WebSocket, sends hello, waits for the server's first message, then sends
 * `rest` one wire message per WebSocket message and, if `end`, closes; resolves on the close.
 */
function publishFromPage(page: Page, args: { url: string; hello: string; rest: string[]; end: boolean }): Promise<PageResult> {
  return page.evaluate(async ({ url, hello: first, rest, end }) => {
    const bytes = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const closed = new Promise<PageResult>((resolve) => {
      socket.onclose = (event) => resolve({ closeCode: event.code, closeReason: event.reason });
    });
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send(bytes(first));
    await Promise.race([new Promise((resolve) => (socket.onmessage = resolve)), closed]);
    if (socket.readyState !== WebSocket.OPEN) return closed;
    for (const message of rest) socket.send(bytes(message));
    if (end) socket.close(1000, 'done');
    return closed;
  }, args);
}

describe('WebSocket ingest from real Chromium', () => {
  it('receives the browser’s messages byte-exact and in order', async () => {
    server = await startIngestTestServer();
    const page = await browser.newPage();
    await page.goto(origin);
    const sent = [...sampleTracks, ...sampleFrames({ count: 150, maxPayloadBytes: 48 * 1024, seed: 11 })];
    const result = await publishFromPage(page, {
      url: server.url, hello: base64([hello(server.authority.issue('browser'))])[0] ?? '', rest: base64(sent), end: true,
    });
    expect(result.closeCode).toBe(1000);
    await expect.poll(() => server.hub.connectionCount).toBe(0);
    const got = server.sessions[0]?.messages ?? [];
    expect(got).toHaveLength(sent.length);
    got.forEach((message, index) => {
      expect(Buffer.from(encodeMessage(message)).equals(Buffer.from(encodeMessage(sent[index] as WireMessage)))).toBe(true);
    });
    await page.close();
  });

  it('the browser sees the registry close code; a page reload mid-session ends it cleanly and a new one starts', async () => {
    server = await startIngestTestServer();
    const page = await browser.newPage();
    await page.goto(origin);
    const refused = await publishFromPage(page, { url: server.url, hello: base64([hello('forged')])[0] ?? '', rest: [], end: false });
    expect(refused).toEqual({ closeCode: closeCodeFor('AUTH_TOKEN_INVALID').websocket, closeReason: 'AUTH_TOKEN_INVALID' });

    const frames = sampleFrames({ count: 20, seed: 12 });
    void publishFromPage(page, {
      url: server.url, hello: base64([hello(server.authority.issue('reloader'))])[0] ?? '', rest: base64([...sampleTracks, ...frames]), end: false,
    }).catch(() => undefined); // the page goes away under it
    await expect.poll(() => server.sessions[0]?.messages.length).toBe(sampleTracks.length + frames.length);
    await page.reload();
    await expect.poll(() => server.outcomes.find((o) => o.sessionId !== undefined)?.code).toBe('INGEST_SESSION_ENDED');
    expect(server.hub.sessionsOf('reloader')).toBe(0);

    const again = await publishFromPage(page, {
      url: server.url, hello: base64([hello(server.authority.issue('reloader'))])[0] ?? '', rest: base64(sampleTracks), end: true,
    });
    expect(again.closeCode).toBe(1000);
    await page.close();
  });
});
