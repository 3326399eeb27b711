/**
 * A gateway config from YAML text, as `loopgate serve` would load it from `file` (relative paths
 * resolve against the file's folder); a config the test got wrong fails with the loader's own
 * file:line:col messages.
 */
import { parseGatewayConfig, type GatewayConfig } from '../../src/config/index.js';
import { formatDiagnostic } from '../../src/yaml/index.js';

export function gatewayConfig(text: string, file: string, env: Readonly<Record<string, string | undefined>> = {}): GatewayConfig {
  const r = parseGatewayConfig(text, file, { env });
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.config;
}
