/**
 * File exporter: appends one OTLP/JSON Export*ServiceRequest per line (JSON Lines), the format the
 * Collector's file exporter writes and `loopgate explain` reads back. A file routed several signals
 * holds their requests side by side; each line's top-level member says which it is. Parent folders are created on first
 * write; `{tenant}` in the path gives each tenant its own file.
 *
 * Appends to one path are serialised in this process, so concurrent consumers never interleave lines.
 * Write errors (disk full, permissions, a folder deleted under us) are retryable: the queue's retry policy
 * decides how long to keep trying, and what it gives up on is counted.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CODECS } from '../otlp/signal.js';
import { assertOption, type FileExporterOptions } from './options.js';
import { compileTenantTemplate, type TenantTemplate } from './tenant-template.js';
import type { BodyFormat, ExportItem, ExportRequest, ExportResult, Exporter, Signal, TargetResult } from './types.js';

const NEWLINE = 0x0a;

export class FileExporter implements Exporter {
  /** Uncompressed JSON without the newline, so an otlphttp/json exporter without gzip shares the bytes. */
  readonly format: BodyFormat = { encoding: 'json', compression: 'none', compressionLevel: 1 };
  private readonly path: TenantTemplate;
  /** Tail of the write chain per file: each append starts when the previous one to that file ended. */
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly madeDirs = new Set<string>();

  constructor(
    readonly id: string,
    options: FileExporterOptions,
  ) {
    assertOption(typeof options.path === 'string' && options.path.trim() !== '', `exporters.${id}.path`);
    // Resolved once against the working directory at start-up, so a later chdir cannot move the output.
    this.path = compileTenantTemplate(resolve(options.path));
  }

  encode(item: ExportItem): Uint8Array {
    return CODECS[item.signal].encode(item.data as never, 'json');
  }

  /** The absolute file a tenant's requests are appended to: one file whatever the signal, each line says which. */
  target(_signal: Signal, tenant: string | undefined): TargetResult {
    return this.path.expand(tenant);
  }

  export(request: ExportRequest): Promise<ExportResult> {
    const target = this.path.expand(request.tenant);
    if (!target.ok) return Promise.resolve({ status: 'failure', error: target.error });
    if (target.value !== request.target) return Promise.resolve({ status: 'failure', error: 'target changed since the request was queued' });
    // A body stored compressed (a replay after the exporter type changed) is not a JSON line.
    if (request.encoding !== 'json' || request.compression !== 'none') {
      return Promise.resolve({ status: 'failure', error: `cannot append a ${request.encoding}/${request.compression} body to a JSON Lines file` });
    }
    const body = request.body;
    const file = target.value;
    const line = new Uint8Array(body.byteLength + 1);
    line.set(body);
    line[body.byteLength] = NEWLINE;

    const previous = this.tails.get(file) ?? Promise.resolve();
    const write = previous.then(() => this.append(file, line));
    const tail = write.finally(() => {
      if (this.tails.get(file) === tail) this.tails.delete(file);
    });
    this.tails.set(file, tail);
    return write;
  }

  /** Waits for writes already started; nothing is held open between writes. */
  async shutdown(): Promise<void> {
    await Promise.all(this.tails.values());
  }

  private async append(file: string, line: Uint8Array): Promise<ExportResult> {
    try {
      const dir = dirname(file);
      if (!this.madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.madeDirs.add(dir);
      }
      await appendFile(file, line);
      return { status: 'success' };
    } catch (err) {
      // A folder removed after we created it must be made again on the retry.
      this.madeDirs.delete(dirname(file));
      const code = err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : 'unknown';
      return { status: 'retryable', error: `write: ${code}` };
    }
  }
}
