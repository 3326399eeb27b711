/**
 * Vendor credentials recognised by their documented prefixes and shapes (formats as catalogued by
 * gitleaks' rules and the vendors' own docs; patterns written here). Each family is one bounded regex
 * with token boundaries on both sides, prefiltered by a plain substring test on its prefixes, and run
 * over base64 blobs too (scansEncoded): a prefix match is evidence enough.
 */
import { regexDetector, type BuiltinDetector, type Verdict } from '../regex-detector.js';
import type { EntityName } from '../types.js';

/** Token characters: a secret must not start or end inside a longer token. */
const B = '(?<![A-Za-z0-9_\\-])';
const E = '(?![A-Za-z0-9_\\-])';

/**
 * One prefilter per family: a single substring search when there is one prefix, otherwise one
 * alternation of escaped literals, which V8 scans natively in one pass.
 */
function prefixTest(prefixes: readonly string[]): (text: string) => boolean {
  const [only] = prefixes;
  if (prefixes.length === 1 && only !== undefined) return (text) => text.includes(only);
  const re = new RegExp(prefixes.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  return (text) => re.test(text);
}

/**
 * A vendor prefix followed by random material: the body (after `prefixLen` characters) has a digit or
 * an upper-case letter and no run of five equal characters. Applied to every family that also accepts
 * truncated tokens, so placeholders such as `ghp_xxxxxxxxxxxxxxxxxxxx` or `sk-ant-api03-...` and
 * prefixed identifiers (`ghs_build_cache_enabled`) are not taken for keys.
 */
export function randomAfter(prefixLen: number): (m: RegExpExecArray) => Verdict {
  return (m) => {
    const body = m[0].slice(prefixLen);
    return /[0-9A-Z]/.test(body) && /[A-Za-z]/.test(body) && !/(.)\1{4}/.test(body);
  };
}

/**
 * Truncated secrets. Answers and logs echo pieces of keys ("ghp_1234567890abcdefghij…"). A piece that
 * is long enough to narrow a brute-force search is still secret material, so each family accepts a
 * body shorter than the full token, down to a floor chosen per family: 16 characters for GitHub,
 * GitLab and Stripe, 10 for Slack (whose tokens are mostly structured digits), 20 for Anthropic,
 * OpenAI project keys, Hugging Face and npm, 24 for Google API keys; AWS key ids stay exact (16).
 */
function family(
  name: string,
  entity: EntityName,
  body: string,
  prefixes: readonly string[],
  validate?: (m: RegExpExecArray) => Verdict,
): BuiltinDetector {
  return regexDetector({
    name,
    entity,
    pattern: new RegExp(B + body + E, 'g'),
    mayMatch: prefixTest(prefixes),
    prefixes,
    ...(validate ? { validate } : {}),
    scansEncoded: true,
  });
}

/** AWS access key ids: AKIA (long-term), ASIA (STS), ABIA, ACCA, A3T… + 16 base32-ish characters. */
export const awsAccessKeyDetector = family(
  'aws_access_key',
  'AWS_ACCESS_KEY',
  '(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}',
  ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
  // placeholders (AKIAXXXXXXXXXXXXXXXX) are no credentials; AWS's documented example key still counts
  // as one here, since it is what test traffic carries
  (m) => !/(.)\1{4}/.test(m[0].slice(4)),
);

/** GitHub: classic ghp_/gho_/ghu_/ghs_/ghr_ + 36, fine-grained github_pat_ + 22 + '_' + 59. */
export const githubTokenDetector = family(
  'github_token',
  'GITHUB_TOKEN',
  '(?:gh[pousr]_[A-Za-z0-9]{16,251}|github_pat_[A-Za-z0-9_]{16,251})',
  ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  randomAfter(4),
);

/** GitLab: personal (glpat-), deploy, runner, trigger, OAuth app, CI job, feed, incoming mail tokens. */
export const gitlabTokenDetector = family(
  'gitlab_token',
  'GITLAB_TOKEN',
  // routable tokens end in '.' + a two-character version and a seven-character CRC (base36)
  '(?:gl(?:pat|dt|rt|ptt|soat|oas|cbt|imt|agent|ffct|ft|wt|sat)-[A-Za-z0-9_\\-]{16,300}(?:\\.[0-9a-z]{2}\\.?[0-9a-z]{7})?|GR1348941[A-Za-z0-9_\\-]{16,64})',
  ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glsoat-', 'gloas-', 'glcbt-', 'glimt-', 'glagent-', 'glffct-', 'glft-', 'glwt-', 'glsat-', 'GR1348941'],
  randomAfter(4),
);

/** Slack: bot/user/app/refresh/config tokens (xox?-, xapp-) and incoming-webhook URLs; 10+ characters after the prefix. */
export const slackTokenDetector = family(
  'slack_token',
  'SLACK_TOKEN',
  '(?:xox[abposre]-[0-9A-Za-z\\-]{10,250}|xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{60,250}|xapp-\\d-[A-Za-z0-9\\-]{10,250}|hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\\-]{20,200})',
  ['xox', 'xapp-', 'hooks.slack.com'],
  // placeholders (`xoxb-xxxxxxxxxx`, `xoxp-0000000000-…`) have no digit or a run of equal characters
  (m) => /\d/.test(m[0].slice(5)) && !/([^0-9])\1{4}|0{6}/.test(m[0].slice(5)),
);

/** Stripe: secret, restricted and publishable keys in live and test mode, and webhook secrets. */
export const stripeKeyDetector = family(
  'stripe_key',
  'STRIPE_KEY',
  '(?:(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,247}|whsec_[0-9A-Za-z]{16,247})',
  ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'pk_live_', 'pk_test_', 'whsec_'],
  randomAfter(6),
);

/**
 * OpenAI: project/service-account/admin keys (sk-proj-, sk-svcacct-, sk-admin-) and legacy user keys
 * (sk- + 20 + "T3BlbkFJ" + 20: the marker is base64 for "OpenAI").
 */
export const openaiKeyDetector = family(
  'openai_key',
  'OPENAI_KEY',
  '(?:sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\\-]{20,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})',
  ['sk-'],
  randomAfter(8),
);

/** Anthropic: API keys (sk-ant-api03-…) and admin keys (sk-ant-admin01-…). */
export const anthropicKeyDetector = family(
  'anthropic_key',
  'ANTHROPIC_KEY',
  'sk-ant-[A-Za-z0-9_\\-]{20,250}',
  ['sk-ant-'],
  (m) => randomAfter(7)(m) === true && /[0-9A-Za-z]{8}/.test(m[0].slice(m[0].indexOf('-', 7) + 1)),
);

/** Google API keys: "AIza" + 35 URL-safe characters. */
export const gcpApiKeyDetector = family('gcp_api_key', 'GCP_API_KEY', 'AIza[0-9A-Za-z_\\-]{24,35}', ['AIza'], randomAfter(4));

/** Hugging Face user access tokens (hf_) and legacy org tokens (api_org_). */
export const huggingfaceTokenDetector = family(
  'huggingface_token',
  'HUGGINGFACE_TOKEN',
  '(?:hf_[A-Za-z0-9]{20,40}|api_org_[A-Za-z0-9]{20,40})',
  ['hf_', 'api_org_'],
  (m) => /[A-Z]/.test(m[0]) && /[a-z]/.test(m[0].slice(3)),
);

/** npm granular and automation tokens: npm_ + 36. */
export const npmTokenDetector = family('npm_token', 'NPM_TOKEN', 'npm_[A-Za-z0-9]{20,36}', ['npm_'], randomAfter(4));

/** SendGrid: "SG." + 22 + "." + 43. */
export const sendgridKeyDetector = family(
  'sendgrid_key',
  'SENDGRID_KEY',
  'SG\\.[A-Za-z0-9_\\-]{16,32}\\.[A-Za-z0-9_\\-]{30,50}',
  ['SG.'],
);

export const SECRET_FAMILY_DETECTORS: readonly BuiltinDetector[] = [
  awsAccessKeyDetector,
  githubTokenDetector,
  gitlabTokenDetector,
  slackTokenDetector,
  stripeKeyDetector,
  openaiKeyDetector,
  anthropicKeyDetector,
  gcpApiKeyDetector,
  huggingfaceTokenDetector,
  npmTokenDetector,
  sendgridKeyDetector,
];
