/**
 * A raw OTLP/gRPC client for tests: @grpc/grpc-js with byte serializers, so a test sends exactly the
 * bytes it means (a fixture, garbage, a bomb) and reads the status, the trailer's RetryInfo and the
 * response bytes as they came.
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { decodeRpcStatus } from '../../src/otlp/rpc-status.js';
import { CODECS, type Signal } from '../../src/otlp/signal.js';

export interface GrpcExportOptions {
  /** Sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Compress the message with gzip (grpc-encoding: gzip). */
  gzip?: boolean;
  deadlineMs?: number;
  /**
   * Calls with the same name share one connection of their own (grpc-js otherwise shares one
   * connection per address across clients): for tests that count connections.
   */
  connection?: string;
}

export interface GrpcExportResult {
  /** The gRPC status code (0 = OK). */
  code: number;
  details: string;
  /** The response message on OK. */
  response?: Uint8Array;
  /** RetryInfo.retry_delay from grpc-status-details-bin, in ms, when the status carried one. */
  retryDelayMs?: number;
}

const raw = (b: Buffer): Buffer => b;

/** Clients are cached per address and compression, and closed by `closeGrpcClients`. */
const clients = new Map<string, Client>();

function clientFor(address: string, gzip: boolean, connection: string | undefined): Client {
  const key = `${address}|${gzip}|${connection ?? ''}`;
  let c = clients.get(key);
  if (!c) {
    c = new Client(address, credentials.createInsecure(), {
      ...(gzip && { 'grpc.default_compression_algorithm': 2 }),
      ...(connection !== undefined && { 'grpc.use_local_subchannel_pool': 1 }),
    });
    clients.set(key, c);
  }
  return c;
}

export function closeGrpcClients(): void {
  for (const c of clients.values()) c.close();
  clients.clear();
}

export function grpcExport(address: string, signal: Signal, body: Uint8Array, options: GrpcExportOptions = {}): Promise<GrpcExportResult> {
  const metadata = new Metadata();
  if (options.token !== undefined) metadata.set('authorization', `Bearer ${options.token}`);
  const client = clientFor(address, options.gzip === true, options.connection);
  return new Promise((resolve) => {
    client.makeUnaryRequest<Buffer, Buffer>(
      CODECS[signal].grpcMethod,
      raw,
      raw,
      Buffer.from(body.buffer, body.byteOffset, body.byteLength),
      metadata,
      { deadline: Date.now() + (options.deadlineMs ?? 20_000) },
      (err: ServiceError | null, value?: Buffer) => {
        if (!err) return resolve({ code: 0, details: '', response: new Uint8Array(value ?? []) });
        const out: GrpcExportResult = { code: err.code, details: err.details };
        const bin = err.metadata?.get('grpc-status-details-bin')[0];
        if (bin instanceof Buffer) {
          const status = decodeRpcStatus(bin);
          if (status?.retryDelayMs !== undefined) out.retryDelayMs = status.retryDelayMs;
        }
        resolve(out);
      },
    );
  });
}
