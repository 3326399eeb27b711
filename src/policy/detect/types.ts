/**
 * Detector contract. A detector finds spans of text that hold one entity (an e-mail address, a card
 * number, a secret). A Scanner runs a compiled set of detectors over a string in as few passes as it
 * can and returns non-overlapping findings sorted by start.
 */

/** Entity names are upper snake case, as in Presidio (EMAIL_ADDRESS, CREDIT_CARD, …). */
export type EntityName = string;

export interface Finding {
  entity: EntityName;
  /** UTF-16 offsets into the scanned string, end exclusive. */
  start: number;
  end: number;
  /** The detector (built-in name or custom detector id) that produced it; for explain and metrics. */
  detector: string;
}

/**
 * What the caller knows about the text's surroundings. `allow`: lower-case words that name no person
 * here (the span's own model and provider names, e.g. "claude", "sonnet" for claude-3-5-sonnet).
 */
export interface ScanHints {
  readonly allow?: ReadonlySet<string>;
}

export interface Detector {
  readonly name: string;
  readonly entity: EntityName;
  /**
   * Cheap test that must be true for any string this detector could match (a character, a prefix, a
   * digit run). The scanner skips `find` when it is false.
   */
  mayMatch(text: string): boolean;
  /** Appends findings for `text` to `out`. Must run in time linear in text.length (no ReDoS). */
  find(text: string, out: Finding[], hints?: ScanHints): void;
}

export interface Scanner {
  /** Entities this scanner can report. */
  readonly entities: readonly EntityName[];
  /** Non-overlapping findings, sorted by start; the longer finding wins an overlap. */
  scan(text: string, hints?: ScanHints): Finding[];
}

/**
 * Built-in detectors whose matches are anchored on a vendor prefix or a PEM/JWT frame set this so the
 * scanner runs them over base64 blobs too: a key pasted inside an encoded payload is still a key, while
 * digit- and word-shaped PII detectors would only find noise there. Added by the detect module.
 */
export interface EncodedAwareDetector extends Detector {
  readonly scansEncoded: true;
}
