/**
 * The one mapping from the pipeline's answer to OTLP/gRPC, without a socket: every PipelineResult, the
 * code it becomes, and whether a RetryInfo rides along (the OTLP spec's retry signal).
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { decodeResponse } from '../../otlp/response.js';
import { decodeRpcStatus } from '../../otlp/rpc-status.js';
import { SIGNALS } from '../../otlp/signal.js';
import type { PipelineResult } from '../types.js';
import { grpcAnswer, grpcAnswers, STATUS_DETAILS_KEY, type GrpcAnswer } from './status.js';

function retryInfoOf(a: GrpcAnswer): ReturnType<typeof decodeRpcStatus> {
  if (a.ok) return undefined;
  const bin = a.error.metadata?.get(STATUS_DETAILS_KEY)[0];
  return Buffer.isBuffer(bin) ? decodeRpcStatus(bin) : undefined;
}

describe('grpcAnswer', () => {
  it.each(SIGNALS)('%s: accepted is OK with an empty response; refused records become partial_success', (signal) => {
    const ok = grpcAnswer({ status: 'accepted', rejected: { count: 0, message: '' } }, signal);
    expect(ok).toEqual({ ok: true, response: Buffer.alloc(0) });
    const partial = grpcAnswer({ status: 'accepted', rejected: { count: 2, message: '2 refused' } }, signal);
    expect(partial.ok).toBe(true);
    expect(decodeResponse((partial as { response: Buffer }).response, 'protobuf', signal)).toEqual({ partialSuccess: { rejectedSpans: 2n, errorMessage: '2 refused' } });
  });

  it.each<[string, PipelineResult, number, number | undefined]>([
    ['undecodable or too deep', { status: 'invalid', message: 'cannot decode' }, GrpcStatus.INVALID_ARGUMENT, undefined],
    ['decodes too large', { status: 'too_large', message: 'too much memory' }, GrpcStatus.INVALID_ARGUMENT, undefined],
    ['queues full', { status: 'unavailable', retryAfterSeconds: 5, reason: 'queue_full' }, GrpcStatus.UNAVAILABLE, 5000],
    ['in-flight budget full', { status: 'unavailable', retryAfterSeconds: 1, reason: 'busy' }, GrpcStatus.RESOURCE_EXHAUSTED, 1000],
    ['not served', { status: 'not_served', message: 'no routes for logs' }, GrpcStatus.UNIMPLEMENTED, undefined],
  ])('%s → code %i, RetryInfo delay %s', (_what, result, code, delayMs) => {
    const a = grpcAnswer(result, 'logs');
    expect(a.ok).toBe(false);
    expect((a as { error: { code: number } }).error.code).toBe(code);
    const rpc = retryInfoOf(a);
    if (delayMs === undefined) expect(rpc).toBeUndefined();
    else expect(rpc).toMatchObject({ code, retryInfo: true, retryDelayMs: delayMs });
  });

  it('RESOURCE_EXHAUSTED is answered only with RetryInfo (the spec: retryable only then; issue #8: never without)', () => {
    expect(retryInfoOf(grpcAnswers.busy())).toMatchObject({ retryInfo: true });
    const results: PipelineResult[] = [
      { status: 'accepted', rejected: { count: 1, message: 'x' } },
      { status: 'invalid', message: 'x' },
      { status: 'too_large', message: 'x' },
      { status: 'unavailable', retryAfterSeconds: 1, reason: 'busy' },
      { status: 'unavailable', retryAfterSeconds: 1, reason: 'queue_full' },
      { status: 'not_served', message: 'x' },
    ];
    const answers = [...results.map((r) => grpcAnswer(r, 'traces')), grpcAnswers.busy(), grpcAnswers.shuttingDown(1), grpcAnswers.unauthenticated('x'), grpcAnswers.internal()];
    for (const a of answers) if (!a.ok && a.error.code === GrpcStatus.RESOURCE_EXHAUSTED) expect(retryInfoOf(a)).toMatchObject({ retryInfo: true });
  });

  it('UNAUTHENTICATED and INTERNAL carry no RetryInfo', () => {
    for (const a of [grpcAnswers.unauthenticated('missing bearer token'), grpcAnswers.internal()]) expect(retryInfoOf(a)).toBeUndefined();
    expect((grpcAnswers.unauthenticated('x') as { error: { code: number } }).error.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect((grpcAnswers.internal() as { error: { code: number } }).error.code).toBe(GrpcStatus.INTERNAL);
  });
});
