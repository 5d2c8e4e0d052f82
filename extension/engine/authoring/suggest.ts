/** "Did you mean": the known names closest to a misspelt one (edit distance, case-insensitive). */

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * Up to `max` known names close to `name`, best first: within an edit distance of about a third
 * of the longer name (at least 2), or containing / contained in it. Ties keep the known order.
 */
export function closest(name: string, known: readonly string[], max = 3): string[] {
  const wanted = name.toLowerCase();
  if (wanted === '') return [];
  return [...new Set(known)]
    .filter((k) => k !== name)
    .map((k, order) => {
      const lower = k.toLowerCase();
      const distance = editDistance(wanted, lower);
      const related = lower.includes(wanted) || wanted.includes(lower);
      const limit = Math.max(2, Math.ceil(Math.max(wanted.length, lower.length) / 3));
      return { k, order, score: distance <= limit ? distance : related ? limit + 0.5 : Infinity };
    })
    .filter((x) => x.score !== Infinity)
    .sort((x, y) => x.score - y.score || x.order - y.order)
    .slice(0, max)
    .map((x) => x.k);
}
