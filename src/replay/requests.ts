/**
 * Recorded traffic → OTLP requests. Accepts the two shapes Loopgate itself writes and producers send:
 * one OTLP-JSON ExportTraceServiceRequest per file (possibly pretty-printed), or JSON Lines with one
 * request per line, as the file exporter writes (design.md, `file/<name>` exporters).
 *
 * Pure: the caller reads the file; this only parses. Errors are values naming the file and line, and
 * never quote the offending text (it may be a prompt full of PII).
 */
import { decodeTracesJson } from '../otlp/decode-json.js';
import type { TracesData } from '../otlp/model.js';

export interface TraceRequest {
  /** `file` for a single-request file, `file:line` for a JSON Lines record. */
  origin: string;
  data: TracesData;
}

export type ParseRequestsResult = { ok: true; requests: TraceRequest[] } | { ok: false; error: string };

export function parseTraceRequests(text: string, file: string): ParseRequestsResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, requests: [] };

  // A whole-file request first: a pretty-printed request spans many lines but is one JSON value.
  const whole = decodeTracesJson(trimmed);
  if (whole.ok) return { ok: true, requests: [{ origin: file, data: whole.value }] };
  if (!trimmed.includes('\n') || isJson(trimmed)) return { ok: false, error: `${file}: not an OTLP-JSON trace request: ${whole.error}` };

  const requests: TraceRequest[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const r = decodeTracesJson(line);
    if (!r.ok) {
      return { ok: false, error: `${file}:${i + 1}: not an OTLP-JSON trace request (expected one request per line, as the file exporter writes): ${r.error}` };
    }
    requests.push({ origin: `${file}:${i + 1}`, data: r.value });
  }
  return { ok: true, requests };
}

/** Whether the whole text is one JSON value (then its decode error is the one worth reporting). */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
