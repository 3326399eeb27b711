/**
 * `loopgate explain --policy P FILE…`: for each span and log record, what was detected (entity, field, JSON path,
 * action, placeholder), the sampling decision, how the tenant was resolved, and which rule classified it
 * and why (or why it was discarded or rejected). Never prints a detected value (src/explain/).
 */
import { builtinScrubber, explainDecision, formatExplainJson, formatExplainText, type ExplainedSpan } from '../../explain/index.js';
import type { RequestContext } from '../../policy/types.js';
import { stripStamps } from '../../replay/index.js';
import { parseCommandArgs } from './parse-args.js';
import { loadPolicyOrFail, parseFormat, readCorpus } from './replay.js';
import { CliError, EXIT_USAGE, type CliIO, type Command } from './types.js';
import { displayPath } from './validate.js';

const HELP = `Usage: loopgate explain --policy P [--tenant T] [--format text|json] FILE...

Shows, for each span and log record of an OTLP-JSON traces or logs file (one request, or JSON Lines of
requests as the file exporter writes; folders allowed; a log record is named by its event name):
  - what was detected: entity, detector, field and JSON path, action and the placeholder written
  - the sampling decision and why
  - how the tenant was resolved (bearer token, resource attribute, or none)
  - which rule classified the record and why, or why it was discarded or rejected
Detected values are never printed: only placeholders and locations. Masked values are described, not
shown. Records already stamped by Loopgate are explained as fresh ones.

Options:
  --policy FILE|DIR     the policy to explain
  --tenant T            explain as if the request were authenticated as tenant T
  --format text|json    output format (default: text)
  -h, --help            show this help

Exit codes: 0; 1 when the policy is invalid; 2 on bad usage or when a file cannot be read.`;

export const explainCommand: Command = {
  name: 'explain',
  help: HELP,
  async run(args: readonly string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(
      'explain',
      args,
      { policy: { type: 'string' }, tenant: { type: 'string' }, format: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      true,
    );
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    const usage = (msg: string): CliError => new CliError([`loopgate explain: ${msg}`, "Run 'loopgate explain --help' for usage."], EXIT_USAGE);
    if (values.policy === undefined) throw usage('--policy is required');
    if (positionals.length === 0) throw usage('no span file given');
    const format = parseFormat('explain', values.format);

    const policy = loadPolicyOrFail(values.policy, io);
    const ctx: RequestContext = values.tenant !== undefined ? { authTenant: values.tenant } : {};
    const scrub = builtinScrubber();
    const spans: ExplainedSpan[] = [];
    for (const recorded of readCorpus(positionals, io, 'explain')) {
      const decisions = policy.processSignal(stripStamps(recorded.request), ctx, { explain: true }).decisions ?? [];
      decisions.forEach((d, i) => spans.push(explainDecision(d, recorded.origin, i + 1, scrub)));
    }
    const header = { policyVersion: policy.version, policySources: policy.sources.map((s) => displayPath(io.cwd, s)), authTenant: values.tenant };
    io.stdout(format === 'json' ? formatExplainJson(header, spans) : formatExplainText(header, spans));
    return 0;
  },
};
