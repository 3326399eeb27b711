/**
 * MAC_ADDRESS (IEEE EUI-48). Six octets joined by ':' or '-' (one kind per address), or the Cisco
 * form of three dotted groups of four hex digits. The Cisco form must contain a hex letter, so a
 * dotted run of digits (a version, a date) is not taken for one.
 */
import { regexDetector } from '../regex-detector.js';

const MAC =
  /(?<![\w:\-.])(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:\-]|\.\w)/g;

const MAC_HINT = /[0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}[:\-][0-9A-Fa-f]{2}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\./;

export const macDetector = regexDetector({
  name: 'mac',
  entity: 'MAC_ADDRESS',
  pattern: MAC,
  mayMatch: (text) => text.length >= 14 && MAC_HINT.test(text),
  // five octet separators, or two dots each after exactly four hex digits: counted by the trigger pass
  triggered: (t) => t.octetSeparators >= 5 || t.quadDots >= 2,
  validate: (m) => !m[0].includes('.') || /[A-Fa-f]/.test(m[0]),
});
