/**
 * Property-based fuzzing of the receiver through the Hono app's `app.request()` (issue #13, "what must
 * exist"), seeded and bounded: random and mutated bodies under random media types and content codings,
 * compressed right, wrong or not at all, handed to the real redact-all policy. Properties:
 * - the answer is always one the OTLP/HTTP receiver defines (200, 400, 413, 415, 503), never a 500;
 * - the answer is in the request's encoding (JSON when the media type is not one we speak) and decodes:
 *   an Export*ServiceResponse for 200, a google.rpc.Status otherwise;
 * - the pipeline sees a request exactly when the answer is 200, and then sees what the body decodes to;
 * - for each signal: /v1/traces, /v1/logs and /v1/metrics, bodies of their own request message.
 */
import { join } from 'node:path';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/support/fixture-paths.js';
import { fuzzParams, logsData, metricsData, mutated, tracesData } from '../../test/support/otlp-arbitraries.js';
import { decodeResponse, type Encoding } from '../otlp/index.js';
import { CODECS, decodeRequest, encodeRequest, type SignalRequest } from '../otlp/signal.js';
import { loadPolicy } from '../policy/load.js';
import { noopMetrics } from '../telemetry/metrics-types.js';
import { decodeRaw } from '../gateway/pipeline.js';
import { createReceiverApp } from './app.js';
import { contentCodingOf, encodingOf } from './content-type.js';

const loaded = loadPolicy(join(REPO_ROOT, 'policies/examples/redact-all.yaml'));
if (!loaded.ok) throw new Error('redact-all does not load');
const policy = loaded.policy;

const Status = new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string'));
const quiet = { debug() {}, warn() {}, error() {} };

const seen: SignalRequest[] = [];
const app = createReceiverApp({
  limits: { maxRequestBodyBytes: 256 * 1024, maxInflightBodyBytes: 8 * 1024 * 1024 },
  // the pipeline's own decode step, then the policy: what a request's answer depends on
  handle: (raw) => {
    const decoded = decodeRaw(raw, { maxDepth: 64 });
    if (!decoded.ok) return decoded.refused;
    seen.push(decoded.value);
    const r = policy.processSignal(decoded.value, raw.ctx);
    return { status: 'accepted', rejected: { count: r.rejected.count, message: r.rejected.message } };
  },
  metrics: noopMetrics,
  logger: quiet,
});

const CONTENT_TYPES = ['application/x-protobuf', 'application/json', 'APPLICATION/JSON; charset=utf-8', 'application/x-protobuf; proto=x', 'text/plain', 'application/protobuf', ''];
const CODINGS = ['identity', 'gzip', 'GZIP', 'x-gzip', 'deflate', 'Deflate', 'br', 'zstd', 'gzip, deflate', ''];

function compress(body: Uint8Array, how: string): Uint8Array {
  switch (how) {
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'raw-deflate':
      return deflateRawSync(body);
    default:
      return body;
  }
}

const request = fc
  .record({
    type: fc.constantFrom(...CONTENT_TYPES),
    coding: fc.option(fc.constantFrom(...CODINGS), { nil: undefined }),
    compressAs: fc.constantFrom('none', 'gzip', 'deflate', 'raw-deflate'),
    bodyEncoding: fc.constantFrom<Encoding>('protobuf', 'json'),
    request: fc.oneof(
      tracesData.map((data): SignalRequest => ({ signal: 'traces', data })),
      logsData.map((data): SignalRequest => ({ signal: 'logs', data })),
      metricsData.map((data): SignalRequest => ({ signal: 'metrics', data })),
    ),
    mutate: fc.boolean(),
    // random bytes, or a body over the 256 KiB limit (small on the wire when compressed)
    random: fc.option(fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 300 }) }, { weight: 1, arbitrary: fc.constant(new Uint8Array(300 * 1024)) }), { freq: 6, nil: undefined }),
  })
  .chain((r) => {
    const valid = r.random ?? encodeRequest(r.request, r.bodyEncoding);
    return (r.mutate ? mutated(valid) : fc.constant(valid)).map((raw) => ({ ...r, raw, body: compress(raw, r.compressAs) }));
  });

describe('receiver fuzz: every request gets an OTLP answer', () => {
  it('random media types, codings, bodies and compression', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.type !== '') headers['content-type'] = r.type;
        if (r.coding !== undefined) headers['content-encoding'] = r.coding;
        const before = seen.length;
        const signal = r.request.signal;
        const res = await app.request(CODECS[signal].path, { method: 'POST', body: r.body, headers });
        expect([200, 400, 413, 415, 503]).toContain(res.status);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);

        const encoding = encodingOf(headers['content-type']);
        expect(res.headers.get('content-type')).toBe(encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json');
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (res.status === 200) {
          expect(decodeResponse(bytes, encoding!, signal)).toBeDefined();
          expect(seen.length).toBe(before + 1);
          // what reached the pipeline is what the body decodes to
          const coding = contentCodingOf(headers['content-encoding']);
          if (coding === 'identity' || r.compressAs !== 'none') {
            const decoded = decodeRequest(signal, r.raw, encoding!);
            if (decoded.ok) expect(seen[seen.length - 1]).toEqual(decoded.value);
          }
        } else {
          expect(seen.length).toBe(before);
          const status = encoding === 'protobuf' ? (Status.toObject(Status.decode(bytes), { defaults: true }) as { code: number; message: string }) : (JSON.parse(new TextDecoder().decode(bytes)) as { code: number; message: string });
          expect(status.code).toBeGreaterThan(0);
          expect(status.message.length).toBeGreaterThan(0);
        }
      }),
      fuzzParams(900),
    );
    // the runs reached every answer a body can get, not only the early refusals
    for (const status of [200, 400, 413, 415]) expect(statuses.get(status) ?? 0, `${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
  });
});
