/**
 * URL_CREDENTIALS. RFC 3986 userinfo (`scheme://user:password@host`) in URLs and in the connection
 * strings built on them (postgres://, mongodb+srv://, redis://, amqp://, jdbc:mysql://…). The finding
 * covers `user:password`; the password may itself contain '@' (the last '@' before the host wins).
 */
import { regexDetector } from '../regex-detector.js';

const USERINFO = /(?<=[A-Za-z][A-Za-z0-9+.\-]{0,30}:\/\/)[^\s:/?#@"'<>\\]{0,128}:[^\s/?#"'<>\\]{1,256}(?=@[A-Za-z0-9\[])/g;

export const urlCredentialsDetector = regexDetector({
  name: 'url_credentials',
  entity: 'URL_CREDENTIALS',
  pattern: USERINFO,
  mayMatch: (text) => text.includes('://') && text.includes('@'),
  triggered: (t) => t.at > 0 && t.schemeSeparators > 0,
  validate: (m) => {
    const s = m[0];
    const colon = s.indexOf(':');
    // `host:port@…` is not userinfo; a password is never only a port number
    return !/^\d{1,5}$/.test(s.slice(colon + 1));
  },
});
