/**
 * Edit distance where swapping two neighbouring letters counts as one edit (optimal string
 * alignment), because transpositions (Qeury, salse) are the commonest typos in names.
 */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The candidate closest to `input`, ignoring case, if it is close enough to be a plausible typo
 * (one edit for very short names, else up to a third of the length, at least 2 and at most 4).
 */
export function nearestName(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  const budget = input.length < 4 ? 1 : Math.min(4, Math.max(2, Math.floor(input.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - input.length) > budget) continue;
    const distance = levenshtein(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= budget ? best : undefined;
}

/** `did you mean "X"?` or a fallback sentence. */
export function didYouMean(input: string, candidates: Iterable<string>, fallback?: string): string | undefined {
  const near = nearestName(input, candidates);
  return near !== undefined ? `did you mean "${near}"?` : fallback;
}
