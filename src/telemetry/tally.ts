/**
 * Counters the hot path adds to many times per request, kept in plain numbers between scrapes.
 *
 * Every Counter.add of the metrics SDK finds its series by hashing the attribute set (Object.keys,
 * sort, JSON.stringify: four allocations) and reads the clock; the gateway adds ~20–40 times per
 * request (requests, records received, accepted, routed, redactions per entity, exported). A Tally
 * is one series, found without building a key, whose sum waits here until the next scrape hands it
 * to the SDK in one add: the Prometheus text is the same, series appear at the same first add (an
 * add of 0 included), and the hot path only adds numbers.
 */
import type { Attributes, Counter } from '@opentelemetry/api';

export class Tally {
  private pending = 0;
  private queued = false;

  constructor(
    private readonly counter: Counter,
    private readonly attrs: Attributes | undefined,
    private readonly book: Tallies,
  ) {}

  add(n: number): void {
    this.pending += n;
    if (!this.queued) {
      this.queued = true;
      this.book.queue(this);
    }
  }

  /** Hands the sum to the SDK counter; called by Tallies.flush only. */
  flush(): void {
    this.counter.add(this.pending, this.attrs);
    this.pending = 0;
    this.queued = false;
  }
}

export class Tallies {
  private readonly dirty: Tally[] = [];

  /** One series of `counter`; `attrs` frozen, as the SDK keeps the object it is given. */
  of(counter: Counter, attrs?: Attributes): Tally {
    return new Tally(counter, attrs && Object.freeze({ ...attrs }), this);
  }

  /** Series of `counter` by one label value, each made on first use. */
  by<K>(counter: Counter, attrs: (key: K) => Attributes): (key: K) => Tally {
    const series = new Map<K, Tally>();
    return (key) => {
      let t = series.get(key);
      if (t === undefined) series.set(key, (t = this.of(counter, attrs(key))));
      return t;
    };
  }

  /** Series of `counter` by two label values. */
  by2<A, B>(counter: Counter, attrs: (a: A, b: B) => Attributes): (a: A, b: B) => Tally {
    const series = new Map<A, (b: B) => Tally>();
    return (a, b) => {
      let inner = series.get(a);
      if (inner === undefined) series.set(a, (inner = this.by<B>(counter, (key) => attrs(a, key))));
      return inner(b);
    };
  }

  queue(t: Tally): void {
    this.dirty.push(t);
  }

  /** Before every collection: what was added since the last one goes to the SDK. */
  flush(): void {
    for (const t of this.dirty) t.flush();
    this.dirty.length = 0;
  }
}
