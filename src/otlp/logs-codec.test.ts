/**
 * The logs codec, held to the trace codec's standards: exact round trips of every field in both
 * encodings, the real producer payloads (test/fixtures/producers-logs, see its README) decoded with
 * their .pb/.json twins agreeing, an independent implementation (protobufjs over a schema written
 * from the spec) agreeing both ways, depth caps, and errors that say where.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cat, len, nestedArrayAttribute, str, tag, u32, varint } from '../../test/proto/wire.js';
import {
  decodeLogsWithProtobufjs,
  encodeLogsWithProtobufjs,
  logsJsonViaProtobufjs,
  LogsRequestType,
  readLogsJsonWithProtobufjs,
} from '../../test/proto/pbjs-logs.js';
import { everyFieldLogsRequest } from '../../test/proto/samples.js';
import { PRODUCERS_LOGS_DIR } from '../../test/support/fixture-paths.js';
import { decodeLogsJson } from './decode-logs-json.js';
import { decodeLogsProtobuf, type LogsDecodeResult } from './decode-logs-protobuf.js';
import { decodeTracesProtobuf } from './decode-protobuf.js';
import { encodeLogsJson } from './encode-logs-json.js';
import { encodeLogsProtobuf } from './encode-logs-protobuf.js';
import { CODECS } from './signal.js';
import { countLogRecords, newLogRecord, type LogsData } from './logs-model.js';
import { emptyResource, emptyScope, getStringAttribute } from './model.js';

const manifest = JSON.parse(readFileSync(join(PRODUCERS_LOGS_DIR, 'manifest.json'), 'utf8')) as {
  files: Record<string, { signal: string; log_records?: number }>;
};
const STEMS = ['python-openai-v2-events', 'python-openai-v2-span-and-event', 'python-openai-v2-legacy', 'js-openai'];

function logsFixture(stem: string, ext: 'pb' | 'json'): LogsData {
  const body = readFileSync(join(PRODUCERS_LOGS_DIR, `${stem}.logs.${ext}`));
  const r = ext === 'pb' ? decodeLogsProtobuf(body) : decodeLogsJson(body);
  if (!r.ok) throw new Error(`${stem}.logs.${ext}: ${r.error}`);
  return r.value;
}

function errorOf(r: LogsDecodeResult): string {
  if (r.ok) throw new Error('expected a decode error');
  return r.error;
}

const oneRecord = (fields: Parameters<typeof newLogRecord>[0]): LogsData => ({
  resourceLogs: [{ resource: emptyResource(), scopeLogs: [{ scope: emptyScope(), logRecords: [newLogRecord(fields)], schemaUrl: '' }], schemaUrl: '' }],
});

describe('logs codec: round trips', () => {
  it('protobuf: decode(encode(x)) equals x for every field, body kind and severity', () => {
    const data = everyFieldLogsRequest();
    expect(decodeLogsProtobuf(encodeLogsProtobuf(data))).toEqual({ ok: true, value: data });
  });

  it('JSON: decode(encode(x)) equals x for every field, body kind and severity', () => {
    const data = everyFieldLogsRequest();
    expect(decodeLogsJson(encodeLogsJson(data))).toEqual({ ok: true, value: data });
  });

  it('the signal table dispatches logs on the encoding', () => {
    const data = everyFieldLogsRequest();
    for (const enc of ['protobuf', 'json'] as const) expect(CODECS.logs.decode(CODECS.logs.encode(data, enc), enc)).toEqual({ ok: true, value: data });
    expect(CODECS.logs.count(data)).toBe(6);
    expect(CODECS.logs.grpcMethod).toBe('/opentelemetry.proto.collector.logs.v1.LogsService/Export');
    expect(CODECS.traces.grpcMethod).toBe('/opentelemetry.proto.collector.trace.v1.TraceService/Export');
  });

  it('writes OTLP/JSON: one line, 64-bit integers as strings, hex ids, eventName, the body as an AnyValue', () => {
    const json = encodeLogsJson(everyFieldLogsRequest());
    expect(json).not.toMatch(/\n/);
    expect(json.startsWith('{"resourceLogs":[')).toBe(true);
    expect(json).toContain('"timeUnixNano":"18446744073709551615"');
    expect(json).toContain('"traceId":"0123456789abcdef0123456789abcdef"');
    expect(json).toContain('"eventName":"gen_ai.client.inference.operation.details"');
    expect(json).toContain('"body":{"kvlistValue":{"values":[{"key":"content","value":{"stringValue":"hello"}}');
  });

  it('encodes an empty request as {"resourceLogs":[]} and zero protobuf bytes', () => {
    expect(encodeLogsJson({ resourceLogs: [] })).toBe('{"resourceLogs":[]}');
    expect(encodeLogsProtobuf({ resourceLogs: [] })).toHaveLength(0);
  });

  it('omits proto3 defaults and the unset body: a default record is an empty message', () => {
    const data = oneRecord({});
    // log_records: 2 (empty record); scope_logs: 2 (empty scope) + 2; resource_logs: 2 (empty resource) + 6.
    expect(encodeLogsProtobuf(data)).toHaveLength(2 + 8);
    expect(encodeLogsJson(data)).toBe('{"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[{}]}]}]}');
  });

  it('event_name is field 12, a string (logs.proto)', () => {
    const bytes = encodeLogsProtobuf(oneRecord({ eventName: 'e' }));
    // … log_records { event_name(12, LEN) = "e" }: tag 12<<3|2 = 0x62.
    expect([...bytes.slice(-3)]).toEqual([0x62, 1, 0x65]);
  });

  it('reads a body that is present but has no value set ("body": {}) as the unset body', () => {
    const r = decodeLogsJson('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{},"severityNumber":"SEVERITY_NUMBER_WARN2"}]}]}]}');
    expect(r).toEqual({ ok: true, value: oneRecord({ severityNumber: 14 }) });
    // And the protobuf twin: a zero-length body field.
    const pb = len(1, len(2, len(2, len(5))));
    expect(decodeLogsProtobuf(pb)).toEqual({ ok: true, value: oneRecord({}) });
  });
});

describe('logs codec: real producer payloads', () => {
  for (const stem of STEMS) {
    describe(stem, () => {
      it('decodes both encodings with the manifest\'s record count', () => {
        for (const ext of ['pb', 'json'] as const) {
          const expected = manifest.files[`${stem}.logs.${ext}`]?.log_records;
          expect(expected).toBeGreaterThan(0);
          expect(countLogRecords(logsFixture(stem, ext))).toBe(expected);
        }
      });

      it('.pb and .json twins give the same structure', () => {
        expect(logsFixture(stem, 'json')).toEqual(logsFixture(stem, 'pb'));
      });

      for (const ext of ['pb', 'json'] as const) {
        it(`round-trips the ${ext} fixture through both encoders exactly`, () => {
          const data = logsFixture(stem, ext);
          expect(decodeLogsProtobuf(encodeLogsProtobuf(data))).toEqual({ ok: true, value: data });
          expect(decodeLogsJson(encodeLogsJson(data))).toEqual({ ok: true, value: data });
        });
      }

      it('protobufjs decodes the fixture bytes to the same model', () => {
        const body = readFileSync(join(PRODUCERS_LOGS_DIR, `${stem}.logs.pb`));
        expect(decodeLogsWithProtobufjs(body)).toEqual(logsFixture(stem, 'pb'));
      });

      it('every log record with a trace id points at a span of the matching traces file', () => {
        const traces = decodeTracesProtobuf(readFileSync(join(PRODUCERS_LOGS_DIR, `${stem}.traces.pb`)));
        if (!traces.ok) throw new Error(traces.error);
        const spans = new Set(traces.value.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => `${s.traceId}/${s.spanId}`))));
        const records = logsFixture(stem, 'pb').resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
        for (const r of records) expect(spans.has(`${r.traceId}/${r.spanId}`), `${r.traceId}/${r.spanId}`).toBe(true);
      });
    });
  }

  it('carries the event name where each producer puts it: the eventName field, or the event.name attribute', () => {
    const names = (stem: string) =>
      logsFixture(stem, 'pb').resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => r.eventName || `attr:${getStringAttribute(r.attributes, 'event.name')}`)));
    expect(new Set(names('python-openai-v2-events'))).toEqual(new Set(['gen_ai.client.inference.operation.details']));
    expect(names('python-openai-v2-legacy')).toContain('gen_ai.choice');
    expect(names('js-openai')).toContain('attr:gen_ai.user.message');
    expect(names('js-openai')).toContain('gen_ai.client.inference.operation.details');
  });
});

describe('logs codec: against protobufjs (independent schema from the spec)', () => {
  const cases: Array<[string, () => LogsData]> = [
    ['every field', everyFieldLogsRequest],
    ['js-openai fixture', () => logsFixture('js-openai', 'pb')],
    ['python legacy fixture', () => logsFixture('python-openai-v2-legacy', 'pb')],
  ];
  for (const [name, make] of cases) {
    it(`${name}: protobufjs decodes our protobuf to the same model`, () => {
      expect(decodeLogsWithProtobufjs(encodeLogsProtobuf(make()))).toEqual(make());
    });
    it(`${name}: we decode protobufjs's protobuf to the same model`, () => {
      expect(decodeLogsProtobuf(encodeLogsWithProtobufjs(make()))).toEqual({ ok: true, value: make() });
    });
    it(`${name}: protobufjs reads our OTLP/JSON to the same model`, () => {
      expect(readLogsJsonWithProtobufjs(encodeLogsJson(make()))).toEqual(make());
    });
  }

  it('we decode protobufjs\'s proto3 JSON of a real payload to the same model', () => {
    const data = logsFixture('python-openai-v2-events', 'pb');
    expect(decodeLogsJson(logsJsonViaProtobufjs(data))).toEqual({ ok: true, value: data });
  });

  it('protobufjs verifies our encoding of a real payload: no mistyped fields', () => {
    const msg = LogsRequestType.decode(encodeLogsProtobuf(logsFixture('js-openai', 'json')));
    expect(LogsRequestType.verify(msg)).toBeNull();
  });
});

describe('logs codec: hostile input', () => {
  /** One resource, one scope, one log record with `fields`. */
  const request = (...fields: Uint8Array[]) => len(1, len(2, len(2, ...fields)));

  const table: Array<[string, Uint8Array, RegExp]> = [
    ['trace_id of 5 bytes', request(len(9, new Uint8Array(5))), /^resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]: invalid trace_id: 16 bytes expected, got 5$/],
    ['span_id of 9 bytes', request(len(10, new Uint8Array(9))), /log_records\[0\]: invalid span_id: 8 bytes expected, got 9$/],
    ['event_name sent as a varint', request(u32(12, 1)), /log_records\[0\]: event_name: wire type varint, expected length-delimited$/],
    ['flags sent as a varint (must be fixed32)', request(u32(8, 1)), /log_records\[0\]: flags: wire type varint, expected i32$/],
    ['truncated observed time (fixed64)', request(tag(11, 1), new Uint8Array(3)), /log_records\[0\]: truncated fixed64 field$/],
    ['body truncated inside', request(cat(tag(5, 2), varint(4), str(1, 'a').subarray(0, 2))), /truncated/],
    ['attribute value with a wrong wire type', request(len(6, str(1, 'k'), u32(2, 1))), /log_records\[0\]\.attributes\[0\]: value: wire type varint/],
  ];
  for (const [name, body, expected] of table) {
    it(`protobuf: ${name}`, () => expect(errorOf(decodeLogsProtobuf(body))).toMatch(expected));
  }

  /** A body kvlist holding one attribute nested `levels` arrays deep: 1 + levels levels in all. */
  const deepBody = (levels: number) => request(len(5, len(6, len(1, nestedArrayAttribute(levels)))));

  it('protobuf: allows a body 64 levels deep and refuses 65, without recursing on the input', () => {
    expect(decodeLogsProtobuf(deepBody(63)).ok).toBe(true);
    expect(errorOf(decodeLogsProtobuf(deepBody(64)))).toMatch(/^resource_logs\[0\]\.scope_logs\[0\]\.log_records\[0\]\.body: .*nesting exceeds 64$/);
    expect(errorOf(decodeLogsProtobuf(deepBody(100_000)))).toMatch(/nesting exceeds 64$/);
  });

  const jsonBody = (record: string) => `{"resourceLogs":[{"scopeLogs":[{"logRecords":[${record}]}]}]}`;
  const jsonTable: Array<[string, string, RegExp]> = [
    ['root not an object', '[]', /^body must be a JSON object \(ExportLogsServiceRequest\)$/],
    ['not JSON', '{"resourceLogs":', /^body is not valid JSON$/],
    ['traceId not hex', jsonBody('{"traceId":"zz"}'), /logRecords\[0\]: invalid traceId: 32 hex digits expected, got 2$/],
    ['body not an object', jsonBody('{"body":"text"}'), /logRecords\[0\]: body: object expected$/],
    ['unknown severity name', jsonBody('{"severityNumber":"LOUD"}'), /logRecords\[0\]: severityNumber: unknown enum value$/],
    ['logRecords not an array', '{"resourceLogs":[{"scopeLogs":[{"logRecords":{}}]}]}', /scopeLogs\[0\]: logRecords: array expected$/],
  ];
  for (const [name, body, expected] of jsonTable) {
    it(`JSON: ${name}`, () => expect(errorOf(decodeLogsJson(body))).toMatch(expected));
  }

  it('JSON: allows a body 64 levels deep and refuses 65', () => {
    const nested = (levels: number) => '{"arrayValue":{"values":['.repeat(levels) + '{}' + ']}}'.repeat(levels);
    expect(decodeLogsJson(jsonBody(`{"body":${nested(64)}}`)).ok).toBe(true);
    expect(errorOf(decodeLogsJson(jsonBody(`{"body":${nested(65)}}`)))).toMatch(/logRecords\[0\]\.body: .*nesting exceeds 64$/);
    expect(errorOf(decodeLogsJson(jsonBody(`{"body":${nested(100_000)}}`)))).toMatch(/nesting exceeds 64$/);
  });
});
