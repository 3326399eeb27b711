/**
 * Reading a YAML file that someone else controls (a policy, its `extends:` base, the gateway config):
 * only a regular file, only up to a size limit, never blocking on a FIFO or a device.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type ReadText = { ok: true; text: string } | { ok: false; code: 'not_found' | 'unreadable'; message: string };

/**
 * The text of `file`, or why it cannot be read; `names` word the messages ("cannot read policy: …",
 * "policy file is larger than … (a policy limit)"). Opened without blocking (a FIFO with no writer would otherwise hang the open), then checked
 * on the open descriptor: a regular file of at most `limit` bytes. Reading stops at limit + 1 bytes,
 * so a file that grows while it is read is refused too.
 */
export interface ReadNames {
  /** What the file is, after "cannot read": `policy`, `config file`. */
  what: string;
  /** Whose limit the size is: `a policy limit`. */
  limit: string;
}

export function readBoundedText(file: string, limit: number, names: ReadNames): ReadText {
  const what = names.what;
  const tooLarge = (): ReadText => ({ ok: false, code: 'unreadable', message: `${what}${what.endsWith('file') ? '' : ' file'} is larger than ${limit} bytes (${names.limit})` });
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, code: code === 'ENOENT' ? 'not_found' : 'unreadable', message: `cannot read ${what}: ${code ?? (e as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, code: 'unreadable', message: `cannot read ${what}: not a regular file (a device, FIFO, socket or folder)` };
    if (st.size > limit) return tooLarge();
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n > limit) return tooLarge();
    }
    return { ok: true, text: buf.toString('utf8', 0, n) };
  } catch (e) {
    return { ok: false, code: 'unreadable', message: `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  } finally {
    closeSync(fd);
  }
}
