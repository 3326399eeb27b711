/**
 * Recorded traffic → OTLP requests of spans or log records. Accepts the two shapes Loopgate itself
 * writes and producers send: one OTLP-JSON request per file (possibly pretty-printed), or JSON Lines
 * with one request per line, as the file exporter writes (design.md, `file/<name>` exporters). Each
 * request's top-level member (`resourceSpans`, `resourceLogs`) says its signal, so one corpus may
 * hold both.
 *
 * Pure: the caller reads the file; this only parses. Errors are values naming the file and line, and
 * never quote the offending text (it may be a prompt full of PII).
 */
import type { SignalRequest } from '../otlp/signal.js';
import { decodeRecordsJson } from '../policy/fixtures.js';

export interface RecordedRequest {
  /** `file` for a single-request file, `file:line` for a JSON Lines record. */
  origin: string;
  request: SignalRequest;
}

export type ParseRequestsResult = { ok: true; requests: RecordedRequest[] } | { ok: false; error: string };

const WHAT = 'an OTLP-JSON trace or logs request';

export function parseRequests(text: string, file: string): ParseRequestsResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, requests: [] };

  // A whole-file request first: a pretty-printed request spans many lines but is one JSON value.
  const whole = decodeRecordsJson(trimmed);
  if (whole.ok) return { ok: true, requests: [{ origin: file, request: whole.request }] };
  if (!trimmed.includes('\n') || isJson(trimmed)) return { ok: false, error: `${file}: not ${WHAT}: ${whole.error}` };

  const requests: RecordedRequest[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const r = decodeRecordsJson(line);
    if (!r.ok) {
      return { ok: false, error: `${file}:${i + 1}: not ${WHAT} (expected one request per line, as the file exporter writes): ${r.error}` };
    }
    requests.push({ origin: `${file}:${i + 1}`, request: r.request });
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
