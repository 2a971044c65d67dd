import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FlvSummary {
  readonly codecs: { readonly video: string | undefined; readonly audio: string | undefined };
  /** Container duration in seconds (ffprobe's format.duration). */
  readonly durationSeconds: number;
  readonly videoPackets: number;
  readonly audioPackets: number;
}

/** ffprobe as the independent reader of what a receiver got: codecs, duration, packet counts. */
export async function summarizeFlv(path: string): Promise<FlvSummary> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-count_packets', '-show_entries',
    'format=duration:stream=codec_type,codec_name,nb_read_packets', '-of', 'json', path]);
  const json = JSON.parse(stdout) as {
    format?: { duration?: string };
    streams?: { codec_type?: string; codec_name?: string; nb_read_packets?: string }[];
  };
  const stream = (type: string) => json.streams?.find((s) => s.codec_type === type);
  return {
    codecs: { video: stream('video')?.codec_name, audio: stream('audio')?.codec_name },
    durationSeconds: Number(json.format?.duration ?? 'NaN'),
    videoPackets: Number(stream('video')?.nb_read_packets ?? 0),
    audioPackets: Number(stream('audio')?.nb_read_packets ?? 0),
  };
}
