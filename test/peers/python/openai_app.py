"""A GenAI app as people write them: the openai SDK, instrumented by opentelemetry-instrumentation-openai-v2
(on opentelemetry-util-genai), exporting its spans and GenAI events (log records) with the OpenTelemetry
Python SDK's own OTLP exporters.

Driven by the interop tests (test/e2e/python-sdk.test.ts) as a child process, against a local
OpenAI-compatible stub (test/support/openai-stub.ts). Reads one job as JSON on stdin, makes the calls
(a chat with a system and a user message; a tool-call round trip; a call the model rejects), shuts the
providers down (which exports everything) and prints one JSON line on stdout:
{"spans": [...results], "logs": [...results]}. Exits 0 only when every export succeeded.

Job:
  {"endpoint": "http://127.0.0.1:4318" | "127.0.0.1:4317",   # base URL (http) or host:port (grpc)
   "protocol": "http/protobuf" | "grpc",
   "compression": "gzip" | "none",
   "headers": {"authorization": "Bearer ..."},
   "resource": {"service.name": "...", "tenant.id": "..."},
   "capture": "EVENT_ONLY" | "SPAN_AND_EVENT",
   "model_url": "http://127.0.0.1:PORT/v1",
   "system": "...", "user": "...", "tool_result": {...}}
"""

import json
import os
import sys

job = json.load(sys.stdin)
# Read by the instrumentation when it is imported and instrumented: set them first.
os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = job["capture"]

from opentelemetry.sdk._logs import LoggerProvider  # noqa: E402
from opentelemetry.sdk._logs.export import LogRecordExportResult, SimpleLogRecordProcessor  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult  # noqa: E402


def exporters(job):
    """The SDK's OTLP span and log exporters for the job's transport."""
    headers = job.get("headers", {})
    if job["protocol"] == "grpc":
        from grpc import Compression
        from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        compression = Compression.Gzip if job.get("compression") == "gzip" else Compression.NoCompression
        kw = dict(endpoint=job["endpoint"], insecure=True, headers=tuple(headers.items()), compression=compression, timeout=30)
        return OTLPSpanExporter(**kw), OTLPLogExporter(**kw)
    from opentelemetry.exporter.otlp.proto.http import Compression
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    compression = Compression.Gzip if job.get("compression") == "gzip" else Compression.NoCompression
    base = job["endpoint"].rstrip("/")
    return (
        OTLPSpanExporter(endpoint=base + "/v1/traces", headers=headers, compression=compression, timeout=30),
        OTLPLogExporter(endpoint=base + "/v1/logs", headers=headers, compression=compression, timeout=30),
    )


class Recording:
    """Delegates to the real exporter and keeps each export's result, so the exit code can tell."""

    def __init__(self, inner):
        self.inner = inner
        self.results = []

    def export(self, batch):
        result = self.inner.export(batch)
        self.results.append(result.name)
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return self.inner.force_flush(timeout_millis)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def main():
    span_exporter, log_exporter = exporters(job)
    spans, logs = Recording(span_exporter), Recording(log_exporter)
    resource = Resource.create(job.get("resource", {}))
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    logger_provider = LoggerProvider(resource=resource)
    logger_provider.add_log_record_processor(SimpleLogRecordProcessor(logs))

    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=tracer_provider, logger_provider=logger_provider)
    import openai

    client = openai.OpenAI(base_url=job["model_url"], api_key="sk-stub-not-a-key", max_retries=0)
    system = {"role": "system", "content": job["system"]}
    user = {"role": "user", "content": job["user"]}

    # (1) a chat with a system and a user message
    client.chat.completions.create(model="gpt-4o-mini", messages=[system, user])

    # (2) a tool-call round trip: the model calls the tool, the app sends the tool's result back
    tools = [{"type": "function", "function": {"name": "lookup_customer", "description": "Find a customer",
              "parameters": {"type": "object", "properties": {"email": {"type": "string"}}}}}]
    first = client.chat.completions.create(model="gpt-4o-mini", messages=[system, user], tools=tools)
    call = first.choices[0].message.tool_calls[0]
    assistant = {"role": "assistant", "tool_calls": [{"id": call.id, "type": "function",
                 "function": {"name": call.function.name, "arguments": call.function.arguments}}]}
    tool = {"role": "tool", "tool_call_id": call.id, "content": json.dumps(job["tool_result"])}
    client.chat.completions.create(model="gpt-4o-mini", messages=[system, user, assistant, tool], tools=tools)

    # (3) a call the model rejects: the instrumentation's error path
    try:
        client.chat.completions.create(model="reject", messages=[user])
    except openai.BadRequestError:
        pass

    tracer_provider.shutdown()
    logger_provider.shutdown()
    ok = (
        spans.results
        and logs.results
        and all(r == SpanExportResult.SUCCESS.name for r in spans.results)
        and all(r == LogRecordExportResult.SUCCESS.name for r in logs.results)
    )
    print(json.dumps({"spans": spans.results, "logs": logs.results}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
