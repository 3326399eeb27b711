/**
 * The one exception the decoders use internally. Malformed input raises a `DecodeFailure` deep in a
 * decoder; the decoder's entry point catches it and returns `{ ok: false, error }`, so exceptions never
 * leave the codec (design principle 6). On the way out each enclosing message adds its segment, so the
 * client is told where: `resource_spans[0].scope_spans[1].spans[3]: truncated length-delimited field`.
 * Messages never quote payload values.
 */
export class DecodeFailure {
  private readonly path: string[] = [];
  /**
   * `refusal` is set when the input was well-formed but over a size budget (limits.ts): the receiver
   * answers 413 ('too_large') or 503 ('busy') instead of 400.
   */
  constructor(
    readonly reason: string,
    readonly refusal?: 'too_large' | 'busy',
  ) {}

  /** Adds the enclosing field (outermost last) as the failure propagates up. */
  within(segment: string): DecodeFailure {
    this.path.push(segment);
    return this;
  }

  get message(): string {
    if (this.path.length === 0) return this.reason;
    let p = this.path[this.path.length - 1]!;
    for (let i = this.path.length - 2; i >= 0; i--) p += '.' + this.path[i]!;
    return `${p}: ${this.reason}`;
  }
}

/** Re-raises `e` with `segment` added to its path; anything else is rethrown untouched. */
export function failWithin(e: unknown, segment: string): never {
  if (e instanceof DecodeFailure) throw e.within(segment);
  throw e;
}

