import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FlvSummary {
  readonly codecs: { readonly video: string | undefined; readonly audio: string | undefined };
  /** Container duration in seconds (ffprobe's format.duration). */
  readonly durationSeconds: number;
  readonly videoPackets: number;
  readonly audioPackets: number;
  /** Longest stretch between consecutive video packets (presentation time), seconds. */
  readonly longestVideoGapSeconds: number;
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
  const packets = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', path], { maxBuffer: 16 * 1024 * 1024 });
  const pts = packets.stdout.split('\n').filter((line) => line.trim() !== '').map(Number).sort((a, b) => a - b);
  let longestVideoGapSeconds = 0;
  for (let i = 1; i < pts.length; i++) longestVideoGapSeconds = Math.max(longestVideoGapSeconds, (pts[i] ?? 0) - (pts[i - 1] ?? 0));
  return {
    longestVideoGapSeconds,
    codecs: { video: stream('video')?.codec_name, audio: stream('audio')?.codec_name },
    durationSeconds: Number(json.format?.duration ?? 'NaN'),
    videoPackets: Number(stream('video')?.nb_read_packets ?? 0),
    audioPackets: Number(stream('audio')?.nb_read_packets ?? 0),
  };
}
