/**
 * A gzip bomb for receiver tests: 64 MiB of zeros compressed by streaming zlib (so building it never
 * holds the inflated data), repeated as 16 gzip members — RFC 1952 allows concatenated members and
 * gunzip reads them all — so about 1.6 MiB on the wire inflates to 1 GiB.
 */
import { createGzip } from 'node:zlib';

export async function gzipBomb(): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on('data', (c: Buffer) => parts.push(c));
  const zeros = Buffer.alloc(1 << 20);
  for (let i = 0; i < 64; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
  await new Promise<void>((r) => gz.end(r));
  const member = Buffer.concat(parts);
  return Buffer.concat(Array.from({ length: 16 }, () => member));
}
