import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { chromiumArgs } from '../vitest.config.ts';
import { mintCertificate } from './src/transport/certs/mint-certificate.ts';
import { WebTransportServer } from './src/transport/webtransport/server.ts';
const cert = mintCertificate();
const server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate: cert });
server.onSession(async (s) => {
  console.log('server session', s.path, s.headers.map(h=>h.name+'='+h.value).join(' '));
  (async () => { for await (const bidi of s.incomingBidirectionalStreams) { for await (const c of bidi.readable) await bidi.write(c); } })().catch(e=>console.log('bidi err', e.message));
  void s.closed.then((c) => console.log('server closed', c));
  for await (const stream of s.incomingUnidirectionalStreams) {
    const h = createHash('sha256'); let n = 0;
    for await (const c of stream) { h.update(c); n += c.length; }
    console.log('server got', n, h.digest('hex'));
  }
});
const http = createServer((_, res) => { res.end('<!doctype html><title>t</title>'); });
await new Promise<void>(r => http.listen(0, '127.0.0.1', r));
const httpPort = (http.address() as {port:number}).port;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
const page = await browser.newPage();
page.on('console', m => console.log('page:', m.text()));
await page.goto(`http://127.0.0.1:${httpPort}/`);
const result = await page.evaluate(async ({ url, hash }) => {
  const wt = new WebTransport(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: Uint8Array.from(atob(hash), c => c.charCodeAt(0)) }] });
  await wt.ready;
  const data = new Uint8Array(4_000_000); for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 255;
  const uni = await wt.createUnidirectionalStream(); const w = uni.getWriter();
  for (let o = 0; o < data.length; o += 65536) await w.write(data.subarray(o, o + 65536));
  await w.close();
  const bidi = await wt.createBidirectionalStream(); const bw = bidi.writable.getWriter(); const br = bidi.readable.getReader();
  await bw.write(new TextEncoder().encode('ping'));
  const { value } = await br.read();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  wt.close({ closeCode: 7, reason: 'page bye' });
  const closed = await wt.closed;
  return { echo: new TextDecoder().decode(value), digest: Array.from(digest, b => b.toString(16).padStart(2, '0')).join(''), closed };
}, { url: `https://127.0.0.1:${server.port}/ingest`, hash: Buffer.from(cert.sha256).toString('base64') });
console.log(result);
await new Promise(r => setTimeout(r, 1000));
console.log(server.stats());
// server-side close
const p2 = page.evaluate(async ({ url, hash }) => {
  const wt = new WebTransport(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: Uint8Array.from(atob(hash), c => c.charCodeAt(0)) }] });
  await wt.ready;
  return await wt.closed.then(c => c, e => ({ error: String(e) }));
}, { url: `https://127.0.0.1:${server.port}/ingest`, hash: Buffer.from(cert.sha256).toString('base64') });
const s2 = await new Promise<any>(r => { const off = server.onSession(s => { off(); r(s); }); });
setTimeout(() => s2.close({ code: 4301, reason: 'server bye' }), 200);
console.log('page saw', await p2);
await new Promise(r => setTimeout(r, 1500));
console.log(server.stats());
await browser.close(); http.close(); await server.close();
