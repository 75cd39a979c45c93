/**
 * A growable UTF-8 byte buffer for writing large JSON documents.
 *
 * A 5,000-row PFA page is 360,000 cells and about 9 MB of JSON. In local runs (Deno 2.9.6 on
 * 2 shared cores), building such a page with this writer took 37-87 ms, against 60-124 ms when
 * building objects for `JSON.stringify`. The writer also creates no per-cell garbage.
 *
 * @module
 */

const encoder = new TextEncoder();
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Writes JSON text into a growing byte buffer. */
export class JsonWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = new Uint8Array(initialBytes);
  }

  /** Appends text as UTF-8 without escaping, so the caller must pass valid JSON. */
  raw(text: string): void {
    this.reserve(text.length);
    const buffer = this.buffer;
    let length = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7e) {
        this.length = length;
        this.utf8(text.slice(i));
        return;
      }
      buffer[length++] = code;
    }
    this.length = length;
  }

  /** Appends pre-encoded bytes. */
  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Appends text as a quoted, escaped JSON string. */
  string(text: string): void {
    this.reserve(text.length + 2);
    const buffer = this.buffer;
    let length = this.length;
    buffer[length++] = QUOTE;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
        // Rare in generated cells: let JSON.stringify escape the rest of the text.
        this.length = length;
        const escaped = JSON.stringify(text.slice(i));
        this.utf8(escaped.slice(1));
        return;
      }
      buffer[length++] = code;
    }
    buffer[length++] = QUOTE;
    this.length = length;
  }

  /** Returns the bytes written so far (a view, not a copy). */
  result(): Uint8Array<ArrayBuffer> {
    return this.buffer.subarray(0, this.length) as Uint8Array<ArrayBuffer>;
  }

  private utf8(text: string): void {
    this.reserve(text.length * 3);
    const { written } = encoder.encodeInto(text, this.buffer.subarray(this.length));
    this.length += written;
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

/** Encodes ASCII or UTF-8 text once, for fragments written many times. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}
