/**
 * Reads a request body under a byte limit that holds AFTER decompression.
 *
 * The raw body is streamed through a node:zlib decompressor and every output chunk is counted; the
 * moment the total passes the limit the pipeline is torn down, so a gzip bomb (1 GiB of zeros is
 * ~1 MiB compressed) never inflates past `limit` bytes in memory. The raw (compressed) bytes are
 * held to the same limit. Nothing throws out of here: the result says what went wrong.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContentCoding } from './content-type.js';
import { badEncodingMessage, decompressor, emptyBodyMessage } from './decompress.js';

export type ReadBodyResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too_large' }
  /** The receiver-wide in-flight budget had no room for this body: the client should retry later. */
  | { ok: false; reason: 'busy' }
  | { ok: false; reason: 'bad_encoding'; message: string }
  | { ok: false; reason: 'aborted' };


/**
 * How much of a refused body is still read and thrown away before the connection is cut. A client
 * still writing when the 413 or 503 goes out would otherwise meet a reset (EPIPE, ECONNRESET) instead
 * of the answer, because cancelling the stream destroys the socket. This is the lingering close HTTP
 * servers do (RFC 9112 §9.6); the read timeout bounds its time, this its bytes.
 */
export const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** Reads and drops what remains of a refused body, up to DISCARD_LIMIT_BYTES, then cancels. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let dropped = 0;
  try {
    while (dropped <= DISCARD_LIMIT_BYTES) {
      const next = await reader.read();
      if (next.done) return;
      dropped += next.value.byteLength;
    }
  } catch {
    // the client went away: nothing left to drain
  }
  await reader.cancel().catch(() => {});
}

export async function readBody(
  body: ReadableStream<Uint8Array> | null,
  coding: ContentCoding,
  limit: number,
  /** Called with each decompressed chunk's size before it is kept; false stops reading ('busy'). */
  take: (bytes: number) => boolean = () => true,
): Promise<ReadBodyResult> {
  if (body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Set before tearing the pipeline down: stream teardown may surface as a different error (an
  // AbortError from the destroyed source), so the flag, not the error, says why we stopped.
  let exceeded = false;
  let busy = false;
  let refused = false;
  const overLimit = (): Error => {
    exceeded = true;
    return new RangeError('body over limit');
  };
  const noRoom = (): Error => {
    busy = true;
    return new RangeError('no room in the in-flight budget');
  };
  try {
    const first = await reader.read();
    if (first.done) {
      if (coding === 'identity') return { ok: true, bytes: new Uint8Array(0) };
      return { ok: false, reason: 'bad_encoding', message: emptyBodyMessage(coding) };
    }
    let raw = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      let chunk: Uint8Array | undefined = first.value;
      while (chunk !== undefined) {
        raw += chunk.byteLength;
        if (raw > limit) throw overLimit();
        yield chunk;
        const next = await reader.read();
        chunk = next.done ? undefined : next.value;
      }
    }
    const sink = async (stream: AsyncIterable<Uint8Array>): Promise<void> => {
      for await (const chunk of stream) {
        total += chunk.byteLength;
        if (total > limit) throw overLimit();
        if (!take(chunk.byteLength)) throw noRoom();
        chunks.push(chunk);
      }
    };
    if (coding === 'identity') await sink(source());
    else await pipeline(Readable.from(source(), { objectMode: false }), decompressor(coding, first.value), sink);
  } catch (err) {
    refused = exceeded || busy;
    if (exceeded) return { ok: false, reason: 'too_large' };
    if (busy) return { ok: false, reason: 'busy' };
    const code = (err as NodeJS.ErrnoException).code;
    if (coding !== 'identity' && typeof code === 'string' && code.startsWith('Z_')) {
      return { ok: false, reason: 'bad_encoding', message: badEncodingMessage(coding, err as Error) };
    }
    return { ok: false, reason: 'aborted' };
  } finally {
    // A refused body is drained in the background so its answer reaches the client; otherwise stop
    // reading the client's stream (a no-op when it was read to the end).
    if (refused) void discardRest(reader);
    else reader.cancel().catch(() => {});
  }
  return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
}
