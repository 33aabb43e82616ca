// A mailbox's schedule items held in columns (typed arrays) rather than one object per item.
//
// Why: a lookup holds every mailbox's items until its last Graph call is in. A dense one (100 mailboxes over 62
// days, ~35,000 items) kept them as objects of 122 bytes each: they outlived the young generation, were copied
// into the old one and made the collector mark them again and again, and under the relay's heap ceiling that
// cost more than reading the answers. Here times and statuses live outside the JavaScript heap, subjects and
// locations are references to strings shared by the answer (see schedule-scan.ts), and the objects a view needs
// are made for one mailbox at a time, when it is written, and die young.

/** Free/busy statuses an item can have (Graph's freeBusyStatus words); their order gives the status codes below. */
export const FREE_BUSY_STATUSES = ['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'] as const;
export type FreeBusyStatus = (typeof FREE_BUSY_STATUSES)[number];

const statusSet: ReadonlySet<unknown> = new Set<FreeBusyStatus>(FREE_BUSY_STATUSES);
/** Whether `status` is one of the statuses the relay knows. */
export const isFreeBusyStatus = (status: unknown): status is FreeBusyStatus => statusSet.has(status);

/** A schedule item normalised to UTC instants (epoch ms). Held in columns by ScheduleItems; this is one made whole. */
export interface ScheduleItem {
  start: number;
  end: number;
  status: FreeBusyStatus;
  isPrivate: boolean;
  subject?: string;
  location?: string;
}

/** Status codes (the low bits of an item's flags): the status's index in FREE_BUSY_STATUSES. */
const STATUS_CODE = Object.fromEntries(FREE_BUSY_STATUSES.map((s, i) => [s, i])) as Readonly<Record<FreeBusyStatus, number>>;
const PRIVATE = 0x80;
const STATUS_MASK = 0x7f;

/**
 * Items in Graph's order. Read by index (start(i), status(i), …) on hot paths; at(i), iteration and toArray()
 * make ScheduleItem objects. JSON.stringify writes them as an array of ScheduleItems (the cache's format).
 */
export class ScheduleItems implements Iterable<ScheduleItem> {
  static readonly EMPTY = new ScheduleItems(new Float64Array(0), new Uint8Array(0), undefined);

  readonly length: number;

  /**
   * @param times [start0, end0, start1, end1, …] as UTC epoch ms
   * @param flags per item: status code, | 0x80 when private
   * @param texts [subject0, location0, …], or undefined when no item has either
   */
  private constructor(
    private readonly times: Float64Array,
    private readonly flags: Uint8Array,
    private readonly texts: readonly (string | undefined)[] | undefined,
  ) {
    this.length = flags.length;
  }

  static of(items: Iterable<ScheduleItem>): ScheduleItems {
    const b = new ScheduleItemsBuilder(Array.isArray(items) ? items.length : undefined);
    for (const item of items) b.push(item.start, item.end, item.status, item.isPrivate, item.subject, item.location);
    return b.build();
  }

  start(i: number): number {
    return this.times[2 * i]!;
  }

  end(i: number): number {
    return this.times[2 * i + 1]!;
  }

  status(i: number): FreeBusyStatus {
    return FREE_BUSY_STATUSES[this.flags[i]! & STATUS_MASK]!;
  }

  isPrivate(i: number): boolean {
    return (this.flags[i]! & PRIVATE) !== 0;
  }

  /** The subject, undefined when Graph gave none (or an empty one). */
  subject(i: number): string | undefined {
    return this.texts?.[2 * i];
  }

  location(i: number): string | undefined {
    return this.texts?.[2 * i + 1];
  }

  at(i: number): ScheduleItem {
    const item: ScheduleItem = { start: this.start(i), end: this.end(i), status: this.status(i), isPrivate: this.isPrivate(i) };
    const subject = this.subject(i);
    const location = this.location(i);
    if (subject !== undefined) item.subject = subject;
    if (location !== undefined) item.location = location;
    return item;
  }

  *[Symbol.iterator](): Iterator<ScheduleItem> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  toArray(): ScheduleItem[] {
    const out: ScheduleItem[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.at(i));
    return out;
  }

  toJSON(): ScheduleItem[] {
    return this.toArray();
  }

  /** Whether the items run by start, then end (Graph sends them so). */
  inOrder(): boolean {
    const t = this.times;
    for (let i = 2; i < t.length; i += 2) if (t[i - 2]! > t[i]! || (t[i - 2] === t[i] && t[i - 1]! > t[i + 1]!)) return false;
    return true;
  }

  /** These items by start, then end (a stable sort); themselves when already in order. */
  sorted(): ScheduleItems {
    if (this.inOrder()) return this;
    const order = Array.from({ length: this.length }, (_, i) => i).sort((a, b) => this.start(a) - this.start(b) || this.end(a) - this.end(b));
    return this.pick(order);
  }

  /** The same items without subjects and locations. */
  withoutDetails(): ScheduleItems {
    return this.texts ? new ScheduleItems(this.times, this.flags, undefined) : this;
  }

  /** The items at `indices`, in that order. */
  pick(indices: readonly number[]): ScheduleItems {
    const b = new ScheduleItemsBuilder(indices.length);
    for (const i of indices) b.copy(this, i);
    return b.build();
  }

  /** Made by SealedItems.take only. */
  static fromColumns(times: Float64Array, flags: Uint8Array, texts: readonly (string | undefined)[] | undefined): ScheduleItems {
    return flags.length === 0 ? ScheduleItems.EMPTY : new ScheduleItems(times, flags, texts);
  }
}

/**
 * Collects items in columns that grow as needed; seal() copies them out at their exact size and empties the
 * builder for reuse. The response scanner keeps one builder for every answer it reads: the columns of an answer's
 * mailboxes are then one allocation each, and the room to grow is made once.
 */
export class ScheduleItemsBuilder {
  private times: Float64Array;
  private flags: Uint8Array;
  private texts: (string | undefined)[] = [];
  /** Index of the last item with a subject or location, + 1. */
  private textsUpTo = 0;
  length = 0;

  /** @param capacity items expected (room grows past it when needed); a good guess saves copies. */
  constructor(capacity = 32) {
    const n = Math.max(1, Math.ceil(capacity));
    this.times = new Float64Array(2 * n);
    this.flags = new Uint8Array(n);
  }

  push(start: number, end: number, status: FreeBusyStatus, isPrivate: boolean, subject: string | undefined | null, location: string | undefined | null): void {
    const n = this.length;
    if (n === this.flags.length) this.grow();
    this.times[2 * n] = start;
    this.times[2 * n + 1] = end;
    this.flags[n] = STATUS_CODE[status] | (isPrivate ? PRIVATE : 0);
    // Empty text counts as none, as in the objects the relay made before.
    const s = subject || undefined;
    const l = location || undefined;
    if (s !== undefined || l !== undefined) {
      // Filled up to here lazily: answers without details never hold a text array at all.
      while (this.texts.length < 2 * n) this.texts.push(undefined);
      this.texts.push(s, l);
      this.textsUpTo = n + 1;
    }
    this.length = n + 1;
  }

  /** Item i of `from`, as it is. */
  copy(from: ScheduleItems, i: number): void {
    this.push(from.start(i), from.end(i), from.status(i), from.isPrivate(i), from.subject(i), from.location(i));
  }

  /** Items there is room for before the columns grow. */
  get room(): number {
    return this.flags.length;
  }

  /** Forgets the items pushed, keeping the room. */
  reset(): void {
    this.length = 0;
    this.texts = [];
    this.textsUpTo = 0;
  }

  /**
   * The items pushed, in columns of their exact size (the builder's own when they are exactly full); the builder
   * is empty afterwards. Take each mailbox's range of them with take().
   */
  seal(): SealedItems {
    const n = this.length;
    let sealed: SealedItems;
    if (n === this.flags.length) {
      sealed = new SealedItems(this.times, this.flags, this.texts, this.textsUpTo);
      this.times = new Float64Array(2 * Math.max(1, n));
      this.flags = new Uint8Array(Math.max(1, n));
    } else {
      sealed = new SealedItems(this.times.slice(0, 2 * n), this.flags.slice(0, n), this.texts, this.textsUpTo);
    }
    this.reset();
    return sealed;
  }

  /** All the items pushed, in columns of their exact size; the builder is empty afterwards. */
  build(): ScheduleItems {
    const n = this.length;
    return this.seal().take(0, n);
  }

  /** Room for as many items again (twice the room, copied). */
  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const flags = new Uint8Array(this.flags.length * 2);
    flags.set(this.flags);
    this.flags = flags;
  }
}

/** Columns of exact size from ScheduleItemsBuilder.seal(), handed out in ranges. */
class SealedItems {
  constructor(
    private readonly times: Float64Array,
    private readonly flags: Uint8Array,
    private readonly texts: readonly (string | undefined)[],
    private readonly textsUpTo: number,
  ) {}

  /** Items [from, to) as ScheduleItems, sharing these columns. */
  take(from: number, to: number): ScheduleItems {
    let texts: (string | undefined)[] | undefined;
    if (this.textsUpTo > from) {
      texts = this.texts.slice(2 * from, 2 * to);
      if (texts.every((t) => t === undefined)) texts = undefined;
      else while (texts.length < 2 * (to - from)) texts.push(undefined);
    }
    return ScheduleItems.fromColumns(this.times.subarray(2 * from, 2 * to), this.flags.subarray(from, to), texts);
  }
}
