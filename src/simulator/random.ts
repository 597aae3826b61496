// A seeded random source: the same seed gives the same history, on any machine.
import { assert } from "../domain/assert.js";
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from "pure-rand";

const resolution = 0x80000000;
/** The largest seed: the generator takes 32 bits of it. */
export const maxSeed = 0xffff_ffff;

/** MurmurHash3's finaliser: every bit of the word moves every bit of the result. */
function fmix32(word: number): number {
  let h = word | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a, 32 bits: a name's hash, the same on any machine. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash | 0;
}

export class Random {
  private readonly rng: RandomGenerator;

  /**
   * `seed`: 0 to 2^32 − 1, the generator's whole seed. `stream` names what is simulated (a city and
   * brand), so that one seed gives each its own history.
   */
  constructor(seed: number, stream: string) {
    assert(Number.isInteger(seed) && seed >= 0 && seed <= maxSeed, `a seed is 0 to ${maxSeed}: ${seed}`);
    const streamHash = fnv1a(stream);
    // Each word mixed: xoroshiro128plus(seed) sets them to [-1, ~seed, seed, 0], and its first
    // draws then hardly differ from one seed to the next. No mixed state is all zero: fmix32 is
    // a bijection taking only 0 to 0, and the second and third words differ.
    this.rng = xoroshiro128plus.fromState([fmix32(streamHash), fmix32(seed), fmix32(seed ^ 0x9e3779b9), fmix32(streamHash ^ 0x85ebca6b)]);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return unsafeUniformIntDistribution(0, resolution - 1, this.rng) / resolution;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.rng);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** Poisson-distributed count with mean lambda (Knuth for small means, normal beyond). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = this.float(); p > limit; p *= this.float()) k++;
    return k;
  }

  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }
}
