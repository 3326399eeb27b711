/** Builders for engine tests: small OTLP batches and policies compiled from plain objects. */
import { newLogRecord, type LogRecord, type LogsData } from '../otlp/logs-model.js';
import { newSpan, str, type KeyValue, type Span, type TracesData } from '../otlp/model.js';
import { compilePolicy, type CompileOptions } from './compile.js';
import { PolicySchema } from './schema.js';
import type { CompiledPolicy } from './types.js';

export function attrs(o: Record<string, string | number | boolean>): KeyValue[] {
  return Object.entries(o).map(([key, v]) => ({
    key,
    value:
      typeof v === 'string'
        ? str(v)
        : typeof v === 'boolean'
          ? { kind: 'bool', value: v }
          : Number.isInteger(v)
            ? { kind: 'int', value: BigInt(v) }
            : { kind: 'double', value: v },
  }));
}

let counter = 0;
export function span(fields: Partial<Span> & { attrs?: Record<string, string | number | boolean> } = {}): Span {
  counter++;
  const { attrs: a, ...rest } = fields;
  return newSpan({
    traceId: counter.toString(16).padStart(32, 'f'),
    spanId: counter.toString(16).padStart(16, '0'),
    name: 'chat',
    ...(a ? { attributes: attrs(a) } : {}),
    ...rest,
  });
}

export function batch(resource: Record<string, string>, ...spans: Span[]): TracesData {
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        scopeSpans: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, spans, schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/** Validates with the schema and compiles; throws with the messages when either fails. */
export function policyOf(doc: unknown, options: CompileOptions = {}): CompiledPolicy {
  const parsed = PolicySchema.safeParse(doc);
  if (!parsed.success) throw new Error(parsed.error.message);
  const r = compilePolicy(parsed.data, options);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path.join('.')}: ${e.message}`).join('\n'));
  return r.policy;
}

export function exportedSpans(result: ReturnType<CompiledPolicy['process']>): { cls: string; tenant: string | undefined; span: Span }[] {
  const out: { cls: string; tenant: string | undefined; span: Span }[] = [];
  for (const o of result.outputs) {
    if (o.signal !== 'traces') continue;
    for (const rs of o.data.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) out.push({ cls: o.class, tenant: o.tenant, span: s });
  }
  return out;
}

export function attr(s: Span, key: string): unknown {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (v === undefined) return undefined;
  return v.kind === 'int' ? Number(v.value) : 'value' in v ? v.value : v;
}

export function logRecord(fields: Partial<LogRecord> & { attrs?: Record<string, string | number | boolean> } = {}): LogRecord {
  counter++;
  const { attrs: a, ...rest } = fields;
  return newLogRecord({
    traceId: counter.toString(16).padStart(32, 'e'),
    spanId: counter.toString(16).padStart(16, '0'),
    ...(a ? { attributes: attrs(a) } : {}),
    ...rest,
  });
}

export function logBatch(resource: Record<string, string>, ...records: LogRecord[]): { signal: 'logs'; data: LogsData } {
  return {
    signal: 'logs',
    data: {
      resourceLogs: [
        {
          resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
          scopeLogs: [{ scope: { name: 's', version: '', attributes: [], droppedAttributesCount: 0 }, logRecords: records, schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    },
  };
}

export function exportedLogs(result: ReturnType<CompiledPolicy['process']>): { cls: string; tenant: string | undefined; record: LogRecord }[] {
  const out: { cls: string; tenant: string | undefined; record: LogRecord }[] = [];
  for (const o of result.outputs) {
    if (o.signal !== 'logs') continue;
    for (const rl of o.data.resourceLogs) for (const sl of rl.scopeLogs) for (const r of sl.logRecords) out.push({ cls: o.class, tenant: o.tenant, record: r });
  }
  return out;
}
