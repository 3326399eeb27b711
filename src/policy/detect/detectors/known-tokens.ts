/**
 * Credentials of further vendors whose tokens carry a documented prefix but have no entity of their
 * own; they are reported as GENERIC_SECRET. Same construction as the named families: bounded body,
 * token boundaries, substring prefilter, scansEncoded.
 */
import { regexDetector } from '../regex-detector.js';

const PREFIXES = [
  'sq0atp-', 'sq0csp-', 'EAAA', // Square
  'pypi-AgEIcHlwaS5vcmc', // PyPI upload tokens (base64 of "pypi.org" macaroon)
  'hvs.', 'hvb.', // HashiCorp Vault
  'r8_', // Replicate
  'gsk_', // Groq
  'xai-', // xAI
  'sntrys_', // Sentry org tokens (a base64 JSON payload of varying length)
  'NRAK-', 'NRII-', // New Relic
  'glc_', 'glsa_', // Grafana
  'figd_', // Figma
  'ATATT3', // Atlassian API tokens
  'ya29.', // Google OAuth access tokens
  'dp.pt.', 'dp.st.', 'dp.ct.', 'dp.sa.', // Doppler
  'pscale_tkn_', 'pscale_pw_', // PlanetScale
  'ntn_', // Notion integrations
  'tskey-', // Tailscale
] as const;

const escaped = PREFIXES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
const KNOWN = new RegExp(`(?<![A-Za-z0-9_\\-.])(?:${escaped})[A-Za-z0-9_\\-.]{16,250}(?![A-Za-z0-9_\\-])`, 'g');
const HINT = new RegExp(escaped);
/** Twilio API key SIDs (SK + 32 hex), Mailgun keys (key- + 32 hex), Databricks tokens (dapi + 32 hex). */
const HEXED = /(?<![A-Za-z0-9_\-])(?:SK[0-9a-f]{32}|key-[0-9a-f]{32}|dapi[0-9a-f]{32})(?![A-Za-z0-9_\-])/g;

export const knownTokenDetector = regexDetector({
  name: 'known_token',
  entity: 'GENERIC_SECRET',
  pattern: KNOWN,
  mayMatch: (text) => HINT.test(text),
  prefixes: PREFIXES,
  // the body must look random: a prefix followed by an ordinary identifier is not a credential
  validate: (m) => /\d/.test(m[0]) && /[A-Za-z]/.test(m[0].slice(6)),
  scansEncoded: true,
});

export const hexTokenDetector = regexDetector({
  name: 'hex_token',
  entity: 'GENERIC_SECRET',
  pattern: HEXED,
  mayMatch: (text) => text.includes('SK') || text.includes('key-') || text.includes('dapi'),
  prefixes: ['SK', 'key-', 'dapi'],
  scansEncoded: true,
});
