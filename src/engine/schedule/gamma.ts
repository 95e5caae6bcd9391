/**
 * Gamma-distributed samples (Marsaglia and Tsang's method) for bursty
 * arrivals, as vLLM's --burstiness: inter-arrival times drawn from a gamma
 * distribution of shape `burstiness` and mean 1/rate. Shape 1 is the
 * exponential distribution (Poisson arrivals); below 1 is burstier, above 1
 * more even.
 */
export function gammaSampler(shape: number, random: () => number): () => number {
  if (!(shape > 0)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // Box-Muller; 1 - random() keeps the logarithm finite.
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const a = 2 * Math.PI * random();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  const boost = shape < 1;
  const d = (boost ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return () => {
    let x: number;
    let v: number;
    for (;;) {
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - random();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) break;
    }
    const g = d * v;
    // Shape below 1: a sample of shape + 1 scaled by U^(1/shape).
    return boost ? g * Math.pow(1 - random(), 1 / shape) : g;
  };
}
