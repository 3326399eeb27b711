/**
 * A tiny OpenAI-compatible model for the interop tests: `POST /v1/chat/completions` on loopback,
 * answering as a real model would, so a real instrumented client (the openai SDK under
 * opentelemetry-instrumentation-openai-v2) records real GenAI telemetry without a network:
 *
 *   - a request offering `tools` whose last message is the user's → a `tool_calls` choice calling the
 *     first tool, with arguments that carry `reply.toolArguments`;
 *   - a request whose last message is a tool result, or any other → a text answer (`reply.text`);
 *   - model `reject` → HTTP 400 with an OpenAI error body (the instrumentation's error path).
 *
 * Every request is recorded (method, path, parsed body) so a test can check what the app sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubReply {
  /** The assistant's text answer. */
  text: string;
  /** The arguments of the tool call the model makes, as an object (sent as a JSON string). */
  toolArguments: Record<string, unknown>;
}

export interface OpenAiStub {
  /** Base URL for the openai SDK: `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string;
  readonly requests: { path: string; body: unknown }[];
  close(): Promise<void>;
}

interface ChatRequest {
  model?: string;
  messages?: { role?: string }[];
  tools?: { function?: { name?: string } }[];
}

export async function startOpenAiStub(reply: StubReply): Promise<OpenAiStub> {
  const requests: { path: string; body: unknown }[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: ChatRequest = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
      } catch {
        // answered below as a bad request
      }
      requests.push({ path: req.url ?? '', body });
      const send = (status: number, payload: unknown): void => {
        const text = JSON.stringify(payload);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) return send(404, { error: { message: 'not found', type: 'invalid_request_error' } });
      const model = body.model ?? 'gpt-4o-mini';
      if (model === 'reject') return send(400, { error: { message: 'This model refuses the request.', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
      n++;
      const last = body.messages?.at(-1)?.role;
      const tool = body.tools?.[0]?.function?.name;
      const message =
        tool !== undefined && last === 'user'
          ? { role: 'assistant', content: null, tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: tool, arguments: JSON.stringify(reply.toolArguments) } }] }
          : { role: 'assistant', content: reply.text };
      send(200, {
        id: `chatcmpl-stub-${n}`,
        object: 'chat.completion',
        created: 1_767_225_600,
        model: `${model}-2024-07-18`,
        system_fingerprint: 'fp_stub',
        choices: [{ index: 0, message, logprobs: null, finish_reason: 'tool_calls' in message ? 'tool_calls' : 'stop' }],
        usage: { prompt_tokens: 42, completion_tokens: 17, total_tokens: 59 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
