import { afterAll, describe, expect, it } from 'vitest';
import { Relay } from '../../src/media/relay.ts';
import { fakeIngestSession, testDestination } from '../fixtures/fake-ingest-session.ts';
import { makeFixture } from '../fixtures/make-fixture.ts';
import { capturingLogger, destinationState, publishFile, tempDir, waitFor } from '../fixtures/relay-harness.ts';
import { probe } from '../fixtures/rtmp-receiver.ts';
import { startRtmpsReceiver, type RtmpsReceiver } from '../fixtures/rtmps-receiver.ts';

const KEY = 'sk_live_rtmps_5c83e1a7d0';

describe('relay to an rtmps:// destination (TLS in front of a real RTMP server)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => { for (const step of cleanup.reverse()) await step(); });

  it('refuses an untrusted certificate, then publishes H.264 + AAC over TLS when the CA is trusted', async () => {
    const dir = await tempDir();
    const fixture = await makeFixture({ audio: 'opus', seconds: 4 });
    const receiver: RtmpsReceiver = await startRtmpsReceiver({ dir, key: KEY, name: 'rtmps' });
    cleanup.push(() => receiver.stop());
    const url = `rtmps://127.0.0.1:${receiver.port}/live/${KEY}`;

    // Production settings (Node's bundled roots only): the throwaway certificate is refused.
    const strict = capturingLogger();
    const untrusting = new Relay({ logger: strict.logger, statusIntervalMs: 100, backoff: { baseMs: 5000 } });
    cleanup.push(() => untrusting.close());
    const refused = fakeIngestSession('rtmps-untrusted', [testDestination('tls', url)]);
    const refusedDone = untrusting.handle(refused.session);
    await waitFor(() => destinationState(untrusting, 'rtmps-untrusted', 'tls') === 'retrying', 10_000, 'untrusted destination retrying');
    const refusedStatus = untrusting.status('rtmps-untrusted')?.destinations[0]?.status;
    expect(refusedStatus?.state === 'retrying' ? refusedStatus.lastError : '').toMatch(/TLS certificate of 127\.0\.0\.1:\d+ is not trusted/);
    expect(receiver.handshakes()).toBe(0);
    refused.end();
    await refusedDone;

    // The test trusts the receiver's certificate explicitly (extraCa); verification stays on.
    const { logger, lines } = capturingLogger();
    const relay = new Relay({ logger, statusIntervalMs: 100, extraCa: [receiver.certPem] });
    cleanup.push(() => relay.close());
    const fake = fakeIngestSession('rtmps', [testDestination('tls', url)]);
    const handled = relay.handle(fake.session);
    await waitFor(() => destinationState(relay, 'rtmps', 'tls') === 'live', 10_000, 'rtmps destination live');
    const published = await publishFile(fake, fixture, { realtime: true });
    await handled;
    await receiver.rtmp.exited;

    expect(receiver.handshakes()).toBe(1);
    const received = await probe(receiver.rtmp.outPath);
    expect(received.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    const audio = received.streams.find((s) => s.codec_type === 'audio');
    expect(audio?.codec_name).toBe('aac');
    expect(audio?.profile).toBe('LC');
    const video = received.packets.filter((p) => p.codecType === 'video');
    expect(video.length).toBe(published.videoFrames);
    expect(video[0]?.keyframe).toBe(true);
    expect(received.packets.filter((p) => p.codecType === 'audio').length).toBeGreaterThan(150);

    const reported = [...strict.lines, ...lines, JSON.stringify(untrusting.status('rtmps-untrusted')), JSON.stringify(relay.status('rtmps'))].join('\n');
    expect(reported).not.toContain(KEY);
  });
});
