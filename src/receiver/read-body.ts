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
import { webBodySource, type BodySource } from './body-source.js';
import { badEncodingMessage, decompressor, emptyBodyMessage } from './decompress.js';

export type ReadBodyResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'too_large' }
  /** The receiver-wide in-flight budget had no room for this body: the client should retry later. */
  | { ok: false; reason: 'busy' }
  | { ok: false; reason: 'bad_encoding'; message: string }
  | { ok: false; reason: 'aborted' };

export async function readBody(
  body: ReadableStream<Uint8Array> | BodySource | null,
  coding: ContentCoding,
  limit: number,
  /** Called with each decompressed chunk's size before it is kept; false stops reading ('busy'). */
  take: (bytes: number) => boolean = () => true,
): Promise<ReadBodyResult> {
  if (body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = body instanceof ReadableStream ? webBodySource(body) : body;
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
    const first = await reader.next();
    if (first === undefined) {
      if (coding === 'identity') return { ok: true, bytes: new Uint8Array(0) };
      return { ok: false, reason: 'bad_encoding', message: emptyBodyMessage(coding) };
    }
    const keep = (chunk: Uint8Array): void => {
      total += chunk.byteLength;
      if (total > limit) throw overLimit();
      if (!take(chunk.byteLength)) throw noRoom();
      chunks.push(chunk);
    };
    if (coding === 'identity') {
      // The raw bytes are the body: a plain loop, no stream machinery per request.
      for (let chunk: Uint8Array | undefined = first; chunk !== undefined; chunk = await reader.next()) keep(chunk);
    } else {
      let raw = 0;
      async function* source(): AsyncGenerator<Uint8Array> {
        for (let chunk: Uint8Array | undefined = first; chunk !== undefined; chunk = await reader.next()) {
          raw += chunk.byteLength;
          if (raw > limit) throw overLimit();
          yield chunk;
        }
      }
      const sink = async (stream: AsyncIterable<Uint8Array>): Promise<void> => {
        for await (const chunk of stream) keep(chunk);
      };
      await pipeline(Readable.from(source(), { objectMode: false }), decompressor(coding, first), sink);
    }
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
    if (refused) reader.discardRest();
    else reader.cancel();
  }
  return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
}
