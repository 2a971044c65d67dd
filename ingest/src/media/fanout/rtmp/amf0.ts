/**
 * AMF0 (Adobe "Action Message Format – AMF 0", 2006): the subset RTMP commands use
 * (§2.2 number, §2.3 boolean, §2.4 string, §2.5 object, §2.7 null, §2.8 undefined, §2.10 ECMA array,
 * §2.11 object end, §2.12 strict array, §2.14 long string).
 */
export type AmfValue = number | boolean | string | null | undefined | AmfObject | AmfValue[];
export interface AmfObject { readonly [key: string]: AmfValue }

const MARKER = { number: 0x00, boolean: 0x01, string: 0x02, object: 0x03, null: 0x05, undefined: 0x06, ecmaArray: 0x08, objectEnd: 0x09, strictArray: 0x0a, date: 0x0b, longString: 0x0c } as const;

function encodeKey(key: string): Buffer {
  const bytes = Buffer.from(key, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function encodeValue(value: AmfValue, parts: Buffer[]): void {
  if (typeof value === 'number') {
    const buffer = Buffer.alloc(9);
    buffer.writeUInt8(MARKER.number);
    buffer.writeDoubleBE(value, 1);
    parts.push(buffer);
  } else if (typeof value === 'boolean') {
    parts.push(Buffer.from([MARKER.boolean, value ? 1 : 0]));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length > 0xffff) {
      const header = Buffer.alloc(5);
      header.writeUInt8(MARKER.longString);
      header.writeUInt32BE(bytes.length, 1);
      parts.push(header, bytes);
    } else {
      parts.push(Buffer.from([MARKER.string]), encodeKey(value));
    }
  } else if (value === null) {
    parts.push(Buffer.from([MARKER.null]));
  } else if (value === undefined) {
    parts.push(Buffer.from([MARKER.undefined]));
  } else if (Array.isArray(value)) {
    const header = Buffer.alloc(5);
    header.writeUInt8(MARKER.strictArray);
    header.writeUInt32BE(value.length, 1);
    parts.push(header);
    for (const item of value) encodeValue(item, parts);
  } else {
    parts.push(Buffer.from([MARKER.object]));
    for (const [key, item] of Object.entries(value)) {
      parts.push(encodeKey(key));
      encodeValue(item, parts);
    }
    parts.push(Buffer.from([0x00, 0x00, MARKER.objectEnd]));
  }
}

/** Encodes values back to back (an RTMP command message body is a sequence of AMF0 values). */
export function encodeAmf0(...values: AmfValue[]): Buffer {
  const parts: Buffer[] = [];
  for (const value of values) encodeValue(value, parts);
  return Buffer.concat(parts);
}

class Amf0Reader {
  offset = 0;
  readonly buffer: Buffer;
  constructor(buffer: Buffer) { this.buffer = buffer; }

  #need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) throw new RangeError('AMF0: truncated value');
  }

  #string(lengthBytes: 2 | 4): string {
    this.#need(lengthBytes);
    const length = lengthBytes === 2 ? this.buffer.readUInt16BE(this.offset) : this.buffer.readUInt32BE(this.offset);
    this.offset += lengthBytes;
    this.#need(length);
    const text = this.buffer.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return text;
  }

  #properties(): AmfObject {
    const result: Record<string, AmfValue> = {};
    for (;;) {
      const key = this.#string(2);
      this.#need(1);
      if (key === '' && this.buffer[this.offset] === MARKER.objectEnd) { this.offset++; return result; }
      // An own property whatever the key: assigning `__proto__` from a peer would set the prototype instead.
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
    }
  }

  value(): AmfValue {
    this.#need(1);
    const marker = this.buffer.readUInt8(this.offset++);
    switch (marker) {
      case MARKER.number: { this.#need(8); const n = this.buffer.readDoubleBE(this.offset); this.offset += 8; return n; }
      case MARKER.boolean: { this.#need(1); return this.buffer.readUInt8(this.offset++) !== 0; }
      case MARKER.string: return this.#string(2);
      case MARKER.longString: return this.#string(4);
      case MARKER.object: return this.#properties();
      case MARKER.null: return null;
      case MARKER.undefined: return undefined;
      case MARKER.ecmaArray: { this.#need(4); this.offset += 4; return this.#properties(); }
      case MARKER.strictArray: {
        this.#need(4);
        const count = this.buffer.readUInt32BE(this.offset);
        this.offset += 4;
        const items: AmfValue[] = [];
        for (let i = 0; i < count; i++) items.push(this.value());
        return items;
      }
      case MARKER.date: { this.#need(10); const n = this.buffer.readDoubleBE(this.offset); this.offset += 10; return n; }
      default: throw new RangeError(`AMF0: unsupported marker 0x${marker.toString(16)}`);
    }
  }
}

/** Decodes every value in `buffer`; throws RangeError on truncated or unknown data. */
export function decodeAmf0(buffer: Buffer): AmfValue[] {
  const reader = new Amf0Reader(buffer);
  const values: AmfValue[] = [];
  while (reader.offset < buffer.length) values.push(reader.value());
  return values;
}
