import type { StreamTargetChunk } from 'mediabunny';

/** An OPFS file written at positions as the muxer produces bytes, so a crash keeps what was written. */
export interface OpfsTarget {
  readonly writable: WritableStream<StreamTargetChunk>;
  bytesWritten(): number;
  /** Closes the file and returns it (a File is a Blob). */
  finish(): Promise<File>;
  /** Closes and deletes the file. */
  discard(): Promise<void>;
}

/**
 * In a dedicated worker a FileSystemSyncAccessHandle writes synchronously at the given offset
 * (durable as soon as `write` returns); on the main thread, where sync handles don't exist, a
 * FileSystemWritableFileStream is used (committed on close).
 */
export async function createOpfsTarget(fileName: string): Promise<OpfsTarget> {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle(fileName, { create: true });
  let bytes = 0;
  const track = (chunk: StreamTargetChunk) => { bytes = Math.max(bytes, chunk.position + chunk.data.byteLength); };
  if ('createSyncAccessHandle' in handle && typeof WorkerGlobalScope !== 'undefined') {
    const access = await handle.createSyncAccessHandle();
    access.truncate(0);
    let open = true;
    const close = () => { if (open) { access.flush(); access.close(); open = false; } };
    return {
      writable: new WritableStream({ write(chunk) { access.write(chunk.data, { at: chunk.position }); track(chunk); } }),
      bytesWritten: () => bytes,
      finish: async () => { close(); return handle.getFile(); },
      discard: async () => { close(); await root.removeEntry(fileName); },
    };
  }
  const stream = await handle.createWritable({ keepExistingData: false });
  let open = true;
  const close = async () => { if (open) { open = false; await stream.close(); } };
  return {
    writable: new WritableStream({ async write(chunk) { await stream.write({ type: 'write', position: chunk.position, data: chunk.data }); track(chunk); } }),
    bytesWritten: () => bytes,
    finish: async () => { await close(); return handle.getFile(); },
    discard: async () => { await close(); await root.removeEntry(fileName); },
  };
}
