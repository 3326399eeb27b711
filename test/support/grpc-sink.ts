/**
 * A scriptable OTLP/gRPC server for exporter tests: records every Export call (signal, decoded request,
 * metadata, whether it came compressed) and answers what `answer` says: OK (optionally with
 * partial_success), or a gRPC status with an optional google.rpc.RetryInfo in grpc-status-details-bin.
 */
import { Metadata, Server, ServerCredentials, status as GrpcStatus, type ServerUnaryCall, type sendUnaryData, type ServiceDefinition } from '@grpc/grpc-js';
import { encodeRpcStatus } from '../../src/otlp/rpc-status.js';
import { CODECS, SIGNALS, countItems, decodeRequest, type Signal, type SignalRequest } from '../../src/otlp/signal.js';
import { ProtoWriter } from '../../src/otlp/proto-writer.js';

export type SinkAnswer =
  | { code: 0; rejected?: number }
  | { code: number; retryDelayMs?: number; retryInfo?: boolean; message?: string }
  /** Never answers: for deadlines. */
  | 'hang';

export interface GrpcSinkCall {
  signal: Signal;
  request: SignalRequest;
  bytes: number;
  metadata: Record<string, string>;
}

export interface GrpcSink {
  address: string;
  port: number;
  received: GrpcSinkCall[];
  /** Every record (spans, log records or data points) received OK, in order. */
  records(signal: Signal): number;
  close(): Promise<void>;
}

export interface GrpcSinkOptions {
  answer?: (call: GrpcSinkCall, index: number) => SinkAnswer;
  tls?: { cert: Buffer; key: Buffer };
}

const raw = (b: Buffer): Buffer => b;

/** ExportXServiceResponse { partial_success = 1 { rejected_* = 1 (int64); error_message = 2 } }. */
function partialSuccess(rejected: number): Buffer {
  const inner = new ProtoWriter(64, []);
  inner.tag(1, 0);
  inner.int64(BigInt(rejected));
  inner.tag(2, 2);
  const msg = Buffer.from('refused by the sink');
  inner.varint(msg.length);
  inner.bytes(msg);
  const body = inner.buf.subarray(0, inner.pos);
  return Buffer.concat([Buffer.from([0x0a, body.length]), body]);
}

export async function startGrpcSink(options: GrpcSinkOptions = {}): Promise<GrpcSink> {
  const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  const received: GrpcSinkCall[] = [];
  const ok: GrpcSinkCall[] = [];
  for (const signal of SIGNALS) {
    const def: ServiceDefinition = {
      Export: { path: CODECS[signal].grpcMethod, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
    };
    server.addService(def, {
      Export(call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) {
        const metadata: Record<string, string> = {};
        for (const [k, v] of Object.entries(call.metadata.getMap())) metadata[k] = String(v);
        const decoded = decodeRequest(signal, call.request, 'protobuf');
        if (!decoded.ok) return callback({ code: GrpcStatus.INVALID_ARGUMENT, details: 'undecodable' });
        const c: GrpcSinkCall = { signal, request: decoded.value, bytes: call.request.byteLength, metadata };
        received.push(c);
        const a = options.answer?.(c, received.length - 1) ?? { code: 0 };
        if (a === 'hang') return;
        if (a.code === 0) {
          const rejected = 'rejected' in a ? (a.rejected ?? 0) : 0;
          if (rejected === 0) ok.push(c);
          return callback(null, rejected > 0 ? partialSuccess(rejected) : Buffer.alloc(0));
        }
        const e = a as { code: number; retryDelayMs?: number; retryInfo?: boolean; message?: string };
        const trailers = new Metadata();
        if (e.retryDelayMs !== undefined || e.retryInfo) {
          const status = encodeRpcStatus({ code: e.code, message: e.message ?? '', ...(e.retryDelayMs !== undefined && { retryDelayMs: e.retryDelayMs }) });
          // RetryInfo without a delay: the encoder writes a zero Duration, which decodes as "RetryInfo, 0 ms".
          trailers.set('grpc-status-details-bin', Buffer.from(status));
        }
        callback({ code: e.code, details: e.message ?? 'scripted', metadata: trailers });
      },
    });
  }
  const creds = options.tls ? ServerCredentials.createSsl(null, [{ cert_chain: options.tls.cert, private_key: options.tls.key }]) : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
  return {
    address: `127.0.0.1:${port}`,
    port,
    received,
    records(signal) {
      return ok.filter((c) => c.signal === signal).reduce((n, c) => n + countItems(c.request), 0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000).unref();
      }),
  };
}
