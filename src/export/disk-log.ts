/**
 * The persistent queue's log: one folder per exporter, holding numbered segment files of records
 * (disk-record.ts) and, beside each, an append-only file of acknowledgements.
 *
 *   <storage>/<exporter>/LOCK                  the pid of the gateway using the folder
 *   <storage>/<exporter>/0000000001.seg        records, appended
 *   <storage>/<exporter>/0000000001.ack        'dispatched' and 'done' marks for records of that segment
 *
 * Writing: appends from concurrent requests are grouped. While one group is being written, new appends
 * wait and then go together as the next group, written the moment the previous one is durable (group
 * commit), so the cost of a sync is shared by every request that arrived during the previous one. With
 * fsync the segment is opened O_DSYNC: each group is ONE positioned writev that returns once the data
 * is on disk, the same guarantee as write + fdatasync in one trip through libuv's thread pool instead
 * of two. What a group waits for is mostly not the disk but the event loop, busy with the policy of
 * other requests, getting round to each completion: one trip fewer is a turn fewer. Groups never
 * overlap: two syncs in flight on one file may see a write-back error reported to only one of them
 * (errseq, once per open file), and a group answered 200 on the other would be a lie. An append resolves
 * only once its bytes are synced (or, with fsync off, written to the OS). A failed write (ENOSPC, EIO)
 * rejects the whole group, cuts the segment back to its last good length and starts a new segment on
 * the next append.
 *
 * Acknowledging: marks are appended without fsync. They survive a crash of the process (the OS has them);
 * a machine crash may lose the last ones, and then records already delivered are delivered again. That is
 * the at-least-once side of the trade, and a replayed record that had been dispatched is counted as a
 * possible duplicate.
 *
 * Deleting: a segment that is no longer appended to and whose every record is done is removed with its
 * ack file: the segment first, so a crash in between leaves an ack file without its segment (harmless:
 * nothing to replay) rather than a segment without its marks (every record replayed). Disk usage is the
 * sum of live segment and ack files; the queue bounds it with max_bytes.
 *
 * Numbering: a segment number is never used again while any file of it is left. Marks name records by
 * offset only, so an ack file left over from a deleted segment would otherwise mark the records at the
 * same offsets of a new segment with that number as done, and a crash would then lose them (the first
 * record of every segment sits at offset 0). On open, the next number follows the highest .seg OR .ack
 * file, and ack files without their segment are removed.
 *
 * Recovering: on open, every segment is read and checked record by record. A checksum or framing error
 * starts a scan for the next valid record, so one bad region never takes the good records after it
 * down; it is counted (once: a mark in the ack file remembers it) and skipped. A torn tail (the file ends
 * inside a record: the crash cut a write short) is counted and cut off. Records without a 'done' mark are
 * returned in order for replay. The gateway never appends to a segment from an earlier run.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint } from './crash-point.js';
import { AckKind, decodeAcks, decodeRecordAt, encodeAck, nextValidRecord, type RecordAt } from './disk-record.js';
import type { ExportRequest } from './types.js';

export interface RecordLocation {
  segment: number;
  offset: number;
  /** Bytes of the record, header included. */
  size: number;
}

export interface DiskLogOptions {
  /** fdatasync before an append resolves. */
  fsync: boolean;
  /** A segment is closed for appends once it holds this many bytes. */
  segmentBytes: number;
  /** Called with each group's durable write duration (write and sync, as the event loop sees it), for the latency histogram. */
  onFsync?: (seconds: number) => void;
}

export interface RecoveredRecord {
  location: RecordLocation;
  /** The record as stored, its body dropped (read again when it is sent). */
  request: ExportRequest;
  /** It had been handed to the exporter before the restart: the downstream may already have it. */
  dispatched: boolean;
}

export interface RecoveryReport {
  records: RecoveredRecord[];
  /** Regions of bad bytes skipped (each may have held one or more records). */
  corrupt: number;
  /** Segments that ended inside a record, cut back to their last whole record. */
  torn: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  readonly ackPath: string;
  /** Open for reading (and, for the active segment, appending). */
  handle: FileHandle | undefined;
  ack: FileHandle | undefined;
  /** Bytes of whole records. */
  size: number;
  ackSize: number;
  records: number;
  done: number;
  /** No more appends: deleted once every record is done. */
  sealed: boolean;
  /** Ack writes in order; deletion waits for them. */
  ackChain: Promise<void>;
  deleted: boolean;
}

interface PendingAppend {
  records: readonly Buffer[];
  resolve: (locations: RecordLocation[]) => void;
  reject: (err: Error) => void;
}

const SEGMENT_SUFFIX = '.seg';
const ACK_SUFFIX = '.ack';
/** A new segment: read and write, created here (never an old file reused). */
const CREATE = constants.O_RDWR | constants.O_CREAT | constants.O_EXCL;
/** … and every write returns only once its data is durable (as fdatasync: metadata only as needed to read it). */
const CREATE_DSYNC = CREATE | constants.O_DSYNC;
/** Linux IOV_MAX: writev takes at most this many buffers per call. */
const MAX_IOV = 1024;
/** Offsets are u32 in ack entries. */
const MAX_SEGMENT_OFFSET = 0xffff_ffff;

export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export class DiskLog {
  private readonly segments = new Map<number, Segment>();
  private active: Segment | undefined;
  private nextSeq: number;
  private pending: PendingAppend[] = [];
  /** The flush loop running, if any; set and cleared synchronously around its last pending check. */
  private flushing: Promise<void> | undefined;
  private bytes = 0;
  private closed = false;
  private readonly unwrittenMarks = new Map<Segment, Buffer[]>();
  private readonly deleting = new Set<Promise<void>>();
  private marksScheduled = false;

  private constructor(
    readonly dir: string,
    private readonly options: DiskLogOptions,
    private readonly lock: FileHandle,
    firstSeq: number,
  ) {
    this.nextSeq = firstSeq;
  }

  /**
   * Opens (creating) the folder, takes its lock and recovers what a previous run left. Throws a
   * StorageError with a message for the operator when the folder is unusable or locked by a live process.
   */
  static async open(dir: string, options: DiskLogOptions): Promise<{ log: DiskLog; recovered: RecoveryReport }> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new StorageError(`cannot create the queue folder ${dir} (${codeOf(err)})`, codeOf(err));
    }
    const lock = await takeLock(dir);
    try {
      const files = await readdir(dir);
      const numbered = (suffix: string): number[] =>
        files
          .filter((f) => f.length === 10 + suffix.length && f.endsWith(suffix) && /^\d{10}$/.test(f.slice(0, 10)))
          .map((f) => Number(f.slice(0, 10)))
          .sort((a, b) => a - b);
      const seqs = numbered(SEGMENT_SUFFIX);
      const acks = numbered(ACK_SUFFIX);
      const log = new DiskLog(dir, options, lock, Math.max(seqs.at(-1) ?? 0, acks.at(-1) ?? 0) + 1);
      const live = new Set(seqs);
      // Left by a crash between a deleted segment's two unlinks; its number is not reused (above) either.
      for (const seq of acks) if (!live.has(seq)) await rm(filesOf(dir, seq).ackPath, { force: true });
      const recovered = await log.recover(seqs);
      return { log, recovered };
    } catch (err) {
      await lock.close().catch(() => {});
      if (err instanceof StorageError) throw err;
      throw new StorageError(`cannot read the queue folder ${dir} (${codeOf(err)})`, codeOf(err));
    }
  }

  /** Bytes on disk: live segments and their ack files. */
  get diskBytes(): number {
    return this.bytes;
  }

  /**
   * Appends records (each from encodeRecord); resolves with their locations once they are durable as
   * configured. Rejects with a StorageError when the write or sync failed: then none of them counts.
   */
  append(records: readonly Buffer[]): Promise<RecordLocation[]> {
    if (this.closed) return Promise.reject(new StorageError('the queue log is closed', 'ECLOSED'));
    return new Promise((resolve, reject) => {
      this.pending.push({ records, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Reads one record back, checking it again: a disk can rot between write and read. */
  async read(location: RecordLocation): Promise<RecordAt> {
    const seg = this.segments.get(location.segment);
    if (seg === undefined || seg.deleted) return { ok: false, reason: 'corrupt' };
    try {
      seg.handle ??= await open(seg.path, 'r');
      const buf = Buffer.allocUnsafe(location.size);
      let got = 0;
      while (got < location.size) {
        const { bytesRead } = await seg.handle.read(buf, got, location.size - got, location.offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (got < location.size) return { ok: false, reason: 'torn' };
      return decodeRecordAt(buf, 0);
    } catch {
      return { ok: false, reason: 'corrupt' };
    }
  }

  /**
   * Marks records as handed to the exporter; resolves once the mark is written (not synced: it must
   * survive a kill of the process, and does, since the OS has it). Awaited before sending, so that a
   * replay of anything the downstream may already hold is always counted as a possible duplicate.
   */
  markDispatched(locations: readonly RecordLocation[]): Promise<void> {
    this.mark(locations, AckKind.dispatched);
    const segs = new Set(locations.map((l) => this.segments.get(l.segment)).filter((s): s is Segment => s !== undefined));
    for (const seg of segs) this.writeMarksOf(seg);
    return Promise.all([...segs].map((s) => s.ackChain)).then(() => undefined);
  }

  /** Marks records as finished (delivered, counted failed, or cancelled); deletes segments all done. */
  release(locations: readonly RecordLocation[]): void {
    this.mark(locations, AckKind.done);
    for (const l of locations) {
      const seg = this.segments.get(l.segment);
      if (seg === undefined) continue;
      seg.done++;
      this.maybeDelete(seg);
    }
  }

  /** Waits for writes and marks in progress, then closes every file and the lock. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flushing;
    this.writeMarks();
    await Promise.all(this.deleting);
    for (const seg of this.segments.values()) {
      await seg.ackChain;
      await seg.handle?.close().catch(() => {});
      await seg.ack?.close().catch(() => {});
    }
    await this.lock.close().catch(() => {});
    await rm(join(this.dir, 'LOCK'), { force: true }).catch(() => {});
  }

  private async flush(): Promise<void> {
    await Promise.resolve(); // let appends of the same tick join the first group
    for (;;) {
      if (this.pending.length === 0) {
        // No await between this check and the reset: the next append starts a new loop.
        this.flushing = undefined;
        return;
      }
      const group = this.pending;
      this.pending = [];
      const records = group.flatMap((g) => g.records);
      const total = records.reduce((n, r) => n + r.byteLength, 0);
      let seg: Segment | undefined;
      try {
        seg = await this.activeFor(total);
        const base = seg.size;
        const start = process.hrtime.bigint();
        await writeAll(seg.handle!, records, base); // O_DSYNC with fsync: durable when it returns
        if (this.options.fsync) this.options.onFsync?.(Number(process.hrtime.bigint() - start) / 1e9);
        let at = base;
        const locations = records.map((r) => {
          const loc = { segment: seg!.seq, offset: at, size: r.byteLength };
          at += r.byteLength;
          return loc;
        });
        seg.size += total;
        seg.records += records.length;
        this.bytes += total;
        let i = 0;
        for (const g of group) {
          g.resolve(locations.slice(i, i + g.records.length));
          i += g.records.length;
        }
        if (seg.size >= this.options.segmentBytes) this.seal(seg);
      } catch (err) {
        const error = err instanceof StorageError ? err : new StorageError(`queue write failed (${codeOf(err)})`, codeOf(err));
        for (const g of group) g.reject(error);
        if (seg) {
          // Cut back what the failed write may have left, and start a new segment next time.
          await seg.handle?.truncate(seg.size).catch(() => {});
          this.seal(seg);
        }
      }
    }
  }

  /** The segment to append `bytes` to: the active one while it has room, else a new one. */
  private async activeFor(bytes: number): Promise<Segment> {
    const current = this.active;
    if (current && !current.sealed && current.size + bytes <= MAX_SEGMENT_OFFSET) return current;
    if (current) this.seal(current);
    const seq = this.nextSeq++;
    const seg = this.segmentOf(seq);
    seg.handle = await open(seg.path, this.options.fsync ? CREATE_DSYNC : CREATE);
    this.segments.set(seq, seg);
    this.active = seg;
    // A new file's name is durable only once its folder is synced.
    if (this.options.fsync) await syncDir(this.dir);
    return seg;
  }

  private seal(seg: Segment): void {
    seg.sealed = true;
    if (this.active === seg) this.active = undefined;
    this.maybeDelete(seg);
  }

  private maybeDelete(seg: Segment): void {
    if (!seg.sealed || seg.deleted || seg.done < seg.records) return;
    seg.deleted = true;
    this.segments.delete(seg.seq);
    this.bytes -= seg.size + seg.ackSize;
    // Its marks first (a crash before the unlink then still knows every record is done), then the files.
    this.writeMarksOf(seg);
    seg.ackChain = seg.ackChain.then(async () => {
      await seg.handle?.close().catch(() => {});
      await seg.ack?.close().catch(() => {});
      await rm(seg.path, { force: true }).catch(() => {});
      crashPoint('segment-unlinked');
      await rm(seg.ackPath, { force: true }).catch(() => {});
    });
    const deleting = seg.ackChain;
    this.deleting.add(deleting);
    void deleting.finally(() => this.deleting.delete(deleting));
  }

  /**
   * Queues marks and writes them once per event-loop turn, one write per segment: a merged batch of many
   * records, or many consumers finishing at once, costs one small append instead of one each.
   */
  private mark(locations: readonly RecordLocation[], kind: AckKind): void {
    for (const l of locations) {
      const seg = this.segments.get(l.segment);
      if (seg === undefined || seg.deleted) continue;
      const entry = encodeAck(l.offset, kind);
      seg.ackSize += entry.byteLength;
      this.bytes += entry.byteLength;
      let list = this.unwrittenMarks.get(seg);
      if (!list) this.unwrittenMarks.set(seg, (list = []));
      list.push(entry);
    }
    if (this.unwrittenMarks.size > 0 && !this.marksScheduled) {
      this.marksScheduled = true;
      setImmediate(() => this.writeMarks());
    }
  }

  private writeMarks(): void {
    this.marksScheduled = false;
    for (const seg of [...this.unwrittenMarks.keys()]) this.writeMarksOf(seg);
  }

  private writeMarksOf(seg: Segment): void {
    const entries = this.unwrittenMarks.get(seg);
    if (entries === undefined) return;
    this.unwrittenMarks.delete(seg);
    {
      const bytes = Buffer.concat(entries);
      seg.ackChain = seg.ackChain.then(async () => {
        try {
          seg.ack ??= await open(seg.ackPath, 'a');
          await seg.ack.write(bytes);
        } catch {
          // A lost mark only means a replay sends that record again (at-least-once); never fatal.
        }
      });
    }
  }

  private segmentOf(seq: number): Segment {
    return {
      seq,
      ...filesOf(this.dir, seq),
      handle: undefined,
      ack: undefined,
      size: 0,
      ackSize: 0,
      records: 0,
      done: 0,
      sealed: false,
      ackChain: Promise.resolve(),
      deleted: false,
    };
  }

  private async recover(seqs: readonly number[]): Promise<RecoveryReport> {
    const report: RecoveryReport = { records: [], corrupt: 0, torn: 0 };
    for (const seq of seqs) {
      const seg = this.segmentOf(seq);
      seg.sealed = true;
      const buf = await readFile(seg.path);
      const acks = await readFile(seg.ackPath).catch(() => Buffer.alloc(0));
      const done = new Set<number>();
      const dispatched = new Set<number>();
      const knownCorrupt = new Set<number>();
      for (const a of decodeAcks(acks)) {
        if (a.kind === AckKind.done) done.add(a.offset);
        else if (a.kind === AckKind.dispatched) dispatched.add(a.offset);
        else knownCorrupt.add(a.offset);
      }
      const newlyCorrupt: number[] = [];
      let at = 0;
      let end = buf.byteLength;
      while (at < end) {
        const r = decodeRecordAt(buf, at);
        if (r.ok) {
          seg.records++;
          if (done.has(at)) seg.done++;
          else {
            const { body: _body, ...meta } = r.request;
            report.records.push({
              location: { segment: seq, offset: at, size: r.size },
              request: { ...meta, body: EMPTY },
              dispatched: dispatched.has(at),
            });
          }
          at += r.size;
          continue;
        }
        const next = nextValidRecord(buf, at + 1);
        if (next === -1) {
          // Nothing valid follows: the tail is cut off (a torn write, or garbage after the last record).
          if (r.reason === 'torn') report.torn++;
          else if (!knownCorrupt.has(at)) report.corrupt++;
          end = at;
          break;
        }
        if (!knownCorrupt.has(at)) {
          report.corrupt++;
          newlyCorrupt.push(at);
        }
        at = next;
      }
      if (end < buf.byteLength) {
        const h = await open(seg.path, 'r+');
        try {
          await h.truncate(end);
          await h.datasync();
        } finally {
          await h.close();
        }
      }
      seg.size = end;
      seg.ackSize = acks.byteLength;
      this.bytes += seg.size + seg.ackSize;
      this.segments.set(seq, seg);
      if (newlyCorrupt.length > 0) this.mark(newlyCorrupt.map((o) => ({ segment: seq, offset: o, size: 0 })), AckKind.corrupt);
      this.maybeDelete(seg);
    }
    return report;
  }
}

const EMPTY = new Uint8Array(0);

/** A segment's two files: `<dir>/0000000042.seg` and `<dir>/0000000042.ack`. */
function filesOf(dir: string, seq: number): { path: string; ackPath: string } {
  const name = String(seq).padStart(10, '0');
  return { path: join(dir, name + SEGMENT_SUFFIX), ackPath: join(dir, name + ACK_SUFFIX) };
}

async function writeAll(handle: FileHandle, buffers: readonly Buffer[], position: number): Promise<void> {
  let at = position;
  for (let i = 0; i < buffers.length; i += MAX_IOV) {
    let chunk = buffers.slice(i, i + MAX_IOV);
    let want = chunk.reduce((n, b) => n + b.byteLength, 0);
    while (want > 0) {
      const { bytesWritten } = await handle.writev(chunk, at);
      at += bytesWritten;
      want -= bytesWritten;
      if (want === 0) break;
      if (bytesWritten === 0) throw new StorageError('queue write made no progress', 'EIO');
      chunk = dropBytes(chunk, bytesWritten);
    }
  }
}

/** The buffers after the first `n` bytes (a short writev). */
function dropBytes(buffers: readonly Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = n;
  for (const b of buffers) {
    if (skip >= b.byteLength) {
      skip -= b.byteLength;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

async function syncDir(dir: string): Promise<void> {
  const h = await open(dir, 'r');
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * The folder's lock: a LOCK file holding our pid. A LOCK left by a process that is gone (killed -9) is
 * taken over; one held by a live process is refused, since two gateways appending to one log would
 * interleave records and replay each other's.
 */
async function takeLock(dir: string): Promise<FileHandle> {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const h = await open(path, 'wx');
      await h.write(`${process.pid}\n`);
      return h;
    } catch (err) {
      if (codeOf(err) !== 'EEXIST') throw new StorageError(`cannot lock the queue folder ${dir} (${codeOf(err)})`, codeOf(err));
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new StorageError(`the queue folder ${dir} is in use by another process (pid ${pid}); give each gateway its own storage folder`, 'ELOCKED');
    }
    await rm(path, { force: true });
  }
  throw new StorageError(`cannot lock the queue folder ${dir}`, 'ELOCKED');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return codeOf(err) === 'EPERM';
  }
}

function codeOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.name : 'unknown';
}
