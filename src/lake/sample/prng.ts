/**
 * Small seeded PRNG (sfc32, seeded through splitmix32) for the sample-lake generator.
 *
 * Why our own: the generator must be byte-for-byte reproducible from a seed, so it may not touch
 * Math.random, and it must be fast (several calls per generated field, millions of records).
 */

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Characters that appear after the 4-letter prefix of AWS key and principal ids. */
const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Byte -> two hex chars, so a UUID costs four PRNG calls and no toString(16). */
const BYTE_HEX: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4] + HEX[i & 15]);

/** FNV-1a, used to derive independent streams from (seed, label). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `label` gives an independent stream per purpose, so adding draws to one part of the
   *  generator does not reshuffle unrelated parts (e.g. identities stay put when volume changes). */
  constructor(seed: number, label = '') {
    const sm = splitmix32((seed >>> 0) ^ hash32(label));
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Fisher-Yates in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  private chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  hex(n: number): string {
    return this.chars(HEX, n);
  }
  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }
  upperAlnum(n: number): string {
    return this.chars(UPPER_ALNUM, n);
  }
  keyChars(n: number): string {
    return this.chars(KEY_CHARS, n);
  }
  base64(n: number): string {
    return this.chars(B64, n);
  }
  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String(this.int(10));
    return out;
  }

  /** Random (version 4) UUID string. */
  uuid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    return (
      BYTE_HEX[a >>> 24] + BYTE_HEX[(a >>> 16) & 255] + BYTE_HEX[(a >>> 8) & 255] + BYTE_HEX[a & 255] + '-' +
      BYTE_HEX[b >>> 24] + BYTE_HEX[(b >>> 16) & 255] + '-4' +
      HEX[(b >>> 8) & 15] + BYTE_HEX[b & 255] + '-' +
      HEX[8 + ((c >>> 28) & 3)] + HEX[(c >>> 24) & 15] + BYTE_HEX[(c >>> 16) & 255] + '-' +
      BYTE_HEX[(c >>> 8) & 255] + BYTE_HEX[c & 255] +
      BYTE_HEX[d >>> 24] + BYTE_HEX[(d >>> 16) & 255] + BYTE_HEX[(d >>> 8) & 255] + BYTE_HEX[d & 255]
    );
  }
}

/** Pre-computed cumulative weights: O(log n) picks without re-summing on every draw. */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const kept = entries.filter(([, w]) => w > 0);
    if (kept.length === 0) throw new Error('WeightedTable needs at least one positive weight');
    this.items = kept.map(([item]) => item);
    this.cumulative = new Float64Array(kept.length);
    let sum = 0;
    kept.forEach(([, w], i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Prng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}
