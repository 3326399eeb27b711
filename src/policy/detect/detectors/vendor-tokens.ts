/**
 * GENERIC_SECRET: further vendor credentials with a documented prefix and layout (formats as
 * catalogued by public secret-scanning rule sets such as gitleaks' and by the vendors' docs; the
 * patterns are written here). Each family is an exact layout (charset and length), so a prefix followed
 * by the wrong number of characters, or by a placeholder, is not taken; all run over base64 blobs too.
 *
 * `vendorTokenDetector` holds the families that start with a literal prefix (the scanner's shared
 * prefix index decides whether it runs); `shapedTokenDetector` holds the few whose layout has no
 * literal prefix (Azure AD client secrets `…8Q~…`, Telegram bot tokens, Discord bot tokens, Mailchimp
 * keys, Twitter bearer tokens), each still an exact shape.
 */
import type { Finding } from '../types.js';
import type { BuiltinDetector } from '../regex-detector.js';
import { jwtHeaderValid } from './jwt.js';

/** family: [literal prefixes, pattern body (starting with one of the prefixes)]. */
const FAMILIES: readonly [readonly string[], string][] = [
  [['shpat_', 'shpss_', 'shpca_', 'shppa_'], 'shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}'], // Shopify
  [['dop_v1_', 'doo_v1_', 'dor_v1_'], 'do[por]_v1_[a-f0-9]{64}'], // DigitalOcean
  [['PMAK-'], 'PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}'], // Postman
  [['lin_api_'], 'lin_api_[A-Za-z0-9]{40}'], // Linear
  [['pplx-'], 'pplx-[A-Za-z0-9]{48}'], // Perplexity
  [['sntryu_'], 'sntryu_[a-f0-9]{64}'], // Sentry user token
  [['rubygems_'], 'rubygems_[a-f0-9]{48}'], // RubyGems
  [['A3-'], 'A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}'], // 1Password secret key
  [['ops_eyJ'], 'ops_eyJ[A-Za-z0-9+/]{250,2000}={0,3}'], // 1Password service account
  [['p8e-'], 'p8e-[A-Za-z0-9]{32}'], // Adobe client secret
  [['AGE-SECRET-KEY-1'], 'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}'], // age (bech32 alphabet)
  [['LTAI'], 'LTAI[A-Za-z0-9]{20}'], // Alibaba Cloud AccessKey ID
  [['AKCp'], 'AKCp[A-Za-z0-9]{69}'], // JFrog Artifactory API key
  [['cmVmd'], 'cmVmd[A-Za-z0-9]{59}'], // JFrog reference token
  [['ATATT3'], 'ATATT3[A-Za-z0-9_\\-=]{186}'], // Atlassian API token
  [['4b1d'], '4b1d[A-Za-z0-9]{38}'], // ClickHouse Cloud
  [['CLOJARS_'], 'CLOJARS_[a-z0-9]{60}'],
  [['v1.0-'], 'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}'], // Cloudflare Origin CA
  [['duffel_test_', 'duffel_live_'], 'duffel_(?:test|live)_[A-Za-z0-9_\\-=]{43}'],
  [['dt0c01.'], 'dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}'], // Dynatrace
  [['EZAK', 'EZTK'], 'EZ[AT]K[A-Za-z0-9]{54}'], // EasyPost
  [['EAAM', 'EAAC'], 'EAA[MC][A-Za-z0-9]{100,400}'], // Facebook page access token
  [['FLWSECK_TEST-', 'FLWPUBK_TEST-', 'FLWSECK-', 'FLWPUBK-'], 'FLW(?:SEC|PUB)K(?:_TEST)?-[a-h0-9]{32}-X|FLWSECK_TEST-[a-h0-9]{12}'], // Flutterwave
  [['fo1_', 'fm1a_', 'fm1r_', 'fm2_'], 'fo1_[A-Za-z0-9_\\-]{43}|fm(?:1[ar]|2)_[A-Za-z0-9+/]{100,2000}={0,3}'], // Fly.io
  [['fio-u-'], 'fio-u-[A-Za-z0-9\\-_=]{64}'], // Frame.io
  [['eyJrIjoi'], 'eyJrIjoi[A-Za-z0-9]{70,400}={0,3}'], // Grafana API key
  [['glsa_'], 'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}'], // Grafana service account
  [['pat.', 'sat.'], '[ps]at\\.[A-Za-z0-9_\\-]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}'], // Harness
  [['HRKU-AA'], 'HRKU-AA[0-9A-Za-z_\\-]{58}'], // Heroku v2
  [['ico-'], 'ico-[A-Za-z0-9]{32}'], // Infracost
  [['s-s4t2ud-', 's-s4t2af-'], 's-s4t2(?:ud|af)-[a-f0-9]{64}'], // 42 Intra
  [['API-'], 'API-[A-Z0-9]{26}'], // Octopus Deploy
  [['sha256~'], 'sha256~[A-Za-z0-9_\\-]{43}'], // OpenShift user token
  [['pscale_oauth_'], 'pscale_oauth_[A-Za-z0-9_=.\\-]{32,64}'], // PlanetScale OAuth
  [['pnu_'], 'pnu_[A-Za-z0-9]{36}'], // Prefect
  [['pul-'], 'pul-[a-f0-9]{40}'], // Pulumi
  [['rdme_'], 'rdme_[a-z0-9]{70}'], // ReadMe
  [['tk-us-'], 'tk-us-[A-Za-z0-9_\\-]{48}'], // Scalingo
  [['xkeysib-'], 'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}'], // Brevo (Sendinblue)
  [['sm_aat_', 'sm_pat_', 'sm_sat_'], 'sm_[aps]at_[A-Za-z0-9]{16}'], // SettleMint
  [['shippo_live_', 'shippo_test_'], 'shippo_(?:live|test)_[a-fA-F0-9]{40}'],
  [['sgp_'], 'sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}'], // Sourcegraph
  [['tfp_'], 'tfp_[A-Za-z0-9_.=\\-]{59}'], // Typeform
  [['AQVN'], 'AQVN[A-Za-z0-9_\\-]{35,38}'], // Yandex API key
  [['t1.'], 't1\\.[A-Za-z0-9_\\-]{20,400}={0,2}\\.[A-Za-z0-9_\\-]{86}={0,2}'], // Yandex access token
  [['NRJS-'], 'NRJS-[a-f0-9]{19}'], // New Relic browser
  [['_gitlab_session='], '_gitlab_session=[0-9a-z]{32}'],
  [['glrt-t'], 'glrt-t\\d_[0-9A-Za-z_\\-]{27,300}\\.[0-9a-z]{2}\\.?[0-9a-z]{7}'], // GitLab runner, routable
  [['sk_prod_', 'rk_prod_'], '[sr]k_prod_[A-Za-z0-9]{10,99}'], // Stripe (prod mode)
  [['xoxe-'], 'xoxe-\\d-[A-Za-z0-9]{146}'], // Slack configuration refresh token
  [['access-sandbox-', 'access-development-', 'access-production-'], 'access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'], // Plaid
  [['sl.'], 'sl\\.[A-Za-z0-9\\-=_]{135}'], // Dropbox short-lived
  [['ZXlK'], 'ZXlK[A-Za-z0-9+/]{40,8000}={0,2}'], // a JWT, base64-encoded (checked below)
  // Authress service client and access keys: <prefix>_<client>.<key id>.acc_<account>.<secret>
  [['sc_', 'ext_', 'scauth_', 'authress_'], '(?:sc|ext|scauth|authress)_[a-z0-9]{5,30}\\.[a-z0-9]{4,6}\\.acc[_\\-][a-z0-9\\-]{10,32}\\.[A-Za-z0-9+/_=\\-]{30,120}'],
  [['pk.eyJ', 'sk.eyJ'], '[ps]k\\.eyJ[A-Za-z0-9_\\-]{40,200}\\.[A-Za-z0-9_\\-]{20,40}'], // Mapbox
];

const B = '(?<![A-Za-z0-9_\\-.+/])';
const E = '(?![A-Za-z0-9_\\-+/])';
/** One small regex per family, run only when one of its prefixes occurs in the text. */
const COMPILED = FAMILIES.map(([prefixes, body]) => ({ prefixes, pattern: new RegExp(`${B}(?:${body})${E}`, 'g') }));
const PREFIXES = [...new Set(FAMILIES.flatMap(([p]) => p))];

/** The body after a prefix must look random: a digit and a letter, and no run of six equal characters. */
function random(s: string): boolean {
  return /[0-9]/.test(s) && /[A-Za-z]/.test(s) && !/(.)\1{5}/.test(s);
}

function decodedJwt(b64: string): boolean {
  const text = Buffer.from(b64, 'base64').toString('latin1');
  const m = /^eyJ[A-Za-z0-9_\-]{5,2000}\.[A-Za-z0-9_\-]{2,8000}\.[A-Za-z0-9_\-]{0,2000}/.exec(text);
  return m !== null && jwtHeaderValid(m[0]);
}

function vendorValid(s: string): boolean {
  if (s.startsWith('ZXlK')) return decodedJwt(s);
  if (s.startsWith('AGE-SECRET-KEY-1')) return new Set(s.slice(16)).size >= 16; // random, not a repeated placeholder
  if (s.startsWith('access-')) return true;
  const sep = s.includes('_') ? '_' : s.includes('.') ? '.' : '-';
  return random(s.slice(s.indexOf(sep) + 1));
}

export const vendorTokenDetector: BuiltinDetector = {
  name: 'vendor_token',
  entity: 'GENERIC_SECRET',
  patterns: COMPILED.map((c) => c.pattern),
  scansEncoded: true,
  prefixes: PREFIXES,
  mayMatch: (text) => PREFIXES.some((p) => text.includes(p)),
  find(text: string, out: Finding[]): void {
    for (const { prefixes, pattern } of COMPILED) {
      let any = false;
      for (const p of prefixes) if (text.includes(p)) any = true;
      if (!any) continue;
      pattern.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = pattern.exec(text)) !== null) {
        if (vendorValid(m[0])) out.push({ entity: 'GENERIC_SECRET', start: m.index, end: m.index + m[0].length, detector: 'vendor_token' });
      }
    }
  },
};

/**
 * Layouts without a literal prefix, each with the literal it must contain: Azure AD client secrets
 * (3 characters, a digit, "Q~", 31–34), Telegram bot tokens (bot id, ':', "AA" + 33), Mailchimp keys
 * (32 hex, "-us" + datacenter), Twitter bearer tokens (22 × 'A' + 80–100), Discord bot tokens (base64
 * user id, 6, 27–38; '.' twice).
 */
const SHAPES: readonly { literal: string; pattern: RegExp; valid(s: string): boolean }[] = [
  { literal: 'Q~', pattern: /(?<![A-Za-z0-9_~.\-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}(?![A-Za-z0-9_~\-])/g, valid: random },
  // also inside the Bot API's URLs: https://api.telegram.org/bot<token>/sendMessage
  { literal: ':AA', pattern: /(?:(?<=\/bot)|(?<![A-Za-z0-9_\-]))\d{8,10}:AA[A-Za-z0-9_\-]{33}(?![A-Za-z0-9_\-])/g, valid: (s) => random(s.slice(s.indexOf(':') + 3)) },
  { literal: 'webhook.office.com', pattern: /https:\/\/[a-z0-9]{1,40}\.webhook\.office\.com\/webhookb2\/[a-z0-9\-]{36}@[a-z0-9\-]{36}\/IncomingWebhook\/[a-z0-9]{32}\/[a-z0-9\-]{36}/g, valid: () => true }, // Teams webhook
  // Discord webhook: channel webhook id (a snowflake) and its 68-character token
  { literal: '/api/webhooks/', pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[A-Za-z0-9_\-]{60,80}/g, valid: (s) => random(s.slice(s.lastIndexOf('/') + 1)) },
  { literal: '-us', pattern: /(?<![A-Za-z0-9_\-])[a-f0-9]{32}-us\d{1,2}(?![A-Za-z0-9_\-])/g, valid: () => true },
  { literal: 'AAAAAAAAAAAAAAAAAAAAAA', pattern: /(?<![A-Za-z0-9_\-])A{22}[A-Za-z0-9%]{80,100}(?![A-Za-z0-9_\-])/g, valid: (s) => random(s.slice(22)) },
  { literal: '.', pattern: /(?<![A-Za-z0-9_\-.])[MNO][A-Za-z0-9]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}(?![A-Za-z0-9_\-])/g, valid: (s) => discordIdOk(s) && random(s) },
];

function discordIdOk(s: string): boolean {
  // the first part is the bot's numeric user id, base64-encoded
  const id = Buffer.from(s.slice(0, s.indexOf('.')), 'base64').toString('latin1');
  return /^\d{17,20}$/.test(id);
}

export const shapedTokenDetector: BuiltinDetector = {
  name: 'shaped_token',
  entity: 'GENERIC_SECRET',
  patterns: SHAPES.map((x) => x.pattern),
  scansEncoded: true,
  mayMatch: (text) => SHAPES.some((x) => text.includes(x.literal)),
  // every shape holds a run of 24+ base64 characters, except the Azure secret ('~') and the Telegram token (':')
  triggered: (t, text) => (t.base64Run >= 24 && (t.dot >= 2 || t.dash > 0)) || text.includes('Q~') || (t.colon > 0 && text.includes(':AA')) || (t.schemeSeparators > 0 && (text.includes('webhook.office.com') || text.includes('/api/webhooks/'))),
  find(text: string, out: Finding[]): void {
    for (const { literal, pattern, valid } of SHAPES) {
      if (!text.includes(literal)) continue;
      pattern.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = pattern.exec(text)) !== null) {
        if (valid(m[0])) out.push({ entity: 'GENERIC_SECRET', start: m.index, end: m.index + m[0].length, detector: 'shaped_token' });
      }
    }
  },
};
