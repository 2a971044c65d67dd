import { PREFIX_BYTES } from './layout.ts';
import { decodeBody, messageCap, readPrefix, tooLarge } from './decode.ts';
import { wireError, type WireDecodeItem, type WireError } from './wire-error.ts';

export interface WireDecoderOptions {
  /** Cap on the length prefix value; default DEFAULT_MAX_MESSAGE_BYTES. */
  readonly maxMessageBytes?: number;
}

/*
 * Memory policy for a message spread over several chunks (a peer controls both the claimed length,
 * up to the cap, and how finely it splits its bytes):
 * - up to EAGER_ASSEMBLY_BYTES the exact message buffer is allocated at once and every byte is
 *   copied into it once (control messages, audio, most delta frames);
 * - a larger message is kept as views of the pushed chunks until half of it has arrived, then
 *   the exact buffer is allocated and each byte copied once. Pieces shorter than SMALL_PIECE_BYTES
 *   are kept as views only while the views average at least that size (so a message's short first
 *   piece is not copied twice); others are gathered into a STAGING_BYTES block, so a peer trickling
 *   single bytes cannot make us hold one object per byte (such bytes are copied twice or three
 *   times; bytes of realistic chunks once, as wire-decoder.test.ts counts).
 * So the decoder never holds more than about max(2 × received, EAGER_ASSEMBLY_BYTES), and never
 * more than the cap.
 */
const EAGER_ASSEMBLY_BYTES = 64 * 1024;
const SMALL_PIECE_BYTES = 512;
const STAGING_BYTES = 4096;

/**
 * Incremental decoder for a byte stream of wire messages (WebTransport stream, WebSocket
 * messages): accepts any chunk boundaries, yields whole messages or one terminal error.
 *
 * Aliasing rule: the decoder reads pushed chunks in place and never writes to them. A message that
 * lies wholly inside one chunk is decoded in place, so its byte fields (frame payload, track
 * description) are views into that chunk; the start of a message spread over several chunks is
 * held as views until the message is copied into a fresh buffer of its exact size. So a pushed
 * chunk must not be overwritten afterwards (e.g. a reused BYOB read buffer) — push a copy instead.
 * A message's byte fields stay valid as long as the caller keeps the message; nothing is reused.
 */
export class WireDecoder {
  #maxMessageBytes: number;
  /** Partial length prefix when it is split across chunks. */
  readonly #prefix = new Uint8Array(PREFIX_BYTES);
  #prefixFill = 0;
  /** Length of the message being assembled (type byte + body), or -1 while reading a prefix. */
  #bodyLength = -1;
  #pieces: Uint8Array[] = [];
  #received = 0;
  #assembly: Uint8Array | undefined;
  #staging: Uint8Array | undefined;
  #stagingFill = 0;
  #error: WireError | undefined;
  #closed = false;

  constructor(options?: WireDecoderOptions) {
    this.#maxMessageBytes = messageCap(options?.maxMessageBytes);
  }

  /** The current cap. Can be raised after authentication (e.g. small before `hello` is verified). */
  get maxMessageBytes(): number {
    return this.#maxMessageBytes;
  }

  set maxMessageBytes(value: number) {
    this.#maxMessageBytes = messageCap(value);
  }

  /** Bytes held for the incomplete message (for per-session memory accounting). */
  get bufferedBytes(): number {
    if (this.#assembly) return this.#prefixFill + this.#assembly.length;
    return this.#prefixFill + this.#received - this.#stagingFill + (this.#staging ? this.#staging.length : 0);
  }

  /** The terminal error, once one happened. */
  get error(): WireError | undefined {
    return this.#error;
  }

  /**
   * Consumes one chunk and returns the messages it completes, in order. If an error occurs it is
   * the last item, and the decoder stays failed: later pushes return nothing. Never throws.
   */
  push(chunk: Uint8Array): WireDecodeItem[] {
    const out: WireDecodeItem[] = [];
    if (this.#error !== undefined || this.#closed) return out;
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.#bodyLength < 0) {
        let length: number;
        if (this.#prefixFill === 0 && end - pos >= PREFIX_BYTES) {
          length = readPrefix(chunk, pos);
          pos += PREFIX_BYTES;
        } else {
          const take = Math.min(PREFIX_BYTES - this.#prefixFill, end - pos);
          this.#prefix.set(chunk.subarray(pos, pos + take), this.#prefixFill);
          this.#prefixFill += take;
          pos += take;
          if (this.#prefixFill < PREFIX_BYTES) break;
          this.#prefixFill = 0;
          length = readPrefix(this.#prefix, 0);
        }
        // Checked before anything of the claimed size is allocated or even waited for.
        if (length > this.#maxMessageBytes) return this.#fail(out, tooLarge(length, this.#maxMessageBytes));
        if (end - pos >= length) {
          // Whole message inside this chunk: decode in place, zero copies.
          if (!this.#emit(out, decodeBody(chunk, pos, pos + length))) return out;
          pos += length;
          continue;
        }
        this.#bodyLength = length;
        continue;
      }
      pos = this.#collect(chunk, pos, out);
      if (pos < 0) return out;
    }
    return out;
  }

  /**
   * Declares the end of the stream: returns WIRE_TRUNCATED if a message was cut off (and fails the
   * decoder), the earlier terminal error if any, otherwise undefined.
   */
  end(): WireError | undefined {
    if (this.#error === undefined && (this.#prefixFill > 0 || this.#bodyLength >= 0)) {
      this.#error = wireError('WIRE_TRUNCATED', `stream ended inside a message (${this.bufferedBytes} bytes buffered)`);
      this.#reset();
    }
    this.#closed = true;
    return this.#error;
  }

  /** Drops buffered bytes; later pushes return nothing. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#reset();
  }

  /** Adds bytes of a message that spans chunks; returns the new position in `chunk`, or -1 on error. */
  #collect(chunk: Uint8Array, pos: number, out: WireDecodeItem[]): number {
    const take = Math.min(this.#bodyLength - this.#received, chunk.length - pos);
    const piece = chunk.subarray(pos, pos + take);
    if (!this.#assembly && this.#bodyLength <= EAGER_ASSEMBLY_BYTES) this.#assembly = new Uint8Array(this.#bodyLength);
    if (this.#assembly) {
      this.#assembly.set(piece, this.#received);
    } else {
      this.#hold(piece);
    }
    this.#received += take;
    if (!this.#assembly && this.#received * 2 >= this.#bodyLength && !this.#assemble()) {
      this.#emit(out, { ok: false, error: tooLarge(this.#bodyLength, this.#maxMessageBytes) });
      return -1;
    }
    if (this.#received === this.#bodyLength && this.#assembly) {
      const body = this.#assembly;
      this.#reset();
      if (!this.#emit(out, decodeBody(body, 0, body.length))) return -1;
    }
    return pos + take;
  }

  /**
   * Keeps a view of a piece, or gathers it into the staging block if it is tiny. A tiny piece is
   * still kept as a view while the views held average at least SMALL_PIECE_BYTES (one allowed on
   * top): realistic chunks cut a message's first piece short, and copying it twice would break
   * "each byte copied once"; a trickling peer is staged from its second piece on.
   */
  #hold(piece: Uint8Array): void {
    const viewAffordable = this.#stagingFill === 0 && this.#pieces.length * SMALL_PIECE_BYTES <= this.#received;
    if (piece.length >= SMALL_PIECE_BYTES || viewAffordable) {
      this.#flushStaging();
      this.#pieces.push(piece);
      return;
    }
    if (this.#staging && this.#stagingFill + piece.length > this.#staging.length) this.#flushStaging();
    this.#staging ??= new Uint8Array(STAGING_BYTES);
    this.#staging.set(piece, this.#stagingFill);
    this.#stagingFill += piece.length;
  }

  /** Moves the staged bytes into the piece list: the block itself when full, else a copy of its used part. */
  #flushStaging(): void {
    if (!this.#staging || this.#stagingFill === 0) return;
    if (this.#stagingFill === this.#staging.length) {
      this.#pieces.push(this.#staging);
      this.#staging = undefined;
    } else {
      this.#pieces.push(this.#staging.slice(0, this.#stagingFill));
    }
    this.#stagingFill = 0;
  }

  /** Allocates the exact message buffer and copies the pieces held so far into it; false if out of memory. */
  #assemble(): boolean {
    this.#flushStaging();
    let assembly: Uint8Array;
    try {
      assembly = new Uint8Array(this.#bodyLength);
    } catch {
      // Only reachable with a cap configured beyond what this runtime can allocate.
      return false;
    }
    let offset = 0;
    for (const piece of this.#pieces) {
      assembly.set(piece, offset);
      offset += piece.length;
    }
    this.#pieces = [];
    this.#staging = undefined;
    this.#assembly = assembly;
    return true;
  }

  #emit(out: WireDecodeItem[], item: WireDecodeItem): boolean {
    out.push(item);
    if (item.ok) return true;
    this.#error = item.error;
    this.#reset();
    return false;
  }

  #fail(out: WireDecodeItem[], error: WireError): WireDecodeItem[] {
    this.#emit(out, { ok: false, error });
    return out;
  }

  #reset(): void {
    this.#prefixFill = 0;
    this.#bodyLength = -1;
    this.#pieces = [];
    this.#received = 0;
    this.#assembly = undefined;
    this.#staging = undefined;
    this.#stagingFill = 0;
  }
}
