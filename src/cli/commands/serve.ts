/**
 * `loopgate serve [--config FILE]`: loads the gateway config, starts the receiver and the telemetry
 * server, and runs until SIGTERM or SIGINT, then shuts down gracefully (stop intake, drain the export
 * queues within service.shutdown_timeout). The exit code says how the drain ended, for supervisors.
 */
import { resolve } from 'node:path';
import { formatDiagnostic } from '../../yaml/diagnostic.js';
import { loadConfigOffThread } from '../../gateway/files-thread.js';
import { capsMainYoungGeneration, preferAtomicMarking, workersSizeTheirOwnYoungGeneration } from '../../gateway/gc-tuning.js';
import { startGateway, StartupError } from '../../gateway/start.js';
import { waitForShutdownSignal } from '../../gateway/signals.js';
import { createLogger } from '../../telemetry/logger.js';
import { parseCommandArgs } from './parse-args.js';
import { CliError, type CliIO, type Command } from './types.js';

const HELP = `Usage: loopgate serve [--config FILE]

Runs the gateway: receives OTLP/HTTP traces on POST /v1/traces, applies the policy and forwards
each class of span to its exporters. Serves /metrics, /healthz and /readyz on the telemetry address.
Stops gracefully on SIGTERM or SIGINT (draining export queues within service.shutdown_timeout).

Policy hot reload: saving the policy file (or any .yaml in a policy folder), or sending SIGHUP,
reloads it. A valid policy swaps in atomically and the loopgate.policy.version stamp changes; an
invalid one is refused, its errors are logged as 'loopgate validate' prints them, and the running
policy stays. /metrics shows loopgate_policy_info{version} and loopgate_policy_reloads_total{outcome}.

Options:
  -c, --config FILE   gateway config (default: ./loopgate.yaml)
  -h, --help          show this help

Signals: SIGTERM or SIGINT stops intake at once (new requests get 503 + Retry-After, /readyz 503) and
drains the export queues; a second signal exits at once (130). Run node directly or with 'npm start'
(which execs node) under a supervisor: 'npx loopgate' does not pass signals on to the gateway.

Exit codes:
  0  shut down and everything accepted was exported
  1  the config or policy is invalid, a port cannot be bound or a queue folder cannot be used
  3  shut down; spans not yet exported stay in the persistent queues for the next start (none lost)
  4  shut down; spans held in memory queues could not be exported and were lost (counted and logged)`;

/** Exit code: spans remain in persistent queues (nothing lost). */
export const EXIT_KEPT_ON_DISK = 3;
/** Exit code: spans in memory queues were lost at the shutdown deadline. */
export const EXIT_SPANS_LOST = 4;

export const serveCommand: Command = {
  name: 'serve',
  help: HELP,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values } = parseCommandArgs('serve', args, {
      config: { type: 'string', short: 'c', default: 'loopgate.yaml' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    // Before the heap grows and before any policy worker starts: the flag is process-wide (gc-tuning.ts).
    preferAtomicMarking();
    workersSizeTheirOwnYoungGeneration();
    // Read on a short-lived thread: the YAML parser and the schemas never load on this one (files-thread.ts).
    const loaded = await loadConfigOffThread(resolve(io.cwd, values.config), io.env);
    if (!loaded.ok) throw new CliError(loaded.errors.map(formatDiagnostic));

    const logger = createLogger({ level: loaded.config.service.logLevel });
    if (loaded.config.service.workers === 0 && capsMainYoungGeneration()) {
      logger.warn({}, 'service.workers: 0 runs the policy on the main thread, whose young generation --max-semi-space-size caps: run node without it (as the Dockerfile and npm start pass it) for inline policy, which otherwise does ~30% fewer spans per CPU-second');
    }
    // Listen for signals before starting, so a SIGTERM during start-up still ends in a clean close.
    const shutdownSignal = waitForShutdownSignal();
    let gateway;
    try {
      gateway = await startGateway(loaded.config, { env: io.env, logger, watchPolicy: true });
    } catch (err) {
      if (err instanceof StartupError) throw new CliError(err.lines);
      throw err;
    }
    // SIGHUP reloads the policy, as daemons do; the file watch does the same on every save.
    const running = gateway;
    const onHangup = (): void => void running.reloadPolicy();
    process.on('SIGHUP', onHangup);
    const signal = await shutdownSignal;
    process.off('SIGHUP', onHangup);
    logger.info({ signal }, 'shutdown requested');
    const report = await gateway.close();
    if (report.lostSpans > 0) return EXIT_SPANS_LOST;
    if (report.keptSpans > 0) return EXIT_KEPT_ON_DISK;
    return 0;
  },
};
