import type { ChildProcess } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import ffmpeg from 'fluent-ffmpeg';
import { RelayError } from '../relay-error.ts';

/** The only module that knows fluent-ffmpeg (upstream is archived; keep it replaceable). */

export interface RemuxProcessOptions {
  readonly ffmpegPath: string;
  /** `copy` when the session's audio is AAC; `aac` transcodes (Opus) to AAC-LC, the only encode. */
  readonly audio: 'copy' | 'aac' | 'none';
  readonly audioBitrateKbps?: number;
  /** FLV bytes from FFmpeg's stdout, as they come. */
  readonly onFlv: (chunk: Buffer) => void;
  /** FFmpeg ended: null on a clean end of input, else the (redacted) reason. */
  readonly onExit: (error: RelayError | null) => void;
  /** FFmpeg's stderr, one line at a time (never contains a URL: FFmpeg only sees pipes). */
  readonly onStderr?: (line: string) => void;
}

/** Above this much unread input the FFmpeg process is stuck; the session fails instead of buffering forever. */
const MAX_PENDING_INPUT_BYTES = 32 * 1024 * 1024;
/** Longest the end of FFmpeg's stdout is awaited after it exited. */
const OUTPUT_DRAIN_MS = 1000;

/**
 * One FFmpeg per session: Matroska on stdin → FLV on stdout, video `-c:v copy`, audio copied or
 * transcoded to AAC-LC. FFmpeg never sees a destination URL, so nothing it prints holds a stream key;
 * the fan-out to destinations happens in Node (media/fanout), where a slow one cannot stall the rest.
 */
export class RemuxProcess {
  readonly #input = new PassThrough({ highWaterMark: 1024 * 1024 });
  readonly #command: ffmpeg.FfmpegCommand;
  #child: ChildProcess | null = null;
  #exited: Promise<void>;
  #markExited: () => void = () => undefined;
  #ended = false;
  #closeGraceMs: number | null = null;

  constructor(options: RemuxProcessOptions) {
    this.#exited = new Promise((resolve) => { this.#markExited = resolve; });
    // A plain Writable, not a PassThrough + 'data': one stream hop less per FLV tag FFmpeg flushes.
    const output = new Writable({
      highWaterMark: 1024 * 1024,
      write: (chunk: Buffer, _encoding, done) => { options.onFlv(chunk); done(); },
    });
    const outputEnded = new Promise<void>((resolve) => { output.once('finish', resolve); output.once('close', resolve); });
    const afterOutput = (): void => { void Promise.race([outputEnded, sleep(OUTPUT_DRAIN_MS)]).then(() => this.#markExited()); };
    const audioArgs = options.audio === 'none' ? ['-an']
      : options.audio === 'copy' ? ['-c:a', 'copy']
        // `fast` coder: half the CPU of the default `twoloop` on speech, music and noise (FFmpeg 5.1,
        // 48 kHz stereo, 160 kbit/s, 120 s offline: speech over room noise 1.19–1.33 s vs 2.82–2.97 s),
        // transparent enough at this bitrate for live streaming. Its one bad case is a pure tone
        // (440 Hz sine: 7.2 s vs 3.3 s), which a microphone does not send for long.
        // Opus is always 48 kHz and AAC-LC takes 48 kHz as is, so FFmpeg inserts no resampler.
        : ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', `${options.audioBitrateKbps ?? 160}k`];
    this.#command = ffmpeg({ source: this.#input, logger: silentLogger })
      .setFfmpegPath(options.ffmpegPath)
      .inputFormat('matroska')
      // The codec configuration is in the Matroska header; no need to read seconds of input first.
      // Never `-fflags nobuffer` here: it lost the first 60 frames (ENVIRONMENT.md).
      // `-nostats`: no progress line on stderr twice a second for Node to read and parse.
      .inputOptions(['-nostats', '-probesize', '32768', '-analyzeduration', '0'])
      .outputOptions(['-copyts', '-map', '0:v:0?', '-map', '0:a:0?', '-c:v', 'copy', ...audioArgs,
        // Hand every FLV tag to Node as soon as it is muxed, not when a 32 KiB AVIO buffer fills.
        '-flush_packets', '1', '-flvflags', 'no_duration_filesize', '-max_interleave_delta', '0'])
      .format('flv')
      .on('start', () => {
        const child = (this.#command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc ?? null;
        this.#child = child;
        // 'exit' can come before Node has read the last of stdout (the AAC FFmpeg writes at the end
        // of input): exited also waits for the FLV output to end, at most OUTPUT_DRAIN_MS.
        if (child) child.once('exit', afterOutput);
        else this.#markExited();
        if (this.#closeGraceMs !== null) this.#armKill(this.#closeGraceMs);
      })
      .on('stderr', (line: string) => options.onStderr?.(line))
      .on('error', (error: Error) => {
        // fluent-ffmpeg reports a failed exit without waiting for stdout to end: what FFmpeg wrote
        // last (the encoder's final AAC frames) may still be in the pipe, so wait for it here too.
        if (this.#child) afterOutput();
        else this.#markExited();
        if (this.#ended) { options.onStderr?.(`exit after end of input: ${firstLine(error.message)}`); options.onExit(null); return; }
        options.onExit(new RelayError('RELAY_FFMPEG_FAILED', `FFmpeg failed: ${firstLine(error.message)}`));
      })
      .on('end', () => { afterOutput(); options.onExit(null); });
    this.#command.pipe(output, { end: true });
  }

  /** Process id while running (for CPU accounting in the benchmark). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Writes Matroska bytes to FFmpeg's stdin; false when FFmpeg is not keeping up at all. */
  write(bytes: Uint8Array): boolean {
    if (this.#ended) return false;
    if (this.#input.writableLength > MAX_PENDING_INPUT_BYTES) return false;
    // Once FFmpeg runs and fluent-ffmpeg's pipe has passed on everything, write to its stdin
    // directly: order is kept, and a PassThrough hop less per write (16 % of the relay's Node CPU
    // samples when every Opus packet was written on its own).
    const stdin = this.#child?.stdin;
    if (stdin && this.#input.readableLength === 0 && this.#input.writableLength === 0) {
      if (stdin.writableLength > MAX_PENDING_INPUT_BYTES) return false;
      stdin.write(bytes);
      return true;
    }
    this.#input.write(bytes);
    return true;
  }

  /** End of input: FFmpeg flushes and exits by itself. */
  endInput(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#input.end();
  }

  /** Resolves once the FFmpeg process has exited. */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Bounded stop: end of input, then SIGTERM after `graceMs`, then SIGKILL after as long again. */
  async close(graceMs = 1500): Promise<void> {
    this.endInput();
    if (this.#closeGraceMs !== null) { await this.#exited; return; }
    this.#closeGraceMs = graceMs;
    if (this.#child) this.#armKill(graceMs);
    await this.#exited;
  }

  #armKill(graceMs: number): void {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs * 2);
    void this.#exited.then(() => { clearTimeout(term); clearTimeout(kill); });
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.slice(0, 300) ?? 'unknown error';
}

const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
