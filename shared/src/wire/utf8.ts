/**
 * Strict UTF-8 (RFC 3629) for wire strings, with Uint8Array/TextEncoder only (browser and Node).
 * Strict both ways so that round trips are byte-exact: the decoder rejects malformed input instead
 * of substituting U+FFFD and keeps a leading BOM; the encoder rejects lone surrogates, which
 * TextEncoder would silently replace.
 */

// Declared here (module scope) because shared/ compiles against the ES lib only, without DOM or
// Node types; both runtimes provide these globals.
declare const TextEncoder: new () => { encode(input: string): Uint8Array };
declare const TextDecoder: new (
  label: string,
  options: { fatal: boolean; ignoreBOM: boolean },
) => { decode(input: Uint8Array): string };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** UTF-8 bytes of `value`, or undefined if it holds a lone surrogate (not encodable exactly). */
export const encodeUtf8 = (value: string): Uint8Array | undefined =>
  LONE_SURROGATE.test(value) ? undefined : encoder.encode(value);

/** The string, or undefined if `bytes` is not well-formed UTF-8. */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  if (bytes.length === 0) return '';
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
};
