/**
 * Seeded randomness for chaos: a run with the same seed makes the same decisions in the same
 * order, so an interview incident can be replayed. mulberry32: tiny, fast, good enough.
 */
export interface Random {
  readonly seed: number;
  /** Uniform in [0, 1); a plain function, safe to pass around. */
  readonly next: () => number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  /** An independent stream derived from this seed and a label (e.g. one per fault). */
  fork(label: string | number): Random;
}

export function newSeed(): number {
  return (Math.random() * 2 ** 32) >>> 0;
}

function hash32(text: string, seed: number): number {
  let h = seed ^ 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
    h ^= h >>> 13;
  }
  return (h ^ (h >>> 16)) >>> 0;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: seed >>> 0,
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('cannot pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    fork: (label) => seededRandom(hash32(String(label), seed)),
  };
}
