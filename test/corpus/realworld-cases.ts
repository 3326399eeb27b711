/**
 * Held-out-style cases for the detection-breadth corpus, written by hand in the shapes real GenAI
 * traffic has rather than drawn from the generator's templates (slices `rw-*`):
 * - `rw-person/<form>`: names of 17 culture groups as people write them in chat, e-mail signatures and
 *   headers, YAML/XML/CSV/JSON, SMS, calendar entries, stack traces, git trailers, lower case and ALL CAPS;
 * - `rw-person-lookalike/<kind>`: words a name detector mistakes for names, used as what they are
 *   (places such as Austin and Florence, companies, products, AI models, weekdays, months,
 *   sentence-initial Bill/Grace/Mark/Will);
 * - `rw-secret-tp/<family>` and `rw-secret-fp/<kind>`: secret layouts as public secret-scanning rule sets
 *   catalogue them (prefix, alphabet, length, the keyword that names the vendor), for families and forms
 *   the template vectors (secret-vectors.ts) do not cover, in the files they turn up in (.env, CI YAML,
 *   curl commands, Kubernetes manifests, stack traces); near misses that must be kept.
 * Names are invented per culture here; secret bodies are random (seeded), never real credentials.
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

type Case = Omit<DevCase, 'id'>;
const person = (form: string, text: string, ...names: string[]): Case => ({
  slice: `rw-person/${form}`,
  text,
  pii: names.map((value) => ({ entity: 'PERSON', value })),
  keep: [],
});
const lookalike = (kind: string, text: string, ...keep: string[]): Case => ({ slice: `rw-person-lookalike/${kind}`, text, pii: [], keep });

/** Names of 17 culture groups in the forms they take in traffic. */
const PERSON_CASES: readonly Case[] = [
  // chat
  person('chat', 'thanks Siobhan, that fixed it', 'Siobhan'),
  person('chat', '@Bartholomew can you review #4312 before standup?', 'Bartholomew'),
  person('chat', 'Hey Ngozi! the staging deploy is green now', 'Ngozi'),
  person('chat', 'Morning Thandiwe, quick one about the invoice export', 'Thandiwe'),
  person('chat', 'cc Lukas Brandstätter for the Munich rollout', 'Lukas Brandstätter'),
  person('chat', 'I asked Nguyễn Thị Hương and she said the report is late', 'Nguyễn Thị Hương'),
  person('chat', 'Ask Rahul Venkataraman, he owns the billing service', 'Rahul Venkataraman'),
  person('chat', 'Per Ayşe Yıldırım the contract renews in March', 'Ayşe Yıldırım'),
  person('chat', 'can u loop in Bongani Dlamini on this thread', 'Bongani Dlamini'),
  person('chat', 'Yes, Małgorzata Wiśniewska approved the refund yesterday.', 'Małgorzata Wiśniewska'),
  // e-mail signatures and headers
  person('signature', 'Let me know if anything else is needed.\n\nWarm regards,\nEmeka Okonkwo-Adeyemi\nProcurement Lead', 'Emeka Okonkwo-Adeyemi'),
  person('signature', 'Vielen Dank und beste Grüße\nJürgen Obermaier\nTeamleiter IT', 'Jürgen Obermaier'),
  person('signature', 'Cordialement,\nGhislaine Fournier-Lemaire\nService client', 'Ghislaine Fournier-Lemaire'),
  person('signature', 'Saludos,\nMaría José Quintero Ríos\nGerente de Cuentas', 'María José Quintero Ríos'),
  person('signature', 'Atenciosamente,\nJoão Pedro Carvalho\nSuporte Técnico', 'João Pedro Carvalho'),
  person('signature', '-- \nTomasz Kowalczyk | Backend Engineer | +48 601 234 567', 'Tomasz Kowalczyk'),
  person('signature', 'Sent from my iPhone\n\nRegards\nFarhan Siddiqui', 'Farhan Siddiqui'),
  person('signature', 'Best,\nDr. Oluwaseun Adebayo\nClinical Informatics', 'Oluwaseun Adebayo'),
  person('email_header', 'From: Kenji Watanabe <k.watanabe@example.co.jp>\nSubject: Re: API quota', 'Kenji Watanabe'),
  person('email_header', 'To: "Anneliese Vandermeer" <anneliese@example.nl>\nDate: Tue, 4 Mar 2025', 'Anneliese Vandermeer'),
  person('email_header', 'On Mon, Feb 3, 2025 at 9:14 AM Dimitrios Papadopoulos <dpap@example.gr> wrote:', 'Dimitrios Papadopoulos'),
  // YAML / XML / CSV / JSON
  person('yaml', 'reviewers:\n  - name: Chiamaka Eze\n    team: payments\n  - name: Soo-ah Park\n    team: infra', 'Chiamaka Eze', 'Soo-ah Park'),
  person('yaml', 'spec:\n  owner: Ravi Subramanian\n  oncall: true', 'Ravi Subramanian'),
  person('xml', '<Employee><FirstName>Wanjiru</FirstName><LastName>Kamau</LastName><Dept>HR</Dept></Employee>', 'Wanjiru', 'Kamau'),
  person('xml', '<contact type="billing">\n  <fullName>Hamid Rezaei</fullName>\n</contact>', 'Hamid Rezaei'),
  person('csv', 'first_name,last_name,email\nAmara,Nwosu,a.nwosu@example.com\nLiang,Chen,lchen@example.com', 'Amara', 'Nwosu', 'Liang'),
  person('csv', '"Customer","Amount","Status"\n"Ingrid Solberg","120.00","paid"\n"Mateus Oliveira","80.50","due"', 'Ingrid Solberg', 'Mateus Oliveira'),
  person('json', '{"user":{"displayName":"Aroha Ngata","locale":"en-NZ"},"event":"login"}', 'Aroha Ngata'),
  person('json', '{"assignee": "Preeti Nair", "labels": ["bug", "p1"]}', 'Preeti Nair'),
  person('json', '{"passenger_name":"KHALIL/OMAR MR","pnr":"XK4T9Q"}', 'KHALIL/OMAR'),
  // SMS
  person('sms', 'Hi its Yusuf, running 10 min late sorry', 'Yusuf'),
  person('sms', 'Your driver Siddharth is arriving in a white Toyota Prius', 'Siddharth'),
  person('sms', 'Mum said call her back - Aisling', 'Aisling'),
  person('sms', 'Kwame here. Got the keys, see you tmrw', 'Kwame'),
  // calendar entries
  person('calendar', 'Invitation: Sync with Magdalena Nowak @ Wed 14:00 - 14:30 (CET)', 'Magdalena Nowak'),
  person('calendar', 'Accepted: Interview - Jae-won Lim (Senior SRE)', 'Jae-won Lim'),
  person('calendar', 'Organizer: Fatima Al-Hashimi\nAttendees: Oren Ben-David, Chidi Okafor', 'Fatima Al-Hashimi', 'Oren Ben-David', 'Chidi Okafor'),
  // stack traces and logs
  person('stack', 'Traceback (most recent call last):\n  File "/home/svetlana.ivanova/app/main.py", line 42, in <module>\nKeyError: \'price\'', 'svetlana.ivanova'),
  person('stack', 'java.lang.IllegalStateException: approval pending for user Hiroshi Tanaka\n\tat com.acme.Approvals.check(Approvals.java:88)', 'Hiroshi Tanaka'),
  person('stack', 'WARN 2025-03-04T10:22:13Z auth: failed login for customer="Gabriela Mendes" ip=203.0.113.9', 'Gabriela Mendes'),
  person('stack', 'Author: Pieter de Vries <pieter@example.nl>\nDate:   Thu Mar 6 11:02:44 2025 +0100\n\n    fix flaky test', 'Pieter de Vries'),
  person('stack', 'Signed-off-by: Anjali Krishnamurthy <anjali@example.in>', 'Anjali Krishnamurthy'),
  person('stack', '# TODO(mbeaumont): remove after the migration', 'mbeaumont'),
  // lower case and ALL CAPS
  person('lower', 'can you draft a reply to oksana petrenko about the delayed shipment', 'oksana petrenko'),
  person('lower', 'pls send the contract to kofi mensah by friday', 'kofi mensah'),
  person('lower', 'my name is ji-hoon kim and i cant log in', 'ji-hoon kim'),
  person('lower', 'i am arjun mehta, account 55120', 'arjun mehta'),
  person('lower', 'this is giulia russo from accounts', 'giulia russo'),
  person('caps', 'PATIENT: ABIODUN OLAWALE  DOB ON FILE', 'ABIODUN OLAWALE'),
  person('caps', 'SHIP TO: MARGARETHE LINDQVIST', 'MARGARETHE LINDQVIST'),
  person('caps', 'ATTN SEAMUS O\'BRIEN - URGENT', "SEAMUS O'BRIEN"),
  person('caps', 'CARDHOLDER NAME: NGUYEN VAN MINH', 'NGUYEN VAN MINH'),
  // CJK scripts and family-name-first romanisations
  person('cjk', '请联系王小明确认发票', '王小明'),
  person('cjk', '担当者：佐藤健太', '佐藤健太'),
  person('cjk', '김민준 님, 주문이 발송되었습니다', '김민준'),
  person('cjk', 'Zhang Wei and Liu Yang joined the call late', 'Zhang Wei', 'Liu Yang'),
  person('cjk', 'Meeting notes from Park Ji-yeon (PM)', 'Park Ji-yeon'),
  // Arabic, Hebrew, Cyrillic, Devanagari scripts
  person('script', 'مرحبا، أنا أحمد الخطيب وأحتاج مساعدة', 'أحمد الخطيب'),
  person('script', 'Здравствуйте, меня зовут Анна Смирнова', 'Анна Смирнова'),
  person('script', 'नमस्ते, मेरा नाम प्रिया शर्मा है', 'प्रिया शर्मा'),
  person('script', 'שלום, אני נועה כהן', 'נועה כהן'),
  // prose and introductions
  person('intro', "I'm Tatiana Volkova, the new DPO at our company.", 'Tatiana Volkova'),
  person('intro', 'My name is Mohammed bin Rashid Al Maktoum and I want to close my account', 'Mohammed bin Rashid Al Maktoum'),
  person('intro', 'This is Esperanza Villanueva calling about order 88213', 'Esperanza Villanueva'),
  person('prose', 'The complaint was filed by Bogdan Popescu after the second outage.', 'Bogdan Popescu'),
  person('prose', 'Summarise the call between Linnea Johansson and our support team.', 'Linnea Johansson'),
  person('prose', 'Write a birthday message for my colleague Adaeze.', 'Adaeze'),
  person('prose', 'Translate this letter from Rosalind Featherstonehaugh into French.', 'Rosalind Featherstonehaugh'),
  person('prose', "Please update Mr. Haddad's shipping preferences.", 'Haddad'),
  person('prose', 'Florence Nightingale Ogundipe is listed as the emergency contact.', 'Florence Nightingale Ogundipe'),
  person('prose', 'Austin Reeves will cover the Denver office next week.', 'Austin Reeves'),
  person('prose', 'Grace Wanjiku asked for a copy of her records.', 'Grace Wanjiku'),
];

/** Look-alikes used as what they are: must survive. */
const LOOKALIKE_CASES: readonly Case[] = [
  lookalike('place', 'Our Austin data center had a power event overnight.', 'Austin'),
  lookalike('place', 'Flights from Florence to Vienna are cancelled.', 'Florence', 'Vienna'),
  lookalike('place', 'The Sydney and Jakarta regions will be upgraded first.', 'Sydney', 'Jakarta'),
  lookalike('place', 'weather in Phoenix today?', 'Phoenix'),
  lookalike('place', 'Ship the parcel to the Lincoln warehouse.', 'Lincoln'),
  lookalike('place', 'We opened a Charlotte office in 2023.', 'Charlotte'),
  lookalike('place', 'region: Frankfurt\nfallback: Dublin', 'Frankfurt', 'Dublin'),
  lookalike('company', 'Acme Bank\'s fraud team flagged the transfer.', 'Acme Bank'),
  lookalike('company', 'We migrated from Goldman Sachs Marcus to Wise.', 'Goldman Sachs'),
  lookalike('company', 'Invoice from Johnson & Johnson attached.', 'Johnson & Johnson'),
  lookalike('company', 'Procter & Gamble and Ernst & Young sponsor the event.', 'Procter & Gamble', 'Ernst & Young'),
  lookalike('company', 'Contact Wells Fargo support for the wire.', 'Wells Fargo'),
  lookalike('company', 'vendor: Harrison Logistics Ltd', 'Harrison Logistics Ltd'),
  lookalike('product', 'Export the sheet from Google Sheets into Notion.', 'Google Sheets', 'Notion'),
  lookalike('product', 'Alexa and Siri both failed to set the timer.', 'Alexa', 'Siri'),
  lookalike('product', 'Open the file in Visual Studio Code and run Prettier.', 'Visual Studio Code', 'Prettier'),
  lookalike('product', 'Deploy with Jenkins, then notify via Slack.', 'Jenkins', 'Slack'),
  lookalike('model', 'Compare Claude and Gemini on the long-context eval.', 'Claude', 'Gemini'),
  lookalike('model', 'We fine-tuned Llama 3.1 and Mistral 7B on the tickets.', 'Llama', 'Mistral'),
  lookalike('model', '{"model": "claude-3-5-sonnet", "provider": "Anthropic"}', 'claude-3-5-sonnet'),
  lookalike('model', 'Ask Claude to summarise the thread.', 'Claude'),
  lookalike('model', 'Gemma and Phi run on the laptop; Grok does not.', 'Gemma', 'Phi', 'Grok'),
  lookalike('weekday', 'Friday works for the retro, Monday does not.', 'Friday', 'Monday'),
  lookalike('weekday', 'Sunday maintenance window: 02:00-04:00 UTC', 'Sunday'),
  lookalike('month', 'The April release slipped to June.', 'April', 'June'),
  lookalike('month', 'May we reschedule to August?', 'May', 'August'),
  lookalike('sentence-initial', 'Bill the customer for the extra seats.', 'Bill'),
  lookalike('sentence-initial', 'Grace period ends after 14 days.', 'Grace'),
  lookalike('sentence-initial', 'Mark the ticket as resolved.', 'Mark'),
  lookalike('sentence-initial', 'Will the export include archived rows?', 'Will'),
  lookalike('sentence-initial', 'Rose 4% quarter on quarter, revenue beat guidance.', 'Rose'),
  lookalike('sentence-initial', 'Sterling weakened against the euro.', 'Sterling'),
  lookalike('title', 'Harry Potter and the Goblet of Fire is checked out.', 'Goblet'),
  lookalike('heading', 'Release Notes\nBug Fixes\nKnown Issues', 'Release Notes', 'Bug Fixes', 'Known Issues'),
  lookalike('code', 'class UserService extends BaseService { getUserName() {} }', 'UserService', 'BaseService'),
  lookalike('code', 'ERROR in ./src/App.tsx: Module not found', 'App.tsx'),
  lookalike('caps', 'WARNING: DO NOT RESTART THE PRIMARY NODE', 'DO NOT RESTART', 'PRIMARY NODE'),
  lookalike('caps', 'STATUS: PENDING REVIEW', 'PENDING REVIEW'),
];

// ---------------------------------------------------------------------------------------------------
// secrets

type Make = (g: Gen) => string;
const s = (alphabet: string, n: number): Make => (g) => g.str(alphabet, n);
const cat = (...parts: (string | Make)[]): Make => (g) => parts.map((p) => (typeof p === 'string' ? p : p(g))).join('');
const mixed = (alphabet: string, n: number): Make => (g) => g.str(alphabet, n - 2) + g.pick(DIG.split('')) + g.pick(LO.split(''));
const uuid: Make = (g) => `${g.str(HEX, 8)}-${g.str(HEX, 4)}-4${g.str(HEX, 3)}-a${g.str(HEX, 3)}-${g.str(HEX, 12)}`;

/** Contexts real secrets turn up in; `k` is the variable name, `v` the value. */
const CONTEXTS: readonly ((k: string, v: string) => string)[] = [
  (k, v) => `# .env.production\n${k}=${v}\nLOG_LEVEL=info`,
  (k, v) => `env:\n  - name: ${k}\n    value: "${v}"`,
  (k, v) => `jobs:\n  deploy:\n    env:\n      ${k}: ${v}`,
  (k, v) => `docker run -e ${k}=${v} ghcr.io/acme/worker:1.4.2`,
  (k, v) => `{"env": {"${k}": "${v}"}, "command": "npm start"}`,
  (k, v) => `config.${camel(k)} = '${v}'`,
  (k, v) => `[default]\n${k.toLowerCase()} = ${v}`,
  (k, v) => `Error: request failed (401)\n  at Client.call (client.js:88)\n  ${camel(k)}: '${v}'`,
  (k, v) => `here is my config, why does it fail?\n\n${k}="${v}"`,
];

function camel(key: string): string {
  return key.toLowerCase().replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Families the template vectors lack, or other layouts of families they have: [family, key, value].
 * Layouts as public rule sets (gitleaks and others) document them.
 */
const SECRET_FAMILIES: readonly [string, string, Make][] = [
  // self-identifying prefixes
  ['github-oauth', 'GH_OAUTH_TOKEN', cat('gho_', mixed(AN, 36))],
  ['github-app', 'GITHUB_APP_TOKEN', cat('ghs_', mixed(AN, 36))],
  ['github-refresh', 'GITHUB_REFRESH', cat('ghr_', mixed(AN, 36))],
  ['gitlab-deploy', 'CI_DEPLOY_PASSWORD', cat('gldt-', mixed(URLSAFE, 20))],
  ['gitlab-trigger', 'TRIGGER_TOKEN', cat('glptt-', s(HEX, 40))],
  ['gitlab-runner-reg', 'REGISTRATION_TOKEN', cat('GR1348941', mixed(URLSAFE, 20))],
  ['slack-user', 'SLACK_USER_TOKEN', cat('xoxp-', s(DIG, 12), '-', s(DIG, 12), '-', s(DIG, 13), '-', s(HEX, 32))],
  ['slack-app', 'SLACK_APP_TOKEN', cat('xapp-1-A', s(UP + DIG, 10), '-', s(DIG, 13), '-', s(HEX, 64))],
  ['slack-config', 'SLACK_CONFIG_TOKEN', cat('xoxe.xoxp-1-', mixed(AN, 160))],
  ['stripe-webhook', 'STRIPE_WEBHOOK_SECRET', cat('whsec_', mixed(AN, 32))],
  ['stripe-restricted', 'STRIPE_RESTRICTED_KEY', cat('rk_live_', mixed(AN, 99))],
  ['anthropic-admin', 'ANTHROPIC_ADMIN_KEY', cat('sk-ant-admin01-', mixed(URLSAFE, 93), 'AA')],
  ['openai-svcacct', 'OPENAI_API_KEY', cat('sk-svcacct-', mixed(URLSAFE, 74), 'T3BlbkFJ', mixed(URLSAFE, 74))],
  ['openai-legacy', 'OPENAI_KEY', cat('sk-', mixed(AN, 20), 'T3BlbkFJ', mixed(AN, 20))],
  ['xai', 'XAI_API_KEY', cat('xai-', mixed(AN, 80))],
  ['replicate', 'REPLICATE_API_TOKEN', cat('r8_', mixed(AN, 37))],
  ['langsmith', 'LANGSMITH_API_KEY', cat('lsv2_pt_', s(HEX, 32), '_', s(HEX, 10))],
  ['supabase', 'SUPABASE_ACCESS_TOKEN', cat('sbp_', s(HEX, 40))],
  ['pinecone', 'PINECONE_API_KEY', cat('pcsk_', mixed(AN, 6), '_', mixed(AN, 63))],
  ['huggingface-org', 'HF_ORG_TOKEN', cat('api_org_', mixed(UP + LO, 34))],
  ['docker-hub', 'DOCKERHUB_TOKEN', cat('dckr_pat_', mixed(URLSAFE, 27))],
  ['pypi', 'TWINE_PASSWORD', cat('pypi-AgEIcHlwaS5vcmc', mixed(URLSAFE, 70))],
  ['clojars', 'CLOJARS_PASSWORD', cat('CLOJARS_', mixed(LAN, 60))],
  ['bitbucket-app', 'BITBUCKET_APP_PASSWORD', cat('ATBB', mixed(AN, 32))],
  ['airtable-pat', 'AIRTABLE_TOKEN', cat('pat', mixed(AN, 14), '.', s(HEX, 64))],
  ['terraform-cloud', 'TF_TOKEN_app_terraform_io', cat(s(LAN, 14), '.atlasv1.', mixed(URLSAFE, 67))],
  ['vault-batch', 'VAULT_BATCH_TOKEN', cat('hvb.', mixed(URLSAFE, 138))],
  ['grafana-cloud', 'GRAFANA_CLOUD_API_KEY', cat('glc_', mixed(B64.replace('+', '').replace('/', ''), 60), '==')],
  ['new-relic-insert', 'NEW_RELIC_INSERT_KEY', cat('NRII-', mixed(URLSAFE, 32))],
  ['flutterwave', 'FLW_SECRET_KEY', cat('FLWSECK_TEST-', s(HEX, 32), '-X')],
  ['sentry-org', 'SENTRY_AUTH_TOKEN', (g) => `sntrys_${Buffer.from(JSON.stringify({ iat: 1700000000 + g.int(0, 9999999), url: 'https://sentry.io', region_url: 'https://us.sentry.io', org: 'acme' })).toString('base64').replace(/=+$/, '')}_${g.str(AN + '+/', 43)}`],
  ['shopify-shared', 'SHOPIFY_API_SECRET', cat('shpss_', s(HEX, 32))],
  ['mapbox-secret', 'MAPBOX_SECRET_TOKEN', cat('sk.eyJ1Ijoi', mixed(AN, 30), '.', mixed(URLSAFE, 22))],
  ['defined-networking', 'DNAPI_KEY', cat('dnkey-', mixed(UP + DIG, 26), '-', mixed(UP + DIG, 52))],
  ['settlemint', 'SETTLEMINT_TOKEN', cat('sm_pat_', mixed(AN, 16))],
  ['authress', 'AUTHRESS_KEY', cat('sc_', mixed(LAN, 12), '.', s(LAN, 5), '.acc_', mixed(LAN, 20), '.', mixed(URLSAFE, 60))],
  ['azure-storage', 'AZURE_STORAGE_CONNECTION_STRING', (g) => `DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=${g.str(B64, 86)}==;EndpointSuffix=core.windows.net`],
  ['discord-webhook', 'DISCORD_WEBHOOK_URL', cat('https://discord.com/api/webhooks/', s(DIG, 18), '/', mixed(URLSAFE, 68))],
  ['telegram-url', 'BOT_URL', cat('https://api.telegram.org/bot', s(DIG, 10), ':AA', mixed(URLSAFE, 33), '/sendMessage')],
  ['facebook-token', 'FB_ACCESS_TOKEN', cat('EAAC', mixed(AN, 150))],
  // layouts recognised by the vendor named in the key
  ['algolia', 'ALGOLIA_ADMIN_KEY', s(HEX, 32)],
  ['cohere', 'COHERE_API_KEY', mixed(AN, 40)],
  ['mistral', 'MISTRAL_API_KEY', mixed(AN, 32)],
  ['azure-openai', 'AZURE_OPENAI_API_KEY', s(HEX, 32)],
  ['fastly', 'FASTLY_API_TOKEN', mixed(URLSAFE, 32)],
  ['launchdarkly', 'LAUNCHDARKLY_SDK_KEY', cat('sdk-', uuid)],
  ['mattermost', 'MATTERMOST_TOKEN', mixed(LAN, 26)],
  ['zendesk', 'ZENDESK_API_TOKEN', mixed(AN, 40)],
  ['snyk', 'SNYK_TOKEN', uuid],
  ['hubspot', 'HUBSPOT_API_KEY', uuid],
  ['contentful', 'CONTENTFUL_DELIVERY_TOKEN', mixed(URLSAFE, 43)],
  ['netlify', 'NETLIFY_AUTH_TOKEN', mixed(URLSAFE, 43)],
  ['travis', 'TRAVIS_TOKEN', mixed(AN, 22)],
  ['twitch', 'TWITCH_CLIENT_SECRET', mixed(LAN, 30)],
  ['plaid', 'PLAID_SECRET', mixed(LAN, 30)],
  ['lob', 'LOB_API_KEY', cat('live_', s(HEX, 35))],
  ['gocardless', 'GOCARDLESS_ACCESS_TOKEN', cat('live_', mixed(URLSAFE, 40))],
  ['intercom', 'INTERCOM_ACCESS_TOKEN', cat('dG9rOj', mixed(AN, 54), '=')],
  ['confluent', 'CONFLUENT_API_SECRET', mixed(AN, 64)],
  ['meraki', 'MERAKI_DASHBOARD_API_KEY', s(HEX, 40)],
  ['sumologic', 'SUMO_ACCESS_KEY', mixed(AN, 64)],
  ['rapidapi', 'X_RAPIDAPI_KEY', mixed(URLSAFE, 50)],
  ['coinbase', 'COINBASE_API_SECRET', mixed(AN, 64)],
  ['kraken', 'KRAKEN_PRIVATE_KEY', cat(mixed(B64, 86), '==')],
  ['finnhub', 'FINNHUB_TOKEN', mixed(LAN, 20)],
  ['nytimes', 'NYT_API_KEY', mixed(AN, 32)],
  ['etsy', 'ETSY_KEYSTRING', mixed(LAN, 24)],
  ['dropbox', 'DROPBOX_ACCESS_TOKEN', cat('sl.', mixed(URLSAFE, 135))],
  ['digit-client-secret', 'client_secret', s(DIG, 20)],
  ['password-digits', 'DB_PASSWORD', s(DIG, 12)],
];

/** Secrets written outside key=value: headers, URLs, CLI flags, connection strings. */
const SECRET_FORMS: readonly [string, (g: Gen) => { text: string; value: string }][] = [
  ['bearer-header', (g) => { const v = mixed(AN + '._-', 48)(g); return { text: `curl -H "Authorization: Bearer ${v}" https://api.example.com/v1/me`, value: v }; }],
  ['basic-auth-curl', (g) => { const v = mixed(AN, 20)(g); return { text: `curl -u deploy:${v} https://registry.example.com/v2/_catalog`, value: v }; }],
  ['x-api-key-header', (g) => { const v = mixed(AN, 40)(g); return { text: `GET /v1/messages HTTP/1.1\nHost: api.example.com\nx-api-key: ${v}`, value: v }; }],
  ['db-url', (g) => { const v = mixed(AN, 18)(g); return { text: `DATABASE_URL=postgres://app:${v}@db.internal:5432/orders`, value: v }; }],
  ['cli-flag', (g) => { const v = mixed(AN, 24)(g); return { text: `mysql -h db1 -u root --password=${v} orders`, value: v }; }],
  ['k8s-secret', (g) => { const v = Buffer.from(g.str(AN, 24)).toString('base64'); return { text: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  api-key: ${v}`, value: v }; }],
  ['python-kwarg', (g) => { const v = mixed(AN, 32)(g); return { text: `client = Client(api_key="${v}", timeout=30)`, value: v }; }],
  ['jwt-in-log', (g) => { const v = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify({ sub: g.str(DIG, 8), exp: 1900000000 })).toString('base64url')}.${g.str(URLSAFE, 86)}`; return { text: `INFO request authorized token=${v} path=/api/orders`, value: v }; }],
];

const fp = (kind: string, text: string, ...keep: string[]): Case => ({ slice: `rw-secret-fp/${kind}`, text, pii: [], keep });

/** Near misses that must be kept. */
const SECRET_FALSE_POSITIVES: readonly Case[] = [
  fp('placeholder', 'SLACK_BOT_TOKEN=xoxb-your-token-here', 'xoxb-your-token-here'),
  fp('placeholder', 'export OPENAI_API_KEY="sk-..."', 'sk-...'),
  fp('placeholder', 'STRIPE_SECRET_KEY=sk_test_XXXXXXXXXXXXXXXXXXXXXXXX', 'sk_test_XXXXXXXXXXXXXXXXXXXXXXXX'),
  fp('placeholder', 'api_key: "<YOUR_API_KEY>"', '<YOUR_API_KEY>'),
  fp('placeholder', 'GITHUB_TOKEN=ghp_************************************', 'ghp_************************************'),
  fp('placeholder', 'password: "********"', '********'),
  fp('placeholder', 'AWS_SECRET_ACCESS_KEY=EXAMPLEKEY_REPLACE_ME', 'EXAMPLEKEY_REPLACE_ME'),
  fp('placeholder', 'token = "0000000000000000000000000000000000000000"', '0000000000000000000000000000000000000000'),
  fp('placeholder', 'ANTHROPIC_API_KEY=sk-ant-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk-ant-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),
  fp('placeholder', 'client_secret = "1234567890"', '1234567890'),
  fp('variable', 'env:\n  - name: API_KEY\n    valueFrom:\n      secretKeyRef:\n        name: api\n        key: token', 'secretKeyRef', 'token'),
  fp('variable', 'password: ${DB_PASSWORD:-}', '${DB_PASSWORD:-}'),
  fp('variable', 'API_TOKEN=$(vault kv get -field=token secret/api)', '$(vault kv get -field=token secret/api)'),
  fp('variable', 'token: "{{ secrets.API_TOKEN }}"', '{{ secrets.API_TOKEN }}'),
  fp('variable', 'apiKey: process.env.STRIPE_KEY', 'process.env.STRIPE_KEY'),
  fp('variable', 'secret = os.getenv("SECRET_KEY")', 'os.getenv("SECRET_KEY")'),
  fp('variable', 'OPENAI_API_KEY=${{ secrets.OPENAI_API_KEY }}', '${{ secrets.OPENAI_API_KEY }}'),
  fp('not-a-secret', 'token_type: bearer\nexpires_in: 3600', 'bearer', '3600'),
  fp('not-a-secret', 'max_tokens: 4096\ntemperature: 0.2', '4096'),
  fp('not-a-secret', 'SECRET_NAME=prod/payments/stripe', 'prod/payments/stripe'),
  fp('not-a-secret', 'password_min_length = 12', '12'),
  fp('not-a-secret', 'api_key_header: X-API-Key', 'X-API-Key'),
  fp('not-a-secret', 'PASSWORD_RESET_URL=https://app.example.com/reset', 'https://app.example.com/reset'),
  fp('not-a-secret', 'key: value\nkey_id: 7f1e', 'value'),
  fp('hash', 'integrity: sha512-' + 'q'.repeat(8) + 'Lz3T1k9Vx0mWc4y8R2pNfH6bJdGsA7eKoQuYiXvBhZnCtMlE5wP0rUaS9gDjF==', 'sha512-qqqqqqqqLz3T1k9Vx0mWc4y8R2pNfH6bJdGsA7eKoQuYiXvBhZnCtMlE5wP0rUaS9gDjF=='),
  fp('hash', 'commit 3f9a1c27b8e04d5f6a7b8c9d0e1f2a3b4c5d6e7f\nMerge: 1a2b3c4 5d6e7f8', '3f9a1c27b8e04d5f6a7b8c9d0e1f2a3b4c5d6e7f'),
  fp('hash', 'docker pull nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31', 'sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31'),
  fp('id', 'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'),
  fp('id', 'AWS_REGION=eu-central-1\nAWS_ACCOUNT_ID=123456789012', 'eu-central-1'),
  fp('id', 'TWILIO_ACCOUNT_SID=AC' + '3b'.repeat(16), 'AC' + '3b'.repeat(16)),
  fp('id', 'stripe customer cus_NffrFeUfNV2Hib, invoice in_1MtHbELkdIwHu7ixl4OzzPMv', 'cus_NffrFeUfNV2Hib'),
  fp('id', 'pk_live_ keys are publishable; see docs', 'pk_live_'),
  fp('prose', 'Rotate the token every 90 days and never paste a secret key into chat.', 'Rotate'),
  fp('prose', 'The password manager stores 1Password vaults per team.', '1Password'),
  fp('wrong-length', 'xoxb-1234 is only the prefix of a bot token', 'xoxb-1234'),
  fp('wrong-length', 'AKIA1234 is a prefix, not a key', 'AKIA1234'),
];

/**
 * A second batch (`rw2-*`), written after the fixes the first batch led to and measured before any
 * change for it, so it says how the detectors do on forms they were not tuned on.
 */
const p2 = (form: string, text: string, ...names: string[]): Case => ({ ...person(form, text, ...names), slice: `rw2-person/${form}` });
const l2 = (kind: string, text: string, ...keep: string[]): Case => ({ ...lookalike(kind, text, ...keep), slice: `rw2-person-lookalike/${kind}` });
const BATCH2: readonly Case[] = [
  p2('chat', 'Hi Olumide, the invoice is attached', 'Olumide'),
  p2('chat', 'thx Dariusz!! works now', 'Dariusz'),
  p2('chat', 'Can Haruka take the on-call shift on Sunday?', 'Haruka'),
  p2('chat', 'Lerato and Sipho will join the call at 3', 'Lerato', 'Sipho'),
  p2('chat', 'ok so Mehmet Demir says the VPN is down again', 'Mehmet Demir'),
  p2('chat', 'Spoke with Ana Lúcia Ferreira, she wants a refund', 'Ana Lúcia Ferreira'),
  p2('chat', 'assign it to Reza Karimi pls', 'Reza Karimi'),
  p2('signature', 'Thanks in advance,\nNkechi Obi\nHR Business Partner\nLagos', 'Nkechi Obi'),
  p2('signature', 'Mit freundlichen Grüßen\n\nKatharina Müller-Schmidt', 'Katharina Müller-Schmidt'),
  p2('signature', 'Regards,\nSrinivasan Iyer (he/him)\nStaff Engineer', 'Srinivasan Iyer'),
  p2('signature', 'Cheers\n— Hemi Walker', 'Hemi Walker'),
  p2('signature', 'Distinti saluti,\nFrancesca Bianchi', 'Francesca Bianchi'),
  p2('email_header', 'Reply-To: Esther Kiplagat <esther.k@example.co.ke>', 'Esther Kiplagat'),
  p2('email_header', 'Cc: Lars Henriksen <lars@example.dk>, Mei Ling Tan <meiling@example.sg>', 'Lars Henriksen', 'Mei Ling Tan'),
  p2('yaml', 'maintainers:\n  - Yasmin Haddad\n  - Tobias Lindgren', 'Yasmin Haddad', 'Tobias Lindgren'),
  p2('yaml', 'contact:\n  name: Chinonso Okeke\n  email: c.okeke@example.com', 'Chinonso Okeke'),
  p2('xml', '<patient><given>Aiyana</given><family>Redcloud</family></patient>', 'Aiyana', 'Redcloud'),
  p2('xml', '<dc:creator>Václav Novák</dc:creator>', 'Václav Novák'),
  p2('csv', 'Name;Stadt;Betrag\nHeinrich Vogel;Köln;120,00\nElif Şahin;Berlin;80,00', 'Heinrich Vogel', 'Elif Şahin'),
  p2('csv', 'employee	manager\nRuth Asante	Kwabena Boateng', 'Ruth Asante', 'Kwabena Boateng'),
  p2('json', '{"first_name":"Tamar","last_name":"Levi","role":"admin"}', 'Tamar', 'Levi'),
  p2('json', '{"messages":[{"role":"user","content":"Hi, I am Joaquín Morales and my order never came"}]}', 'Joaquín Morales'),
  p2('json', '{"reporter": {"displayName": "Bui Thi Lan"}}', 'Bui Thi Lan'),
  p2('sms', 'Hey its Precious, can u pick up the kids', 'Precious'),
  p2('sms', 'Reminder: Dr. Okafor tomorrow 9:30am. Reply C to confirm', 'Okafor'),
  p2('sms', 'Your courier Abdullahi is 3 stops away', 'Abdullahi'),
  p2('calendar', 'Lunch w/ Sunita Rao', 'Sunita Rao'),
  p2('calendar', 'Performance review: Henrik Olsen / Camille Dubois', 'Henrik Olsen', 'Camille Dubois'),
  p2('calendar', 'BEGIN:VEVENT\nSUMMARY:Dentist\nORGANIZER;CN=Zanele Khumalo:mailto:zanele@example.co.za', 'Zanele Khumalo'),
  p2('stack', 'PermissionError: [Errno 13] Permission denied: \'/Users/kwame.asante/Library/Logs\'', 'kwame.asante'),
  p2('stack', 'Co-authored-by: Lukas Novak <lukas@example.cz>', 'Lukas Novak'),
  p2('stack', 'INFO [billing] refund approved by=Isabella Rossi amount=40.00', 'Isabella Rossi'),
  p2('lower', 'remind me to call olumide adeyemi tomorrow', 'olumide adeyemi'),
  p2('lower', 'hey its priya sharma from the delhi office', 'priya sharma'),
  p2('lower', 'my name is wanjiru kamau', 'wanjiru kamau'),
  p2('caps', 'BENEFICIARY: FATOUMATA DIALLO', 'FATOUMATA DIALLO'),
  p2('caps', 'DEAR MR. GUPTA, YOUR ACCOUNT IS OVERDUE', 'GUPTA'),
  p2('cjk', '李娜女士将负责此项目', '李娜'),
  p2('cjk', '山田花子様へのご連絡', '山田花子'),
  p2('cjk', '박서준 팀장님께 보고했습니다', '박서준'),
  p2('cjk', 'Chen Jing and Wang Fang approved the budget', 'Chen Jing', 'Wang Fang'),
  p2('script', 'Добрый день, Сергей Кузнецов', 'Сергей Кузнецов'),
  p2('script', 'شكرا لك يا فاطمة', 'فاطمة'),
  p2('prose', 'Draft a reference letter for Adebayo Ogunleye.', 'Adebayo Ogunleye'),
  p2('prose', 'The account belongs to Sione Taufa, who moved to Auckland.', 'Sione Taufa'),
  p2('prose', "Is Mrs. Papadakis's appointment still on?", 'Papadakis'),
  p2('prose', 'Lucía Fernández García signed the lease.', 'Lucía Fernández García'),
  p2('prose', 'We interviewed Kofi Annan-Mensah and Ama Serwaa.', 'Kofi Annan-Mensah', 'Ama Serwaa'),
  l2('place', 'Is there a direct train from Geneva to Lyon?', 'Geneva', 'Lyon'),
  l2('place', 'The Chester branch closes early.', 'Chester'),
  l2('place', 'Santiago and Victoria are both sold out.', 'Santiago', 'Victoria'),
  l2('place', 'Head office: Jackson, Mississippi', 'Jackson'),
  l2('company', 'Ask Morgan Stanley for the prospectus.', 'Morgan Stanley'),
  l2('company', 'Barnes & Noble and Marks & Spencer reported results.', 'Barnes & Noble', 'Marks & Spencer'),
  l2('company', 'Our auditor is Deloitte; our bank is Barclays.', 'Deloitte', 'Barclays'),
  l2('product', 'Sync the file to Dropbox, then open it in Figma.', 'Dropbox', 'Figma'),
  l2('product', 'Is Copilot better than Cursor for this?', 'Copilot', 'Cursor'),
  l2('model', 'Run the prompt through Claude Opus and Gemini Flash.', 'Claude', 'Gemini'),
  l2('model', 'Switch from Mistral Large to Llama 3.3 70B.', 'Mistral', 'Llama'),
  l2('model', 'Qwen and DeepSeek are cheaper than Claude.', 'Qwen', 'DeepSeek', 'Claude'),
  l2('weekday', 'Tuesday standup moved to Wednesday.', 'Tuesday', 'Wednesday'),
  l2('month', 'Invoices for March and July are missing.', 'March', 'July'),
  l2('sentence-initial', 'Grant access to the staging bucket.', 'Grant'),
  l2('sentence-initial', 'Faith in the numbers is low this quarter.', 'Faith'),
  l2('sentence-initial', 'Bill me for the remaining hours.', 'Bill'),
  l2('sentence-initial', 'Hope this helps!', 'Hope'),
  l2('heading', 'Customer Success Playbook', 'Customer Success Playbook'),
  l2('caps', 'ERROR: CONNECTION REFUSED BY PEER', 'CONNECTION REFUSED'),
];

const fp2 = (kind: string, text: string, ...keep: string[]): Case => ({ slice: `rw2-secret-fp/${kind}`, text, pii: [], keep });
const tp2 = (form: string, text: string, value: string): Case => ({ slice: `rw2-secret-tp/${form}`, text, pii: [{ entity: 'SECRET', value }], keep: [] });
function batch2Secrets(g: Gen): Case[] {
  const v = (n: number, alphabet = AN): string => mixed(alphabet, n)(g);
  const a = v(40), b = v(32, LAN), c = v(24), d = v(36), e = v(20), f = v(44, URLSAFE), h = s(HEX, 40)(g), k = v(28);
  const oa = `sk-proj-${v(48, URLSAFE)}`;
  const aws = v(40, AN + '/+');
  const slack = `xoxb-${s(DIG, 12)(g)}-${s(DIG, 13)(g)}-${v(24)}`;
  return [
    tp2('gh-actions', `- name: Publish\n  run: npm publish\n  env:\n    NODE_AUTH_TOKEN: npm_${d}`, `npm_${d}`),
    tp2('terraform', `provider "datadog" {\n  api_key = "${s(HEX, 32)(g).replace(/^./, 'a')}"\n  app_key = "${h}"\n}`, h),
    tp2('docker-compose', `services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${e}`, e),
    tp2('ini', `[smtp]\nuser = mailer\npassword = ${c}`, c),
    tp2('properties', `spring.datasource.password=${k}`, k),
    tp2('dotnet', `"ConnectionStrings": {"Default": "Server=db;User Id=sa;Password=${e};"}`, e),
    tp2('url-query', `GET https://api.example.com/v2/items?api_key=${b}&page=2`, b),
    tp2('header', `Authorization: Token ${a}`, a),
    tp2('python', `openai.api_key = "${oa}"`, oa),
    tp2('js', `const stripe = require('stripe')('sk_live_${c}');`, `sk_live_${c}`),
    tp2('shell-history', `$ export AWS_SECRET_ACCESS_KEY=${aws}\n$ aws s3 ls`, aws),
    tp2('chat', `here's my token, can you see why it 401s: ghp_${d}`, `ghp_${d}`),
    tp2('chat', `the slack bot token is ${slack}, is it expired?`, slack),
    tp2('yaml', `auth:\n  client_id: my-app\n  client_secret: ${f}`, f),
    tp2('k8s-data', `kind: Secret\ntype: Opaque\nstringData:\n  password: ${k}`, k),
  ];
}
const BATCH2_FP: readonly Case[] = [
  fp2('placeholder', 'NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}', '${{ secrets.NPM_TOKEN }}'),
  fp2('placeholder', 'password = <insert password>', '<insert password>'),
  fp2('placeholder', 'api_key: sk-proj-REPLACE_ME', 'sk-proj-REPLACE_ME'),
  fp2('placeholder', 'Authorization: Bearer <token>', '<token>'),
  fp2('placeholder', 'export GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'),
  fp2('not-a-secret', 'token_endpoint: https://auth.example.com/oauth/token', 'https://auth.example.com/oauth/token'),
  fp2('not-a-secret', 'secretName: tls-cert\nsecretNamespace: ingress', 'tls-cert'),
  fp2('not-a-secret', 'usage: {prompt_tokens: 812, completion_tokens: 95}', '812'),
  fp2('not-a-secret', 'password_policy: strong', 'strong'),
  fp2('not-a-secret', 'auth_method: oauth2', 'oauth2'),
  fp2('hash', 'sha256sum: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'),
  fp2('id', 'request_id: req_01HZX3Q8M7K2V9T4B6N1C5D8E0', 'req_01HZX3Q8M7K2V9T4B6N1C5D8E0'),
  fp2('id', 'msg_01XFDUDYJgAACzvnptvVoYEL', 'msg_01XFDUDYJgAACzvnptvVoYEL'),
  fp2('id', 'chatcmpl-9pQ3rT6uV8wX0yZ2aB4cD6eF8gH0', 'chatcmpl-9pQ3rT6uV8wX0yZ2aB4cD6eF8gH0'),
  fp2('id', 'image: ghcr.io/acme/api@sha256:' + 'ab12'.repeat(16), 'sha256:' + 'ab12'.repeat(16)),
];


/**
 * Presidio's entities, cards and phones as people write them (`rw2-pii/<entity>`, `rw2-pii-lookalike/<kind>`),
 * values valid by their check digits (Luhn, mod 11, ABA, Base58Check / Bech32) where they have one.
 */
const pii2 = (entity: string, text: string, value: string): Case => ({ slice: `rw2-pii/${entity}`, text, pii: [{ entity, value }], keep: [] });
const keep2 = (kind: string, text: string, ...keep: string[]): Case => ({ slice: `rw2-pii-lookalike/${kind}`, text, pii: [], keep });
const PII2: readonly Case[] = [
  pii2('CREDIT_CARD', 'card on file: 4111 1111 1111 1111 exp 09/27', '4111 1111 1111 1111'),
  pii2('CREDIT_CARD', 'Visa ending... no wait full number is 4012-8888-8888-1881', '4012-8888-8888-1881'),
  pii2('CREDIT_CARD', '{"pan":"5555555555554444","cvv":"123"}', '5555555555554444'),
  pii2('CREDIT_CARD', 'amex 3782 822463 10005', '3782 822463 10005'),
  pii2('CREDIT_CARD', 'Card: 6011.0009.9013.9424', '6011.0009.9013.9424'),
  pii2('CREDIT_CARD', 'pay with 3530111333300000 please', '3530111333300000'),
  pii2('PHONE_NUMBER', 'call me at (415) 555-2671 after 5', '(415) 555-2671'),
  pii2('PHONE_NUMBER', 'Tel: +44 20 7946 0958', '+44 20 7946 0958'),
  pii2('PHONE_NUMBER', 'WhatsApp +91 98765 43210', '+91 98765 43210'),
  pii2('PHONE_NUMBER', 'Mobil: 0151 23456789', '0151 23456789'),
  pii2('PHONE_NUMBER', 'phone: 212.555.0187 ext. 42', '212.555.0187'),
  pii2('PHONE_NUMBER', 'Rufnummer +49 (0)30 901820', '+49 (0)30 901820'),
  pii2('PHONE_NUMBER', '{"phone":"+61 412 345 678"}', '+61 412 345 678'),
  pii2('PHONE_NUMBER', 'téléphone : 01 23 45 67 89', '01 23 45 67 89'),
  pii2('US_SSN', 'SSN 401-23-4567 on the W-2', '401-23-4567'),
  keep2('published-example', 'the SSA pamphlet number 219-09-9999 is no real SSN', '219-09-9999'),
  pii2('US_SSN', 'social security number: 536 22 1234', '536 22 1234'),
  pii2('EMAIL_ADDRESS', 'Reach me at first.last+billing@sub.example.co.uk', 'first.last+billing@sub.example.co.uk'),
  pii2('EMAIL_ADDRESS', 'mailto:o\'neil@example.ie', "o'neil@example.ie"),
  pii2('IP_ADDRESS', 'client_ip=198.51.100.23 user_agent=curl/8.4', '198.51.100.23'),
  pii2('IP_ADDRESS', 'connect to [2001:db8::ff00:42:8329]:443', '2001:db8::ff00:42:8329'),
  pii2('IP_ADDRESS', 'X-Forwarded-For: 203.0.113.195, 70.41.3.18', '203.0.113.195'),
  pii2('IBAN_CODE', 'IBAN: DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00'),
  pii2('IBAN_CODE', 'wire to GB82WEST12345698765432 by Friday', 'GB82WEST12345698765432'),
  pii2('IBAN_CODE', 'rekening NL91 ABNA 0417 1643 00', 'NL91 ABNA 0417 1643 00'),
  pii2('UK_NHS', 'NHS number: 943 476 5919', '943 476 5919'),
  pii2('CRYPTO', 'send BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'),
  pii2('CRYPTO', 'wallet 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2', '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2'),
  pii2('ABA_ROUTING_NUMBER', 'routing number 021000021, account 123456789012', '021000021'),
  pii2('DATE_OF_BIRTH', 'DOB: 04/12/1987', '04/12/1987'),
  pii2('DATE_OF_BIRTH', 'I was born on 3 March 1990 in Leeds', '3 March 1990'),
  pii2('US_PASSPORT', 'passport no. 912803456', '912803456'),
  pii2('US_ITIN', 'ITIN 912-70-1234', '912-70-1234'),
  keep2('number', 'order #4111111111111112 shipped', '4111111111111112'),
  keep2('number', 'version 10.15.7 build 19H2', '10.15.7'),
  keep2('number', 'timestamp 1712345678901 latency_ms=245', '1712345678901'),
  keep2('number', 'tracking 1Z999AA10123456784', '1Z999AA10123456784'),
  keep2('number', 'invoice INV-2024-000123 total 1,234.56', 'INV-2024-000123'),
  keep2('number', 'ISBN 978-3-16-148410-0', '978-3-16-148410-0'),
  keep2('number', 'trace 0af7651916cd43dd8448eb211c80319c', '0af7651916cd43dd8448eb211c80319c'),
  keep2('number', 'the meeting is on 2024-03-05 at 10:30', '2024-03-05'),
  keep2('number', 'ticket 123-45-6789-A in Jira', '123-45-6789-A'),
  keep2('number', 'rate limited: 429 after 1000 requests in 60 s', '1000'),
  keep2('number', 'port 8080, pid 31337, uid 1000', '31337'),
  keep2('number', 'coordinates 48.8566, 2.3522', '48.8566'),
];

export function realworldCases(g: Gen, out: DevCase[]): void {
  for (const c of PERSON_CASES) out.push({ id: '', ...c });
  for (const c of LOOKALIKE_CASES) out.push({ id: '', ...c });
  for (const [family, key, make] of SECRET_FAMILIES) {
    for (let k = 0; k < 2; k++) {
      const value = make(g);
      out.push({ id: '', slice: `rw-secret-tp/${family}`, text: g.pick(CONTEXTS)(key, value), pii: [{ entity: 'SECRET', value }], keep: [] });
    }
  }
  for (const [form, make] of SECRET_FORMS) {
    for (let k = 0; k < 2; k++) {
      const { text, value } = make(g);
      out.push({ id: '', slice: `rw-secret-tp/${form}`, text, pii: [{ entity: 'SECRET', value }], keep: [] });
    }
  }
  for (const c of SECRET_FALSE_POSITIVES) out.push({ id: '', ...c });
  for (const c of BATCH2) out.push({ id: '', ...c });
  for (const c of batch2Secrets(g)) out.push({ id: '', ...c });
  for (const c of BATCH2_FP) out.push({ id: '', ...c });
  for (const c of PII2) out.push({ id: '', ...c });
}
