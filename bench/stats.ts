// Statistics the benchmarks share.

/** The middle value; with an even count, the mean of the two middle values. */
export function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The value at rank floor(p% × n) of values sorted ascending (no interpolation: always a measured value). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
