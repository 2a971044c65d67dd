import { createHash } from 'node:crypto';
import { mintCertificate } from './src/transport/certs/mint-certificate.ts';
import { WebTransportServer } from './src/transport/webtransport/server.ts';
import { WebTransportClient } from './src/transport/webtransport/client.ts';
const cert = mintCertificate();
const server = await WebTransportServer.listen({ host: '127.0.0.1', port: 0, path: '/ingest', certificate: cert });
console.log('port', server.port);
server.onSession(async (s) => {
  console.log('server session', s.path);
  (async () => { for await (const bidi of s.incomingBidirectionalStreams) { for await (const c of bidi.readable) await bidi.write(c); await bidi.close(); } })();
  for await (const stream of s.incomingUnidirectionalStreams) {
    const h = createHash('sha256'); let n = 0;
    for await (const c of stream) { h.update(c); n += c.length; }
    console.log('server got', n, h.digest('hex'));
  }
  console.log('server closed', await s.closed);
});
const t0 = Date.now();
const session = await WebTransportClient.connect(`https://127.0.0.1:${server.port}/ingest`, { serverCertificateHashes: [{ algorithm: 'sha-256', value: cert.sha256 }] });
console.log('client session', Date.now() - t0, 'ms');
const uni = await session.createUnidirectionalStream();
const data = Buffer.alloc(5_000_000, 7); for (let i=0;i<data.length;i++) data[i]=i*31&255;
console.log('sent hash', createHash('sha256').update(data).digest('hex'));
for (let o = 0; o < data.length; o += 100_000) await uni.write(data.subarray(o, o + 100_000));
await uni.close();
console.log('uni done', Date.now() - t0);
const bidi = await session.createBidirectionalStream();
await bidi.write(Buffer.from('hello echo'));
await bidi.close();
for await (const c of bidi.readable) console.log('echo', Buffer.from(c).toString());
await new Promise(r => setTimeout(r, 200));
session.close({ code: 42, reason: 'bye' });
console.log('client closed', await session.closed);
await new Promise(r => setTimeout(r, 1500));
console.log(server.stats());
await server.close();
console.log('done');
