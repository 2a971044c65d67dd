import { WebTransportClient } from './src/transport/webtransport/client.ts';
import { digestStream, startServer } from './src/transport/webtransport/test-fixtures.ts';
const f = await startServer();
const client = await WebTransportClient.connect(f.url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: f.cert.sha256 }] });
const session = await f.nextSession();
void (async () => {
  for await (const bidi of session.incomingBidirectionalStreams) {
    console.log('server bidi', bidi.id);
    for await (const chunk of bidi.readable) { console.log('server chunk', chunk.length); await bidi.write(chunk); }
    console.log('server fin');
    await bidi.close();
    console.log('server closed');
  }
})().catch((e) => console.log('err', e));
const bidi = await client.createBidirectionalStream();
console.log('client bidi', bidi.id);
await bidi.write(new TextEncoder().encode('hello'));
await bidi.close();
console.log('client fin');
console.log(await digestStream(bidi.readable));
client.close();
await f.server.close();
