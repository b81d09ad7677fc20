/** Requests per second and latency percentiles (ms) of one measured run. */
export type RunFigures = { rps: number; p50: number; p95: number; p99: number };

/** The figures of a run that completed requests taking `latenciesMs` in `seconds`. */
export function runFigures(latenciesMs: number[], seconds: number): RunFigures {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { rps: sorted.length / seconds, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
