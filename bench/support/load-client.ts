/**
 * The client side of the whole-server benchmarks: OTLP/HTTP protobuf requests from keep-alive
 * connections, either closed-loop (each client sends its next request when the last one is answered:
 * the most the server takes) or open-loop at a fixed rate (requests leave on a timetable whatever the
 * server does, and each one's latency counts from the moment it was due, so a stalled server is seen
 * as the queue it builds rather than hidden by clients that stop sending).
 */
import http from 'node:http';

export interface LoadTarget {
  host: string;
  port: number;
  path: string;
}

export interface LoadResult {
  seconds: number;
  /** Requests answered 200. */
  ok: number;
  /** Requests answered otherwise (429, 503, …) or failed. */
  refused: number;
  /** Milliseconds per answered request, in completion order. */
  latencies: Float64Array;
}

function post(agent: http.Agent, target: LoadTarget, body: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.byteLength },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

class Latencies {
  private values = new Float64Array(4096);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.n++] = ms;
  }

  done(): Float64Array {
    return this.values.slice(0, this.n);
  }
}

/** `clients` connections, each sending `bodies` round-robin as fast as they are answered, for `seconds`. */
export async function closedLoop(target: LoadTarget, bodies: readonly Uint8Array[], clients: number, seconds: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = new Latencies();
  let ok = 0;
  let refused = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const client = async (c: number): Promise<void> => {
    for (let i = c; performance.now() < end; i += clients) {
      const t0 = performance.now();
      const status = await post(agent, target, bodies[i % bodies.length]!);
      if (status === 200) {
        ok++;
        latencies.add(performance.now() - t0);
      } else refused++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { seconds: elapsed, ok, refused, latencies: latencies.done() };
}

/**
 * `ratePerSecond` requests a second on a fixed timetable over at most `clients` connections (a
 * request due while all are busy waits for one, and that wait is part of its latency), for `seconds`.
 */
export async function openLoop(target: LoadTarget, bodies: readonly Uint8Array[], clients: number, ratePerSecond: number, seconds: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = new Latencies();
  let ok = 0;
  let refused = 0;
  const interval = 1000 / ratePerSecond;
  const total = Math.max(1, Math.floor(seconds * ratePerSecond));
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      post(agent, target, bodies[i % bodies.length]!).then((status) => {
        if (status === 200) {
          ok++;
          latencies.add(performance.now() - due);
        } else refused++;
      }),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  return { seconds: elapsed, ok, refused, latencies: latencies.done() };
}

/** The q-quantile (0 ≤ q ≤ 1) of `values`, nearest rank. */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.slice().sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** One request on a fresh connection; its HTTP status (0 when it failed). */
export async function sendOnce(target: LoadTarget, body: Uint8Array): Promise<number> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    return await post(agent, target, body);
  } finally {
    agent.destroy();
  }
}

/** Polls `target` with an empty request until it answers 200 (the server is up), or throws at the deadline. */
export async function waitAnswering(target: LoadTarget, deadlineMs: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: false });
  try {
    while (performance.now() < deadlineMs) {
      if ((await post(agent, target, new Uint8Array(0))) === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    agent.destroy();
  }
  throw new Error(`nothing answers 200 at http://${target.host}:${target.port}${target.path}`);
}
