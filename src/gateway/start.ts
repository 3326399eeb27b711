/**
 * Starts the whole gateway from a loaded config and stops it gracefully.
 *
 * Start: metrics → policy (read and parsed here; compiled by the policy workers, which judge it, or
 * with `service.workers: 0` here) → router and export queues → telemetry server (so /readyz answers
 * "not ready" while the rest comes up) → receiver. Any failure on the way is a StartupError whose
 * lines the CLI prints; whatever was already started is stopped again.
 *
 * With policy workers this thread only moves bytes, so it loads neither the compiler nor the detectors
 * (README "Memory of the main thread"): the workers' compile reports (compile-report.ts) tell it the
 * version, the signals the policy classifies and every issue, placed here at file:line:col.
 *
 * Close (SIGTERM/SIGINT), in this order:
 *   1. /readyz turns 503, so a load balancer stops sending here;
 *   2. the intake switch closes: every new request on every connection (keep-alive included, gRPC
 *      streams too) is answered 503 + Retry-After (UNAVAILABLE) with `connection: close`, and the
 *      listener stops accepting connections; requests already admitted finish and are answered 200;
 *   3. the export queues drain until service.shutdown_timeout. Memory queues get the whole timeout;
 *      what they still hold then is counted as failed ('shutdown') and logged (counts, no payloads).
 *      Persistent queues keep what is not exported on disk for the next start, an export in flight at
 *      the deadline included (it is left queued, never counted lost);
 *   4. the telemetry server stops and a summary is logged. `close()` resolves with what was left, so
 *      the CLI's exit code tells a supervisor whether everything drained.
 */
import { createServer, type Server } from 'node:http';
import type { GatewayConfig } from '../config/types.js';
import type { HostPort } from '../config/units.js';
import { createRouter } from '../export/factory.js';
import type { DrainReport, SpanRouter } from '../export/types.js';
import { readPolicyHere, readPolicyOffThread, type PolicyFiles } from './files-thread.js';
import { policyVersion } from '../policy/version.js';
import { lazyListener } from '../receiver/lazy-listener.js';
import { createReceiverListener } from '../receiver/node-listener.js';
import { createOtlpHttpReceiver } from '../receiver/otlp-http.js';
import type { GrpcReceiver } from '../receiver/grpc/server.js';
import { InflightBudget } from '../receiver/inflight-budget.js';
import type { HandleRequest } from '../receiver/types.js';
import { IntakeSwitch } from '../receiver/intake.js';
import { formatHost, startTelemetryServer, type TelemetryServer } from '../telemetry/health.js';
import { closeServer, errorFields, listen } from '../telemetry/listen.js';
import { createLogger, type Logger } from '../telemetry/logger.js';
import { createTelemetry } from '../telemetry/metrics.js';
import { formatDiagnostic, type Diagnostic } from '../yaml/diagnostic.js';
import { applyConnectionLimits, connectionServerOptions, LISTEN_BACKLOG } from './connections.js';
import { DEFAULTS } from '../config/types.js';
import { watchPolicy, type PolicyWatcher } from './policy-watch.js';
import { createCapAdmission } from './cap-admission.js';
import { openCapStore } from './open-cap-store.js';
import { createPipeline, type PipelineStats, type StepRunner } from './pipeline.js';
import { defaultWorkerCount, PolicyWorkers } from './policy-workers.js';
import { defaultMaxDecodedBytes } from '../receiver/receiver-deps.js';
import { PolicyHolder, type PolicyIdentity, type PolicySwitch } from './policy-holder.js';
import type { InlinePolicy } from './inline-policy.js';
import { buildWordTableOffThread } from './word-table-thread.js';


export interface GatewayOptions {
  /** Where `${env:}`-style secrets of the policy (hash keys) are read; process.env by default. */
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  /**
   * Reload the policy when its file (or a file in its folder) changes: a valid change swaps in
   * atomically, an invalid one is refused and logged while the running policy stays. Default false;
   * `loopgate serve` turns it on.
   */
  watchPolicy?: boolean;
}

export interface RunningGateway {
  /** e.g. http://127.0.0.1:4318 with the port actually bound; POST traces to `${receiverUrl}/v1/traces`. */
  readonly receiverUrl: string;
  /** `host:port` of the OTLP/gRPC receiver with the port actually bound; undefined when gRPC is not configured. */
  readonly grpcAddress: string | undefined;
  /** e.g. http://127.0.0.1:8888: /metrics, /healthz, /readyz. */
  readonly telemetryUrl: string;
  /** The running policy's identity (the compiled policy lives where it runs: the workers, or inline). */
  readonly policy: PolicyHolder<PolicyIdentity>;
  readonly stats: Readonly<PipelineStats>;
  /**
   * Loads and compiles the policy again and swaps it in atomically; on any error the running policy
   * stays and the diagnostics come back (file:line:col lines). Counted in loopgate_policy_reloads.
   */
  reloadPolicy(): Promise<ReloadResult>;
  /**
   * Graceful shutdown; idempotent. Resolves when everything is closed, with what the drain left:
   * spans lost (memory queues) and spans kept on disk for the next start (persistent queues).
   */
  close(): Promise<DrainReport>;
}

export type ReloadResult = { ok: true; version: string; changed: boolean } | { ok: false; errors: string[] };

/** The gateway could not start; `lines` say why, ready to print (file:line:col for config and policy). */
export class StartupError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'StartupError';
  }
}

/**
 * Logs are served (routes.logs) but no rule of the policy names `signal_type`, so every log record
 * would be discarded as no_rule_matched: fail closed, and worth saying once at start and reload.
 */
function warnUnclassifiedLogs(router: SpanRouter, policy: PolicyIdentity, logger: Logger): void {
  if (router.serves('logs') && !policy.classifies.has('logs')) {
    logger.warn(
      { policyVersion: policy.version },
      "routes.logs is configured but no policy rule applies to log records (a rule applies to them when its 'when' names signal_type): every log record will be discarded as no_rule_matched",
    );
  }
}

function urlOf(at: { address: string; port: number }): string {
  return `http://${formatHost(at.address)}:${at.port}`;
}

function describeListenError(what: string, at: HostPort, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  return `${what}: cannot listen on ${formatHost(at.host)}:${at.port} (${code})`;
}

/** The main thread's record of a policy that compiled: what it stamps and the signals it classifies. */
function identityOf(switched: Extract<PolicySwitch, { ok: true }>): PolicyIdentity {
  return { version: switched.compiled.version, classifies: new Set(switched.compiled.classifies) };
}

/** The version the compile will give the sources: computed here from the parsed documents (version.ts). */
function versionOf(read: Pick<PolicyFiles, 'sources'>): string {
  return policyVersion(read.sources.map((s) => s.doc));
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger({ level: config.service.logLevel });
  const telemetry = createTelemetry();
  const { metrics } = telemetry;
  const cleanups: (() => Promise<void>)[] = [() => telemetry.shutdown()];
  const unwind = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };

  const logWarnings = (warnings: readonly Diagnostic[]): void => {
    for (const w of warnings) logger.warn({ diagnostic: formatDiagnostic(w) }, 'policy warning');
  };
  /** A policy that cannot run: start fails with its file:line:col lines, as `loopgate validate` prints them. */
  const refuseAtStart = (errors: readonly Diagnostic[]): never => {
    metrics.policyLoaded('', 'failure');
    throw new StartupError(errors.map(formatDiagnostic));
  };
  /** The compile's warnings logged at once, wherever it ran; an invalid policy stops the start. */
  const judgeAtStart = async (read: PolicyFiles, switched: PolicySwitch): Promise<Extract<PolicySwitch, { ok: true }>> => {
    if (switched.ok) {
      logWarnings(await read.diagnose(switched.compiled.warnings));
      return switched;
    }
    if (switched.failed === undefined) throw new StartupError([`${config.file}: policy workers: ${switched.error}`]);
    logWarnings(await read.diagnose(switched.failed.warnings));
    return refuseAtStart(await read.diagnose(switched.failed.errors));
  };
  // The policy step runs on worker threads (policy-workers.ts), so no request holds the event loop;
  // `service.workers: 0` keeps it on this thread, and only then are the compiler and the policy
  // reader loaded here. With workers the files are read on a thread of their own (files-thread.ts).
  const workerCount = config.service.workers ?? defaultWorkerCount();
  const readPolicyFiles = (): Promise<PolicyFiles> => (workerCount > 0 ? readPolicyOffThread(config.policyPath) : readPolicyHere(config.policyPath));

  try {
    const read = await readPolicyFiles().catch((err: unknown) => {
      throw new StartupError([`${config.policyPath}: cannot read the policy: ${(err as Error).message}`]);
    });
    cleanups.push(() => read.close());
    if (read.errors.length > 0) refuseAtStart(read.errors);
    let inline: InlinePolicy | undefined;
    let started: Extract<PolicySwitch, { ok: true }> | undefined;
    if (workerCount === 0) {
      inline = new (await import('./inline-policy.js')).InlinePolicy(env);
      started = await judgeAtStart(read, inline.switchTo(read.sources));
    }

    let router: ReturnType<typeof createRouter>;
    try {
      router = createRouter({ exporters: config.exporters, routes: config.routes, metrics, logger });
    } catch (err) {
      throw new StartupError([`${config.file}: ${(err as Error).message}`]);
    }
    cleanups.push(() => router.shutdown());

    const limits = { maxDepth: config.receiver.maxValueDepth };
    let workers: PolicyWorkers | undefined;
    if (workerCount > 0) {
      // Before the queues open and the servers listen: the workers compile the policy, and an invalid
      // one stops the start here, as it would compiled on this thread.
      const inflightBytes = config.receiver.maxInflightBodyBytes;
      const bodyLimit = Math.max(config.receiver.maxRequestBodyBytes, config.receiver.grpc?.maxRequestBodyBytes ?? 0);
      // Built off this thread: only the workers scan, so this one never holds the build's fallout.
      const wordTable = await buildWordTableOffThread().catch((err: unknown) => {
        throw new StartupError([`${config.file}: policy workers: ${(err as Error).message}`]);
      });
      const w = new PolicyWorkers({
        size: workerCount,
        policy: { sources: read.sources, version: versionOf(read) },
        env,
        limits,
        plan: router.encodingPlan(),
        compress: router.compressionPlan(),
        maxDecodedBytes: defaultMaxDecodedBytes(bodyLimit, inflightBytes),
        maxWaiting: config.service.workerQueue.maxWaitingPerWorker * workerCount,
        maxWaitMs: config.service.workerQueue.maxWaitMs,
        wordTable,
        logger,
      });
      workers = w;
      metrics.observeWorkers(() => w.gauges());
      cleanups.push(() => w.close());
      const ready = await w.ready().catch((err: unknown) => {
        throw new StartupError([`${config.file}: policy workers: ${(err as Error).message}`]);
      });
      started = await judgeAtStart(read, ready);
    }
    if (started === undefined) throw new Error('unreachable: the policy was neither compiled here nor by the workers');
    // Judged: nothing more to place at file:line:col, so the reading thread ends here.
    await read.close();
    const policy = new PolicyHolder(identityOf(started));
    metrics.policyLoaded(policy.current.version, 'success');

    // Persistent queues open (and replay what the last run left) before anything is received.
    try {
      await router.start();
    } catch (err) {
      throw new StartupError([`${config.file}: ${(err as Error).message}`]);
    }

    let shuttingDown = false;
    let receiverListening = false;
    const telemetryServer: TelemetryServer = await startTelemetryServer({
      address: config.service.metricsAddress,
      handleMetricsRequest: telemetry.handleMetricsRequest,
      readiness: {
        notReadyReason: () => (shuttingDown ? 'shutting down' : receiverListening ? undefined : 'receiver not listening'),
      },
      onAcceptError: (err) => logger.error({ err: errorFields(err) }, 'telemetry listener error'),
    }).catch((err: unknown) => {
      throw new StartupError([describeListenError('service.telemetry.metrics.address', config.service.metricsAddress, err)]);
    });
    cleanups.push(() => telemetryServer.close());

    // One cap store for the gateway's life: a reload must not reset "at most N per window" counters.
    const opened = await openCapStore(config.capStore, logger).catch((err: unknown) => {
      throw new StartupError([`${config.file}: ${(err as Error).message}`]);
    });
    cleanups.push(() => opened.store.close());
    const caps = createCapAdmission({ ...opened, metrics, logger });
    const w = workers;
    const run: StepRunner | undefined = w ? (request, takeCaps) => w.run(request, takeCaps) : undefined;
    const pipeline = createPipeline({ router, metrics, logger, caps, limits, ...(run ? { run } : { policy: inline! }) });
    warnUnclassifiedLogs(router, policy.current, logger);
    const handle: HandleRequest = (request) => pipeline.handle(request);
    // One budget for the bytes every request in flight holds, whichever protocol it came in on.
    const inflight = new InflightBudget(config.receiver.maxInflightBodyBytes);
    // One switch for every receiver: at shutdown, intake stops everywhere at the same moment.
    const intake = new IntakeSwitch();
    const receiver = createOtlpHttpReceiver({
      limits: { maxRequestBodyBytes: config.receiver.maxRequestBodyBytes },
      inflight,
      auth: config.receiver.auth,
      handle,
      metrics,
      logger,
      intake,
      // With policy workers, they inflate gzip/deflate bodies too: the event loop only moves bytes.
      decompress: workers ? 'worker' : 'receiver',
    });
    // Export POSTs take the fast path on Node's own request and response; the rest (404, 405, unusual
    // URLs) the Hono app, answering from the same receiver.
    const connectionLimits = config.receiver.connections ?? DEFAULTS.connections;
    // The Hono app loads with the first request it has to answer: most gateways never get one.
    const fallback = lazyListener(
      async () => {
        const [{ getRequestListener }, { receiverApp }] = await Promise.all([import('@hono/node-server'), import('../receiver/app.js')]);
        return getRequestListener(receiverApp(receiver).fetch);
      },
      (err) => logger.error({ err: err instanceof Error ? errorFields(err) : { message: String(err) } }, 'OTLP/HTTP fallback failed to load'),
    );
    const server = createServer(connectionServerOptions(connectionLimits), createReceiverListener(receiver, fallback));
    applyConnectionLimits(server, connectionLimits);
    server.on('drop', () => metrics.connectionsClosed('http', 'max_connections'));
    // A client may half-close once its request is sent (Connection: close, then FIN). Node's default
    // then drops the request in progress unanswered; admission awaits compression and, with storage,
    // the disk, so the FIN usually comes first. Half-open, the answer still goes out, then the socket
    // ends. (Node's http.Server reads this flag in its end-of-socket handler; @types/node omits it.)
    (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
    const bound = await listen(server, config.receiver.endpoint, (err) => logger.error({ err: errorFields(err) }, 'OTLP/HTTP listener error'), LISTEN_BACKLOG).catch((err: unknown) => {
      throw new StartupError([describeListenError('receivers.otlp.protocols.http.endpoint', config.receiver.endpoint, err)]);
    });
    cleanups.push(async () => {
      server.closeAllConnections();
      await closeServer(server);
    });

    // OTLP/gRPC, when configured: the same pipeline, auth and in-flight budget.
    let grpc: GrpcReceiver | undefined;
    let grpcAddress: string | undefined;
    const grpcConfig = config.receiver.grpc;
    if (grpcConfig) {
      // grpc-js (~13 MiB of RSS once loaded) only for a gateway that receives OTLP/gRPC.
      const { createGrpcReceiver } = await import('../receiver/grpc/server.js');
      grpc = createGrpcReceiver({ limits: { maxRequestBodyBytes: grpcConfig.maxRequestBodyBytes, connections: grpcConfig.connections }, inflight, auth: config.receiver.auth, handle, metrics, logger, intake });
      const port = await grpc.listen(grpcConfig.endpoint.host, grpcConfig.endpoint.port).catch((err: unknown) => {
        throw new StartupError([describeListenError('receivers.otlp.protocols.grpc.endpoint', grpcConfig.endpoint, err)]);
      });
      const g = grpc;
      cleanups.push(() => g.close(Date.now()));
      grpcAddress = `${formatHost(grpcConfig.endpoint.host)}:${port}`;
    }
    receiverListening = true;
    const receiverUrl = urlOf(bound);

    logger.info(
      {
        receiver: receiverUrl,
        ...(grpcAddress !== undefined && { grpc: grpcAddress }),
        telemetry: telemetryServer.url,
        policyVersion: policy.current.version,
        policyWorkers: workerCount,
        exporters: Object.keys(config.exporters),
        routes: config.routes,
        auth: config.receiver.auth ? config.receiver.auth.tokens.length : 0,
      },
      'loopgate serving',
    );

    let closing: Promise<DrainReport> | undefined;
    let watcher: PolicyWatcher | undefined;
    const close = (): Promise<DrainReport> =>
      (closing ??= (async () => {
        watcher?.close();
        const started = Date.now();
        const deadline = started + config.service.shutdownTimeoutMs;
        shuttingDown = true; // /readyz answers 503 from now on
        intake.close();
        logger.info({ timeoutMs: config.service.shutdownTimeoutMs }, 'shutting down: intake stopped, draining export queues');
        // Stop accepting connections; open ones get 503 + connection: close (gRPC: UNAVAILABLE) on their
        // next request, and requests in flight finish (their records are admitted before they are answered).
        const closed = Promise.all([closeServer(server), grpc?.close(deadline)]);
        const timer = new Promise<void>((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref());
        await Promise.race([closed, timer]);
        server.closeAllConnections();
        await grpc?.close(Date.now());
        receiverListening = false;
        await workers?.close();
        const report = await router.drain(deadline);
        await router.shutdown();
        await opened.store.close();
        await telemetryServer.close();
        await telemetry.shutdown();
        const summary = { ...pipeline.stats, spansLost: report.lostSpans, spansKeptOnDisk: report.keptSpans, durationMs: Date.now() - started };
        // outcome: drained | kept_on_disk (exported on the next start) | spans_lost (counted, no payloads)
        if (report.lostSpans > 0) logger.error({ ...summary, outcome: 'spans_lost' }, 'loopgate stopped');
        else if (report.keptSpans > 0) logger.info({ ...summary, outcome: 'kept_on_disk' }, 'loopgate stopped');
        else logger.info({ ...summary, outcome: 'drained' }, 'loopgate stopped');
        return report;
      })());

    const reloadPolicy = async (): Promise<ReloadResult> => {
      const refuse = (errors: readonly Diagnostic[]): ReloadResult => {
        metrics.policyLoaded(policy.current.version, 'failure');
        // The same file:line:col lines `loopgate validate` prints: policy text, never telemetry.
        const diagnostics = errors.map(formatDiagnostic);
        logger.error({ errors: diagnostics.length, diagnostics, policyVersion: policy.current.version }, 'policy reload refused; the running policy stays');
        return { ok: false, errors: diagnostics };
      };
      /** Refused for a reason outside the policy's text (the workers, the reading thread): no file:line:col. */
      const refuseOutside = (error: string, message: string): ReloadResult => {
        metrics.policyLoaded(policy.current.version, 'failure');
        logger.error({ error, policyVersion: policy.current.version }, message);
        return { ok: false, errors: [`${config.policyPath}: ${error}`] };
      };
      let read: PolicyFiles;
      try {
        read = await readPolicyFiles();
      } catch (err) {
        return refuseOutside(`cannot read the policy: ${(err as Error).message}`, 'policy reload refused; the running policy stays');
      }
      try {
        if (read.errors.length > 0) return refuse(read.errors);
        // Every worker compiles the same sources first; only then do requests get the new version.
        const switched = workers ? await workers.reload(read.sources, versionOf(read)) : inline!.switchTo(read.sources);
        if (!switched.ok && switched.failed) {
          logWarnings(await read.diagnose(switched.failed.warnings));
          return refuse(await read.diagnose(switched.failed.errors));
        }
        if (!switched.ok) return refuseOutside(switched.error, 'policy reload refused by the policy workers; the running policy stays');
        // The workers run the new policy from here on, whatever happens to its warnings' placing.
        const warnings = await read.diagnose(switched.compiled.warnings).catch((err: unknown) => {
          logger.error({ error: (err as Error).message, warnings: switched.compiled.warnings.length }, 'policy warnings could not be placed at file:line:col');
          return [];
        });
        logWarnings(warnings);
        const next = identityOf(switched);
        const previous = policy.swap(next);
        metrics.policyLoaded(next.version, 'success');
        warnUnclassifiedLogs(router, next, logger);
        logger.info({ from: previous.version, to: next.version }, 'policy reloaded');
        return { ok: true, version: next.version, changed: previous.version !== next.version };
      } catch (err) {
        // Only before the switch: the reading thread failed while placing a refused policy's issues.
        return refuseOutside(`cannot place the policy's issues: ${(err as Error).message}`, 'policy reload refused; the running policy stays');
      } finally {
        await read.close();
      }
    };

    if (options.watchPolicy) {
      watcher = watchPolicy(config.policyPath, () => void reloadPolicy(), {
        onError: (err) => logger.error({ error: (err as NodeJS.ErrnoException).code ?? err.name }, 'policy watch stopped; reload with SIGHUP'),
      });
    }

    return { receiverUrl, grpcAddress, telemetryUrl: telemetryServer.url, policy, stats: pipeline.stats, reloadPolicy, close };
  } catch (err) {
    await unwind();
    throw err;
  }
}
