/**
 * Credentials that carry no prefix of their own but are recognised by the key they are assigned to:
 * a key naming the vendor (`ASANA_CLIENT_SECRET`, `twitter.consumer_key`, `cloudflare_api_token`) and a
 * value of that vendor's documented layout (charset and exact length; layouts as catalogued by public
 * secret-scanning rule sets such as gitleaks'). The key=value readers (generic-secret.ts) ask
 * `vendorValue` once they have read a key and a value, so these cost nothing on text without one.
 */
import { wordsAlternation } from '../text.js';

const HEX32 = /^[a-f0-9]{32}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const alnum = (...lengths: number[]): RegExp => new RegExp(`^[a-z0-9]{${lengths.join('}$|^[a-z0-9]{')}}$`, 'i');
const urlsafe = (...lengths: number[]): RegExp => new RegExp(`^[a-z0-9_=\\-]{${lengths.join('}$|^[a-z0-9_=\\-]{')}}$`, 'i');
const digits = (...lengths: number[]): RegExp => new RegExp(`^\\d{${lengths.join('}$|^\\d{')}}$`);

/** Vendor keyword (lower case, as it appears inside a key) → layouts its credentials take. */
const VENDORS: ReadonlyMap<string, readonly RegExp[]> = new Map<string, readonly RegExp[]>([
  ['adafruit', [urlsafe(32)]],
  ['adobe', [HEX32]],
  ['airtable', [alnum(17), /^pat[A-Za-z0-9]{14}\.[a-f0-9]{64}$/]],
  ['algolia', [alnum(32)]],
  ['alibaba', [alnum(30)]],
  ['asana', [digits(16), alnum(32), /^\d\/\d{16}:[a-f0-9]{32}$/]],
  ['atlassian', [/^[a-z0-9]{20}[a-f0-9]{4}$/i]],
  ['confluence', [/^[a-z0-9]{20}[a-f0-9]{4}$/i]],
  ['jira', [/^[a-z0-9]{20}[a-f0-9]{4}$/i]],
  ['beamer', [/^b_[a-z0-9=_\-]{44}$/i]],
  ['bitbucket', [alnum(32), urlsafe(64)]],
  ['bittrex', [alnum(32)]],
  ['meraki', [/^[0-9a-f]{40}$/]],
  ['cloudflare', [urlsafe(40), /^[a-f0-9]{37}$/]],
  ['codecov', [alnum(32)]],
  ['cohere', [/^[A-Za-z0-9]{40}$/]],
  ['coinbase', [urlsafe(64)]],
  ['confluent', [alnum(16, 64)]],
  ['contentful', [urlsafe(43)]],
  ['datadog', [alnum(40, 32)]],
  ['dnkey', [/^dnkey-[a-z0-9=_\-]{26}-[a-z0-9=_\-]{52}$/i]],
  ['discord', [/^[a-f0-9]{64}$/i, digits(17, 18, 19), urlsafe(32)]],
  ['droneci', [alnum(32)]],
  ['dropbox', [alnum(15), /^[a-z0-9]{11}AAAAAAAAAA[a-z0-9\-_=]{43}$/i]],
  ['etsy', [alnum(24)]],
  ['facebook', [HEX32, /^\d{15,16}[|%][0-9a-z\-_]{27,40}$/i]],
  ['fastly', [urlsafe(32)]],
  ['finicity', [HEX32, alnum(20)]],
  ['finnhub', [alnum(20)]],
  ['flickr', [alnum(32)]],
  ['freshbooks', [alnum(64)]],
  ['gitter', [urlsafe(40)]],
  ['gocardless', [/^live_[a-z0-9\-_=]{40}$/i]],
  ['heroku', [UUID]],
  ['hubspot', [UUID]],
  ['intercom', [urlsafe(60)]],
  ['jfrog', [alnum(73, 64)]],
  ['artifactory', [alnum(73, 64)]],
  ['bintray', [alnum(73, 64)]],
  ['kraken', [/^[a-z0-9/=_+\-]{80,90}$/i]],
  ['kucoin', [/^[a-f0-9]{24}$/, UUID]],
  ['launchdarkly', [urlsafe(40)]],
  ['linear', [HEX32]],
  ['linkedin', [alnum(14, 16)]],
  ['lob', [/^(?:live|test)_[a-f0-9]{35}$/, /^(?:live|test)_pub_[a-f0-9]{31}$/]],
  ['mailchimp', [/^[a-f0-9]{32}-us\d{1,2}$/]],
  ['mailgun', [/^key-[a-f0-9]{32}$/, /^pubkey-[a-f0-9]{32}$/, /^[a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8}$/]],
  ['mapbox', [/^pk\.[a-z0-9]{60}\.[a-z0-9]{22}$/i]],
  ['mattermost', [alnum(26)]],
  ['messagebird', [alnum(25), UUID]],
  ['netlify', [/^[a-z0-9=_\-]{40,46}$/i]],
  ['newrelic', [alnum(64), /^NR(?:AK|II|JS)-[a-z0-9\-]{19,32}$/i]],
  ['nytimes', [urlsafe(32)]],
  ['okta', [/^00[A-Za-z0-9=_\-]{40}$/]],
  ['plaid', [alnum(24, 30)]],
  ['privateai', [alnum(32)]],
  ['rapidapi', [urlsafe(50)]],
  ['sendbird', [UUID, /^[a-f0-9]{40}$/]],
  ['sentry', [/^[a-f0-9]{64}$/]],
  ['squarespace', [UUID]],
  ['sumo', [/^su[A-Za-z0-9]{12}$/, alnum(64)]],
  ['telegram', [/^\d{5,16}:A[A-Za-z0-9_\-]{34}$/]],
  ['travis', [alnum(22)]],
  ['twitch', [alnum(30)]],
  ['twitter', [alnum(25, 45, 50), /^\d{15,25}-[A-Za-z0-9]{20,40}$/, /^A{22}[A-Za-z0-9%]{80,100}$/]],
  ['typeform', [/^tfp_[a-z0-9\-_.=]{59}$/i]],
  ['yandex', [/^YC[A-Za-z0-9_\-]{38}$/, /^AQVN[A-Za-z0-9_\-]{35,38}$/]],
  ['zendesk', [alnum(40)]],
  ['snyk', [UUID]],
  ['sonar', [urlsafe(40)]],
  ['contribsys', [/^[a-f0-9]{8}:[a-f0-9]{8}$/]], // Sidekiq Enterprise/Pro (BUNDLE_GEMS__CONTRIBSYS__COM)
]);

/** "message_bird", "new-relic", "linked_in", "private-ai" → one keyword. */
function squash(key: string): string {
  return key.toLowerCase().replace(/[_\-.\s]/g, '');
}

/** Whether `value` has the layout of a credential of a vendor the key names. */
export function vendorValue(key: string, value: string): boolean {
  if (value.length < 14 || value.length > 200) return false;
  const k = squash(key);
  for (const [vendor, shapes] of VENDORS) {
    if (!k.includes(vendor)) continue;
    for (const shape of shapes) if (shape.test(value)) return !/(.)\1{7}/.test(value);
  }
  return false;
}

/** Any vendor keyword occurs in `text` (lower-cased): the readers' prefilter. */
export const VENDOR_WORDS: readonly string[] = [...VENDORS.keys()];
export const VENDOR_WORDS_SOURCE = VENDOR_WORDS.join('|');
const ANY_VENDOR = new RegExp(wordsAlternation(VENDOR_WORDS), 'i');
export function hasVendorWord(text: string): boolean {
  return ANY_VENDOR.test(text);
}
