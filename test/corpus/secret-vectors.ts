/**
 * Secret vectors for the detection-breadth corpus, generated from each vendor's published token layout
 * (prefix, alphabet, length; formats as public secret-scanning rule sets catalogue them) with random
 * bodies, in the assignment syntaxes real code and config use. True positives (`secret-tp/<family>`)
 * must be redacted; false positives (`secret-fp/<kind>`: placeholders, wrong-length keys, shell and
 * template variables, identifiers, hashes under non-secret keys) must be kept.
 */
import type { DevCase, Gen } from './generate-detect-dev.js';

const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DIG = '0123456789';
const AN = UP + LO + DIG;
const LAN = LO + DIG;
const HEX = '0123456789abcdef';
const URLSAFE = AN + '-_';
const B64 = AN + '+/';
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L';

type Make = (g: Gen) => string;
const s = (alphabet: string, n: number): Make => (g) => g.str(alphabet, n);
const cat = (...parts: (string | Make)[]): Make => (g) => parts.map((p) => (typeof p === 'string' ? p : p(g))).join('');
const uuid: Make = (g) => `${g.str(HEX, 8)}-${g.str(HEX, 4)}-4${g.str(HEX, 3)}-a${g.str(HEX, 3)}-${g.str(HEX, 12)}`;
/** A random body that is sure to hold a digit and a letter (no accidental placeholder). */
const mixed = (alphabet: string, n: number): Make => (g) => g.str(alphabet, n - 2) + g.pick(DIG.split('')) + g.pick(LO.split(''));

/** Families: [name, key to assign it to, value maker]. */
const FAMILIES: readonly [string, string, Make][] = [
  ['aws', 'AWS_ACCESS_KEY_ID', cat('AKIA', s(UP + '234567', 16))],
  ['github-pat', 'GITHUB_TOKEN', cat('ghp_', mixed(AN, 36))],
  ['github-fine-grained', 'GH_TOKEN', cat('github_pat_', mixed(AN, 22), '_', mixed(AN, 59))],
  ['gitlab-pat', 'GITLAB_TOKEN', cat('glpat-', mixed(URLSAFE, 20))],
  ['gitlab-routable', 'GITLAB_TOKEN', cat('glpat-', mixed(AN, 27), '.01', s(LAN, 7))],
  ['gitlab-runner', 'CI_RUNNER_TOKEN', cat('glrt-t1_', mixed(AN, 27), '.01', s(LAN, 7))],
  ['slack-bot', 'SLACK_BOT_TOKEN', cat('xoxb-', s(DIG, 12), '-', s(DIG, 13), '-', mixed(AN, 24))],
  ['slack-webhook', 'SLACK_WEBHOOK', cat('https://hooks.slack.com/services/T', s(UP + DIG, 8), '/B', s(UP + DIG, 10), '/', mixed(AN, 24))],
  ['stripe', 'STRIPE_SECRET_KEY', cat('sk_live_', mixed(AN, 24))],
  ['stripe-prod', 'STRIPE_KEY', cat('rk_prod_', mixed(AN, 24))],
  ['openai', 'OPENAI_API_KEY', cat('sk-proj-', mixed(URLSAFE, 48))],
  ['anthropic', 'ANTHROPIC_API_KEY', cat('sk-ant-api03-', mixed(URLSAFE, 93), 'AA')],
  ['gcp', 'GOOGLE_API_KEY', cat('AIza', mixed(URLSAFE, 35))],
  ['huggingface', 'HF_TOKEN', cat('hf_', mixed(UP + LO, 34), 'Q')],
  ['npm', 'NPM_TOKEN', cat('npm_', mixed(AN, 36))],
  ['sendgrid', 'SENDGRID_API_KEY', cat('SG.', mixed(URLSAFE, 22), '.', mixed(URLSAFE, 43))],
  ['age', 'AGE_KEY', cat('AGE-SECRET-KEY-1', s(BECH32, 58))],
  ['1password', 'OP_SECRET_KEY', cat('A3-', s(UP + DIG, 6), '-', s(UP + DIG, 11), '-', s(UP + DIG, 5), '-', s(UP + DIG, 5), '-', s(UP + DIG, 5))],
  ['adobe', 'ADOBE_CLIENT_SECRET', cat('p8e-', mixed(AN, 32))],
  ['alibaba', 'ALIBABA_ACCESS_KEY_ID', cat('LTAI', mixed(AN, 20))],
  ['artifactory', 'ARTIFACTORY_API_KEY', cat('AKCp', mixed(AN, 69))],
  ['atlassian', 'ATLASSIAN_API_TOKEN', cat('ATATT3', mixed(URLSAFE, 186))],
  ['clickhouse', 'CLICKHOUSE_SECRET', cat('4b1d', mixed(AN, 38))],
  ['cloudflare-origin', 'CF_ORIGIN_CA_KEY', cat('v1.0-', s(HEX, 24), '-', s(HEX, 146))],
  ['databricks', 'DATABRICKS_TOKEN', cat('dapi', s(HEX, 32))],
  ['digitalocean', 'DIGITALOCEAN_TOKEN', cat('dop_v1_', s(HEX, 64))],
  ['doppler', 'DOPPLER_TOKEN', cat('dp.pt.', mixed(AN, 43))],
  ['duffel', 'DUFFEL_TOKEN', cat('duffel_test_', mixed(URLSAFE, 43))],
  ['dynatrace', 'DT_API_TOKEN', cat('dt0c01.', mixed(UP + DIG, 24), '.', mixed(UP + DIG, 64))],
  ['easypost', 'EASYPOST_API_KEY', cat('EZAK', mixed(AN, 54))],
  ['flyio', 'FLY_API_TOKEN', cat('fo1_', mixed(URLSAFE, 43))],
  ['frameio', 'FRAMEIO_TOKEN', cat('fio-u-', mixed(URLSAFE, 64))],
  ['grafana-sa', 'GRAFANA_TOKEN', cat('glsa_', mixed(AN, 32), '_', s(HEX, 8))],
  ['harness', 'HARNESS_API_KEY', cat('pat.', mixed(URLSAFE, 22), '.', mixed(AN, 24), '.', mixed(AN, 20))],
  ['heroku-v2', 'HEROKU_API_KEY', cat('HRKU-AA', mixed(URLSAFE, 58))],
  ['infracost', 'INFRACOST_API_KEY', cat('ico-', mixed(AN, 32))],
  ['linear', 'LINEAR_API_KEY', cat('lin_api_', mixed(AN, 40))],
  ['octopus', 'OCTOPUS_API_KEY', cat('API-', mixed(UP + DIG, 26))],
  ['openshift', 'OC_TOKEN', cat('sha256~', mixed(URLSAFE, 43))],
  ['planetscale', 'PLANETSCALE_TOKEN', cat('pscale_tkn_', mixed(AN, 43))],
  ['planetscale-pw', 'DATABASE_PASSWORD', cat('pscale_pw_', mixed(AN, 43))],
  ['postman', 'POSTMAN_API_KEY', cat('PMAK-', s(HEX, 24), '-', s(HEX, 34))],
  ['prefect', 'PREFECT_API_KEY', cat('pnu_', mixed(AN, 36))],
  ['pulumi', 'PULUMI_ACCESS_TOKEN', cat('pul-', s(HEX, 40))],
  ['readme', 'README_API_KEY', cat('rdme_', mixed(LAN, 70))],
  ['rubygems', 'GEM_HOST_API_KEY', cat('rubygems_', s(HEX, 48))],
  ['scalingo', 'SCALINGO_API_TOKEN', cat('tk-us-', mixed(URLSAFE, 48))],
  ['sendinblue', 'BREVO_API_KEY', cat('xkeysib-', s(HEX, 64), '-', mixed(AN, 16))],
  ['sentry', 'SENTRY_AUTH_TOKEN', cat('sntryu_', s(HEX, 64))],
  ['shippo', 'SHIPPO_API_KEY', cat('shippo_live_', s(HEX, 40))],
  ['shopify', 'SHOPIFY_ACCESS_TOKEN', cat('shpat_', s(HEX, 32))],
  ['sourcegraph', 'SRC_ACCESS_TOKEN', cat('sgp_', s(HEX, 16), '_', s(HEX, 40))],
  ['square', 'SQUARE_ACCESS_TOKEN', cat('EAAA', mixed(URLSAFE, 60))],
  ['typeform', 'TYPEFORM_TOKEN', cat('tfp_', mixed(AN, 59))],
  ['vault', 'VAULT_TOKEN', cat('hvs.', mixed(URLSAFE, 90))],
  ['yandex', 'YANDEX_API_KEY', cat('AQVN', mixed(URLSAFE, 36))],
  ['twilio', 'TWILIO_API_KEY', cat('SK', s(HEX, 32))],
  ['mailgun', 'MAILGUN_API_KEY', cat('key-', s(HEX, 32))],
  ['newrelic', 'NEW_RELIC_API_KEY', cat('NRAK-', mixed(UP + DIG, 27))],
  ['notion', 'NOTION_TOKEN', cat('ntn_', s(DIG, 11), mixed(AN, 35))],
  ['groq', 'GROQ_API_KEY', cat('gsk_', mixed(AN, 52))],
  ['perplexity', 'PPLX_API_KEY', cat('pplx-', mixed(AN, 48))],
  ['jwt-base64', 'AUTH_BLOB', (g) => Buffer.from(`eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI${g.str(AN, 20)}.${g.str(URLSAFE, 43)}`).toString('base64')],
  ['azure-ad', 'AZURE_CLIENT_SECRET', cat(s(AN, 3), s(DIG, 1), 'Q~', mixed(AN, 34))],
  ['telegram', 'TELEGRAM_BOT_TOKEN', cat(s(DIG, 10), ':AA', mixed(URLSAFE, 33))],
  ['discord-bot', 'DISCORD_BOT_TOKEN', (g) => `${Buffer.from(String(g.int(100000000, 999999999)) + String(g.int(100000000, 999999999))).toString('base64').replace(/=+$/, '')}.${g.str(URLSAFE, 6)}.${g.str(URLSAFE, 38)}`],
  ['mailchimp', 'MAILCHIMP_KEY', cat(s(HEX, 32), '-us', s(DIG, 2))],
  ['twitter-bearer', 'TWITTER_BEARER_TOKEN', cat('AAAAAAAAAAAAAAAAAAAAA', 'A', mixed(AN, 90))],
  // layouts recognised by the key that names the vendor
  ['asana-secret', 'ASANA_CLIENT_SECRET', s(LAN, 32)],
  ['asana-client-id', 'ASANA_CLIENT_ID', s(DIG, 16)],
  ['discord-client-id', 'DISCORD_CLIENT_ID', s(DIG, 18)],
  ['jfrog', 'JFROG_API_KEY', mixed(LAN, 73)],
  ['messagebird', 'MESSAGEBIRD_API_KEY', mixed(LAN, 25)],
  ['twitter-api-key', 'TWITTER_API_KEY', mixed(AN, 25)],
  ['twitter-secret', 'TWITTER_API_SECRET', mixed(AN, 50)],
  ['cloudflare', 'CLOUDFLARE_API_TOKEN', mixed(URLSAFE, 40)],
  ['heroku', 'HEROKU_API_KEY', uuid],
  ['sidekiq', 'BUNDLE_ENTERPRISE__CONTRIBSYS__COM', cat(s(HEX, 8), ':', s(HEX, 8))],
  ['okta', 'OKTA_API_TOKEN', cat('00', mixed(URLSAFE, 40))],
  ['datadog', 'DATADOG_API_KEY', s(HEX, 32)],
  ['digit-client-secret', 'FACEBOOK_CLIENT_SECRET', s(DIG, 19)],
];

/** The assignment syntaxes a secret is written in: env, YAML, JSON, Make, PHP, XML, Java, Go, Kotlin, TOML, shell, Ruby, Python. */
const SYNTAXES: readonly ((k: string, v: string) => string)[] = [
  (k, v) => `${k}=${v}`,
  (k, v) => `export ${k}="${v}"`,
  (k, v) => `${k.toLowerCase()}: ${v}`,
  (k, v) => JSON.stringify({ [k.toLowerCase()]: v, region: 'eu-west-1' }),
  (k, v) => `${k} ::= ${v}`,
  (k, v) => `${k} :::= ${v}`,
  (k, v) => `${k} ?= ${v}`,
  (k, v) => `$${camel(k)} .= '${v}';`,
  (k, v) => `<${camel(k)}>\n    ${v}\n</${camel(k)}>`,
  (k, v) => `System.setProperty("${k}", "${v}");`,
  (k, v) => `var ${camel(k)} string = "${v}"`,
  (k, v) => `val ${camel(k)}: String = "${v}"`,
  (k, v) => `${k.toLowerCase()} = "${v}"  # prod`,
  (k, v) => `ENV['${k}'] = '${v}'`,
  (k, v) => `os.environ.setdefault("${k}", "${v}")`,
  (k, v) => `$env:${k} = "${v}"`,
  (k, v) => `${camel(k)} ||= "${v}"`,
  (k, v) => `${k.toLowerCase()} <- "${v}"`,
  (k, v) => `String ${camel(k)} = "${v}";`,
  (k, v) => `"${k.toLowerCase()}" => "${v}",`,
];

function camel(key: string): string {
  return key.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Values that must survive: placeholders, wrong-length keys, variables, identifiers, non-secret hashes. */
const FALSE_POSITIVES: readonly [string, (g: Gen) => { text: string; keep: string }][] = [
  ['placeholder', (g) => { const v = g.pick(['xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx', 'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk_live_XXXXXXXXXXXXXXXXXXXXXXXX', 'AKIAXXXXXXXXXXXXXXXX', 'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'glpat-xxxxxxxxxxxxxxxxxxxx', 'your-api-key-here', '<your-token>', 'changeme', 'REPLACE_ME_WITH_TOKEN', 'AGE-SECRET-KEY-1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX']); return { text: `${g.pick(['SLACK_TOKEN', 'API_KEY', 'token', 'GITHUB_TOKEN'])}=${v}`, keep: v }; }],
  ['shell-variable', (g) => { const v = g.pick(['$TOKEN', '${API_KEY}', '$(cat /run/secrets/db)', '$GITHUB_TOKEN', '%API_TOKEN%', '${{ secrets.NPM_TOKEN }}', '{{ .Values.apiKey }}', '#{ENV["TOKEN"]}', '<%= ENV["SECRET"] %>']); return { text: `${g.pick(['export API_TOKEN', 'password', 'DB_PASSWORD', 'secret_key'])}=${v}`, keep: v }; }],
  ['wrong-length', (g) => { const v = g.pick([`AKIA${g.str(UP + DIG, 14)}`, `AGE-SECRET-KEY-1${g.str(BECH32, 50)}`, `shpat_${g.str(HEX, 28)}`, `pul-${g.str(HEX, 36)}`, `dapi${g.str(HEX, 28)}`, `SK${g.str(HEX, 28)}`, `ico-${g.str(AN, 28)}`, `rubygems_${g.str(HEX, 40)}`]); return { text: `see the value ${v} in the docs`, keep: v }; }],
  ['identifier', (g) => { const v = g.pick(['get_token()', 'TokenService', 'password_field', 'secret_name', 'apiKeyHeader', 'refresh_token_expired', 'tokenizer', 'passwordless']); return { text: `const handler = ${v}; // ${g.pick(['auth flow', 'login', 'token refresh'])}`, keep: v }; }],
  ['non-secret-hash', (g) => { const v = g.str(HEX, 40); return { text: `${g.pick(['commit', 'sha', 'etag', 'checksum', 'revision'])}: ${v}`, keep: v }; }],
  ['uuid-id', (g) => { const v = uuid(g); return { text: `${g.pick(['request_id', 'trace', 'order_id', 'tenant'])}=${v}`, keep: v }; }],
  ['token-count', (g) => { const v = String(g.int(1000, 999999)); return { text: `${g.pick(['max_tokens', 'token_count', 'prompt_tokens', 'tokens_used'])}: ${v}`, keep: v }; }],
  ['vendor-non-secret', (g) => { const v = g.pick(['us-east-1', 'production', 'https://api.twitter.com/2', 'enabled', 'v2']); return { text: `${g.pick(['TWITTER_REGION', 'ASANA_WORKSPACE', 'CLOUDFLARE_ZONE_NAME', 'SLACK_CHANNEL'])}=${v}`, keep: v }; }],
  ['prose', (g) => { const v = g.pick(['ghost-writer', 'skeleton-key', 'token-ring', 'keyboard']); return { text: `The ${v} design doc mentions the password policy and token rotation.`, keep: v }; }],
];

export function secretCases(g: Gen, out: DevCase[]): void {
  for (const [family, key, make] of FAMILIES) {
    for (let k = 0; k < 3; k++) {
      const value = make(g);
      const syntax = g.pick(SYNTAXES);
      out.push({ id: '', slice: `secret-tp/${family}`, text: syntax(key, value), pii: [{ entity: 'SECRET', value }], keep: [] });
    }
  }
  for (const [kind, make] of FALSE_POSITIVES) {
    for (let k = 0; k < 8; k++) {
      const { text, keep } = make(g);
      out.push({ id: '', slice: `secret-fp/${kind}`, text, pii: [], keep: [keep] });
    }
  }
}
