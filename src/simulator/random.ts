// A seeded random source: the same seed gives the same history, on any machine.
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from "pure-rand";

const resolution = 0x80000000;
/** The largest seed: the generator takes 32 bits of it. */
export const maxSeed = 0xffff_ffff;

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
    const named = fnv1a(stream);
    // xoroshiro128plus(seed) would be [-1, ~seed, seed | 0, 0]: the stream takes the words the seed leaves.
    this.rng = xoroshiro128plus.fromState([~named, ~seed, seed | 0, named]);
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
