import { access, constants } from 'node:fs/promises';
import { micro, milli, type AckMessage, type FrameMessage, type TrackMessage } from '@streamhub/shared';
import { UnsupportedInputError, mp4ToWireMessages } from '../media/demux/mp4-to-wire.ts';
import { EXIT, type PublishOptions } from './publish-args.ts';
import { PublishError, type ConnectPublisher, type PublisherConnection } from './publisher-connection.ts';
import { PublishProgress } from './publish-progress.ts';

export interface PublishRunOptions {
  readonly options: PublishOptions;
  readonly connect: ConnectPublisher;
  /** Progress and summary lines (stdout in the CLI). */
  readonly print: (line: string) => void;
  /** Aborting stops publishing, says goodbye and ends with EXIT.INTERRUPTED. */
  readonly signal?: AbortSignal;
}

export interface PublishResult {
  readonly exitCode: number;
  readonly framesSent: number;
  /** framesReceived of the last ack (the server's count). */
  readonly framesAcked: number;
  readonly error?: PublishError;
}

const REFUSED_CODES = new Set(['AUTH_TOKEN_INVALID', 'AUTH_TOKEN_EXPIRED', 'AUTH_TOKEN_REUSED', 'INGEST_SESSION_LIMIT']);

/** Exit code for a session-ending error code. */
export const exitCodeFor = (code: string): number => {
  if (REFUSED_CODES.has(code)) return EXIT.REFUSED;
  if (code === 'CONNECT_FAILED' || code === 'TRANSPORT_UNAVAILABLE') return EXIT.UNAVAILABLE;
  if (code === 'INGEST_SESSION_ENDED') return EXIT.OK;
  if (code === 'INPUT_UNREADABLE') return EXIT.DATA;
  return EXIT.PROTOCOL;
};

/** The input's failure as the CLI reports it; the messages of a file the ingest cannot take already say what to do. */
const inputError = (error: unknown, context: string): PublishError => {
  if (error instanceof UnsupportedInputError) return new PublishError('INPUT_UNREADABLE', error.message);
  return new PublishError('INPUT_UNREADABLE', `${context}${error instanceof Error ? error.message : String(error)}`);
};

/** Opens the file and reads its track messages before connecting, so a bad file never burns the single-use token. */
async function openInput(options: PublishOptions) {
  await access(options.input, constants.R_OK).catch(() => {
    throw new PublishError('INPUT_MISSING', `cannot read --input ${options.input}`);
  });
  const messages = mp4ToWireMessages(options.input, {
    realtime: true, loop: options.loop,
    ...(options.durationSeconds === undefined ? {} : { durationSeconds: options.durationSeconds }),
  });
  const tracks: TrackMessage[] = [];
  try {
    for (;;) {
      const next = await messages.next();
      if (next.done === true) break;
      if (next.value.type === 'track') tracks.push(next.value);
      if (next.value.type === 'frame') return { tracks, first: next.value, messages };
    }
  } catch (error) {
    throw inputError(error, `cannot demux ${options.input}: `);
  }
  throw new PublishError('INPUT_UNREADABLE', `${options.input} has no frames`);
}

/**
 * Publishes an MP4 in real time: track messages, then frames at their timestamps; a `stats` each
 * second (answered by `ack`, which gives the RTT); at the end a last stats/ack round so the
 * server's frame count is known, then goodbye.
 */
export async function runPublish(run: PublishRunOptions): Promise<PublishResult> {
  const { options, print } = run;
  let input;
  try {
    input = await openInput(options);
  } catch (error) {
    const e = error as PublishError;
    print(`error: ${e.message}`);
    return { exitCode: e.code === 'INPUT_MISSING' ? EXIT.NO_INPUT : EXIT.DATA, framesSent: 0, framesAcked: 0, error: e };
  }
  const progress = new PublishProgress(options.progressSeconds, print);
  let connection: PublisherConnection;
  try {
    connection = await run.connect(options.url, options.token, { onAck: (ack) => progress.ack(ack) });
  } catch (error) {
    await input.messages.return(undefined);
    const e = error instanceof PublishError ? error : new PublishError('CONNECT_FAILED', String(error));
    print(`error: ${e.code}: ${e.message}`);
    return { exitCode: exitCodeFor(e.code), framesSent: 0, framesAcked: 0, error: e };
  }
  print(`publishing ${options.input} to ${options.url.origin} over ${options.transport} (session ${connection.helloOk.sessionId})`);
  const outcome = await pump(run, connection, input, progress);
  const lastAck = await finish(connection, progress);
  progress.summary(lastAck);
  const framesAcked = lastAck?.framesReceived ?? 0;
  if (outcome.error) {
    print(`error: ${outcome.error.code}: ${outcome.error.message}`);
    return { exitCode: exitCodeFor(outcome.error.code), framesSent: progress.frames, framesAcked, error: outcome.error };
  }
  return { exitCode: outcome.interrupted ? EXIT.INTERRUPTED : EXIT.OK, framesSent: progress.frames, framesAcked };
}

interface PumpOutcome {
  readonly interrupted: boolean;
  readonly error?: PublishError;
}

async function pump(
  run: PublishRunOptions,
  connection: PublisherConnection,
  input: Awaited<ReturnType<typeof openInput>>,
  progress: PublishProgress,
): Promise<PumpOutcome> {
  const aborted = new Promise<'aborted'>((resolve) => {
    if (run.signal?.aborted === true) resolve('aborted');
    run.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  for (const track of input.tracks) await connection.send(track);
  let frame: FrameMessage | undefined = input.first;
  let sequence = 0;
  try {
    while (frame) {
      await connection.send(frame);
      progress.frame(frame);
      if (progress.statsDue()) {
        sequence += 1;
        await connection.send(statsFor(sequence, frame, progress));
      }
      if (connection.failure) return { interrupted: false, error: connection.failure };
      const next = await Promise.race([input.messages.next(), aborted, connection.closed]);
      if (next === 'aborted') return { interrupted: true };
      if (next instanceof PublishError) return { interrupted: false, error: next };
      frame = next.done === true ? undefined : (next.value as FrameMessage);
    }
  } catch (error) {
    return { interrupted: false, error: inputError(error, 'demuxing failed: ') };
  } finally {
    void input.messages.return(undefined);
  }
  return { interrupted: false };
}

const statsFor = (sequence: number, newest: FrameMessage, progress: PublishProgress) => ({
  type: 'stats' as const, sequence, sentAt: milli(performance.now()), newestCaptureTimestamp: micro(newest.timestamp),
  framesSent: progress.frames, framesDropped: 0,
});

/** A last stats → ack round trip (so the server's count is known), then goodbye. */
async function finish(connection: PublisherConnection, progress: PublishProgress): Promise<AckMessage | undefined> {
  if (!connection.failure) {
    const sequence = 0x7fff_ffff;
    const acked = progress.waitForAck(sequence, 5_000);
    await connection.send({
      type: 'stats', sequence, sentAt: milli(performance.now()), newestCaptureTimestamp: micro(0),
      framesSent: progress.frames, framesDropped: 0,
    });
    await Promise.race([acked, connection.closed]);
  }
  await connection.goodbye('publisher finished', 5_000);
  return progress.lastAck;
}
