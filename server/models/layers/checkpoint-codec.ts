/**
 * The byte container of both network families' checkpoints (tfjs-mlp/checkpoint.ts, nas/checkpoint.ts); each family
 * keeps its own magic, header fields, sections and checks.
 *
 * Binary layout, little-endian (the byte order of every platform Node runs on, so typed arrays are copied as is):
 *   magic (4 ASCII bytes) | u32 header length | header: UTF-8 JSON, space-padded to a multiple of 8 | the arrays, in
 *   sections order, each padded to a multiple of 8 bytes. The header ends with `lengths`: each array's element count.
 */

export type Kind = "f32" | "f64" | "u32";
export type Sections = readonly (readonly [string, Kind])[];
export type Arrays<S extends Sections> = Record<S[number][0], Float32Array | Float64Array | Uint32Array>;

const padded = (n: number) => Math.ceil(n / 8) * 8;

/** The container of `header` (with `lengths` added) and the arrays, in sections order. */
export function encodeContainer<S extends Sections>(magic: string, header: object, sections: S, arrays: Arrays<S>): Uint8Array {
  const list = sections.map(([name]: S[number]) => arrays[name as S[number][0]]);
  const json = new TextEncoder().encode(JSON.stringify({ ...header, lengths: list.map((a) => a.length) }));
  const headerBytes = padded(json.length);
  let size = 8 + headerBytes;
  for (const a of list) size += padded(a.byteLength);
  const out = new Uint8Array(size);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(4, headerBytes, true);
  out.fill(0x20, 8, 8 + headerBytes);
  out.set(json, 8);
  let offset = 8 + headerBytes;
  for (const a of list) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += padded(a.byteLength);
  }
  return out;
}

/** The parsed, unchecked header JSON and its byte length; errors read `${who}: ${notOurs}` where the magic differs. */
export function readHeader(bytes: Uint8Array, magic: string, who: string, notOurs: string): { json: unknown; headerBytes: number } {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw new Error(`${who}: ${notOurs}`);
  const headerBytes = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  try {
    return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerBytes))), headerBytes };
  } catch {
    throw new Error(`${who}: checkpoint header is unreadable`);
  }
}

/** The arrays after a header of headerBytes, with the header's element counts; copies, never views of `bytes`. */
export function readSections<S extends Sections>(bytes: Uint8Array, headerBytes: number, sections: S, lengths: readonly number[], who: string): Arrays<S> {
  const arrays = {} as Arrays<S>;
  let offset = 8 + headerBytes;
  sections.forEach(([name, kind]: S[number], i) => {
    const Type = kind === "f32" ? Float32Array : kind === "f64" ? Float64Array : Uint32Array;
    const byteLength = lengths[i] * Type.BYTES_PER_ELEMENT;
    if (!(offset + byteLength <= bytes.length)) throw new Error(`${who}: checkpoint is truncated`);
    // a copy: the input may sit at any offset of its buffer (a Node Buffer's slice is a view into a shared pool), and
    // the state must not alias the caller's bytes
    arrays[name as S[number][0]] = new Type(new Uint8Array(bytes.subarray(offset, offset + byteLength)).buffer);
    offset += padded(byteLength);
  });
  return arrays;
}
