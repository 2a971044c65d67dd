/**
 * Reads a media file once before handing it to the engine, reporting progress: unreadable files
 * (moved, revoked, cloud placeholders) fail here with a clear message instead of inside a worker,
 * and large files on slow disks show progress. Chunks are not kept; the engine gets the File itself.
 */
export async function readWithProgress(file: Blob, onProgress: (fraction: number) => void): Promise<void> {
  const total = file.size;
  if (total === 0) throw new Error('The file is empty.');
  const reader = file.stream().getReader();
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      read += value.byteLength;
      onProgress(Math.min(1, read / total));
    }
  } finally {
    reader.releaseLock();
  }
  onProgress(1);
}
