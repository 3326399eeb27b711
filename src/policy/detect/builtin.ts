/**
 * The registry of built-in detectors, by entity name. Policies enable them by name or `all`.
 */
import type { Detector, EntityName } from './types.js';
import type { BuiltinDetector } from './regex-detector.js';
import { emailDetector } from './detectors/email.js';
import { phoneDetector } from './detectors/phone.js';
import { creditCardDetector } from './detectors/credit-card.js';
import { ibanDetector } from './detectors/iban.js';
import { ssnDetector } from './detectors/ssn.js';
import { ipv4Detector, ipv6Detector } from './detectors/ip.js';
import { macDetector } from './detectors/mac.js';
import {
  anthropicKeyDetector,
  awsAccessKeyDetector,
  gcpApiKeyDetector,
  githubTokenDetector,
  gitlabTokenDetector,
  huggingfaceTokenDetector,
  npmTokenDetector,
  openaiKeyDetector,
  sendgridKeyDetector,
  slackTokenDetector,
  stripeKeyDetector,
} from './detectors/secrets.js';
import { jwtDetector } from './detectors/jwt.js';
import { privateKeyDetector } from './detectors/private-key.js';
import { urlCredentialsDetector } from './detectors/url-credentials.js';
import { genericSecretDetector, spokenSecretDetector } from './detectors/generic-secret.js';
import { hexTokenDetector, knownTokenDetector } from './detectors/known-tokens.js';
import { personDetector } from './detectors/person.js';
import { cryptoDetector } from './detectors/crypto.js';
import { streetAddressDetector } from './detectors/street-address.js';
import { dateOfBirthDetector } from './detectors/date-of-birth.js';
import {
  abaRoutingDetector,
  ssnContextDetector,
  ukNhsDetector,
  usBankNumberDetector,
  usDriverLicenseDetector,
  usItinDetector,
  usPassportDetector,
} from './detectors/national-ids.js';
import { arrowSecretDetector, callPairSecretDetector, cliSecretDetector, tableSecretDetector, xmlKeyValueSecretDetector, xmlSecretDetector } from './detectors/credential-forms.js';
import { shapedTokenDetector, vendorTokenDetector } from './detectors/vendor-tokens.js';

/** Entity → the detectors that report it (IP_ADDRESS has one for each address family). */
const REGISTRY: ReadonlyMap<EntityName, readonly BuiltinDetector[]> = new Map<EntityName, readonly BuiltinDetector[]>([
  ['EMAIL_ADDRESS', [emailDetector]],
  ['PHONE_NUMBER', [phoneDetector]],
  ['CREDIT_CARD', [creditCardDetector]],
  ['IBAN_CODE', [ibanDetector]],
  ['US_SSN', [ssnDetector, ssnContextDetector]],
  ['IP_ADDRESS', [ipv4Detector, ipv6Detector]],
  ['MAC_ADDRESS', [macDetector]],
  ['AWS_ACCESS_KEY', [awsAccessKeyDetector]],
  ['GITHUB_TOKEN', [githubTokenDetector]],
  ['GITLAB_TOKEN', [gitlabTokenDetector]],
  ['SLACK_TOKEN', [slackTokenDetector]],
  ['STRIPE_KEY', [stripeKeyDetector]],
  ['OPENAI_KEY', [openaiKeyDetector]],
  ['ANTHROPIC_KEY', [anthropicKeyDetector]],
  ['GCP_API_KEY', [gcpApiKeyDetector]],
  ['HUGGINGFACE_TOKEN', [huggingfaceTokenDetector]],
  ['NPM_TOKEN', [npmTokenDetector]],
  ['SENDGRID_KEY', [sendgridKeyDetector]],
  ['JWT', [jwtDetector]],
  ['PRIVATE_KEY', [privateKeyDetector]],
  ['URL_CREDENTIALS', [urlCredentialsDetector]],
  [
    'GENERIC_SECRET',
    [
      genericSecretDetector,
      spokenSecretDetector,
      xmlSecretDetector,
      xmlKeyValueSecretDetector,
      tableSecretDetector,
      cliSecretDetector,
      callPairSecretDetector,
      arrowSecretDetector,
      knownTokenDetector,
      vendorTokenDetector,
      shapedTokenDetector,
      hexTokenDetector,
    ],
  ],
  ['PERSON', [personDetector]],
  ['STREET_ADDRESS', [streetAddressDetector]],
  ['CRYPTO', [cryptoDetector]],
  ['UK_NHS', [ukNhsDetector]],
  ['ABA_ROUTING_NUMBER', [abaRoutingDetector]],
  ['US_ITIN', [usItinDetector]],
  ['US_PASSPORT', [usPassportDetector]],
  ['US_DRIVER_LICENSE', [usDriverLicenseDetector]],
  ['US_BANK_NUMBER', [usBankNumberDetector]],
  ['DATE_OF_BIRTH', [dateOfBirthDetector]],
]);

export const BUILTIN_ENTITIES: readonly EntityName[] = Object.freeze([...REGISTRY.keys()]);

export function isBuiltinEntity(name: string): boolean {
  return REGISTRY.has(name);
}

/**
 * The detectors for `select`, in registry order, each once. An unknown name is a policy error, found
 * when the policy compiles (an edge), so it throws with the names that are accepted.
 */
export function builtinDetectors(select: 'all' | readonly EntityName[]): Detector[] {
  if (select === 'all') return [...REGISTRY.values()].flat();
  const unknown = select.filter((name) => !REGISTRY.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown built-in detector ${unknown.map((n) => `'${n}'`).join(', ')}; expected one of: ${BUILTIN_ENTITIES.join(', ')}`,
    );
  }
  const wanted = new Set(select);
  return [...REGISTRY.entries()].filter(([entity]) => wanted.has(entity)).flatMap(([, ds]) => ds);
}

/** Every regex a built-in detector runs, for the catastrophic-backtracking test. */
export function builtinPatterns(): { detector: string; pattern: RegExp }[] {
  return [...REGISTRY.values()].flat().flatMap((d) => d.patterns.map((pattern) => ({ detector: d.name, pattern })));
}
