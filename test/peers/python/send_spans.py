"""Exports spans with the OpenTelemetry Python SDK, as an instrumented Python app does.

Driven by the interop tests (test/e2e/python-sdk.test.ts) as a child process: reads one job as JSON
on stdin, exports its spans through the SDK's own OTLP exporter over the job's protocol, and prints
one JSON line on stdout: {"results": [...], "spans": N}. Exits 0 only when every export succeeded.

Job:
  {"endpoint": "http://127.0.0.1:4318",         # base URL (http) or host:port (grpc)
   "protocol": "http/protobuf" | "grpc",
   "compression": "gzip" | "none",
   "headers": {"authorization": "Bearer ..."},
   "resource": {"service.name": "...", "tenant.id": "..."},
   "spans": [{"name": "...", "attributes": {...}, "events": [{"name": "...", "attributes": {...}}]}]}
"""

import json
import sys

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult


def http_protobuf_exporter(job):
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    compression = Compression.Gzip if job.get("compression") == "gzip" else Compression.NoCompression
    return OTLPSpanExporter(
        endpoint=job["endpoint"].rstrip("/") + "/v1/traces",
        headers=job.get("headers", {}),
        compression=compression,
        timeout=10,
    )


def grpc_exporter(job):
    from grpc import Compression
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    compression = Compression.Gzip if job.get("compression") == "gzip" else Compression.NoCompression
    return OTLPSpanExporter(
        endpoint=job["endpoint"],
        insecure=True,
        headers=tuple(job.get("headers", {}).items()),
        compression=compression,
        timeout=10,
    )


# One factory per OTLP transport the SDK speaks; the tests pick one by name.
EXPORTERS = {"http/protobuf": http_protobuf_exporter, "grpc": grpc_exporter}


class RecordingExporter(SpanExporter):
    """Delegates to the real exporter and keeps each export's result, so the exit code can tell."""

    def __init__(self, inner):
        self.inner = inner
        self.results = []

    def export(self, spans):
        result = self.inner.export(spans)
        self.results.append(result)
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return self.inner.force_flush(timeout_millis)


def main():
    job = json.load(sys.stdin)
    exporter = RecordingExporter(EXPORTERS[job["protocol"]](job))
    provider = TracerProvider(resource=Resource.create(job.get("resource", {})))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("loopgate-interop", "1.0.0")
    for spec in job["spans"]:
        with tracer.start_as_current_span(spec["name"], attributes=spec.get("attributes", {})) as span:
            for event in spec.get("events", []):
                span.add_event(event["name"], attributes=event.get("attributes", {}))
    provider.shutdown()
    ok = len(exporter.results) == len(job["spans"]) and all(r == SpanExportResult.SUCCESS for r in exporter.results)
    print(json.dumps({"results": [r.name for r in exporter.results], "spans": len(job["spans"])}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
