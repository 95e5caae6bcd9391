import { describe, expect, it } from 'vitest';
import { capacityPlan, parseCapacitySlos, searchModelLayer, sloExpression, splitSloList } from '../../../src/config/capacity.js';
import { optionsSchema } from '../../../src/config/schema.js';

describe('--slo of the capacity search', () => {
  it('takes the thresholds syntax with short names for the LLM figures and errors', () => {
    expect(sloExpression('ttft.p95<500ms')).toBe('llm.ttft.p95<500ms');
    expect(sloExpression('tpot.p95 < 50ms')).toBe('llm.tpot.p95 < 50ms');
    expect(sloExpression('errors<1%')).toBe('http.errors.rate<1%');
    expect(sloExpression('http.p99<300ms')).toBe('http.p99<300ms');
    expect(sloExpression('endpoint["GET /a"].p95<1s')).toBe('endpoint["GET /a"].p95<1s');
    const [ttft, errors] = parseCapacitySlos('ttft.p95<500ms, errors<1%');
    expect(ttft).toMatchObject({ expression: 'ttft.p95<500ms', metric: 'llm.ttft.<stat>', stat: 'p95', limit: 500, unit: 'ms' });
    expect(errors).toMatchObject({ expression: 'errors<1%', metric: 'http.errors.rate', limit: 1, unit: '%' });
  });

  it('splits at commas outside brackets and quotes', () => {
    expect(splitSloList('endpoint["GET /a,b"].p95<1s,http.p99<2s')).toEqual(['endpoint["GET /a,b"].p95<1s', 'http.p99<2s']);
  });

  it('names --slo and the bad part in its error', () => {
    expect(() => parseCapacitySlos('http.p99<300ms,latency.p95<1s')).toThrow(/^--slo "latency.p95<1s": /);
    expect(() => capacityPlan({ findCapacity: true })).toThrow(/--find-capacity needs --slo/);
  });

  it('applies the documented defaults', () => {
    const o = optionsSchema.parse({ findCapacity: true, slo: 'http.p99<300ms' });
    expect(capacityPlan(o)).toMatchObject({ by: 'rate', startLevel: 1, maxLevel: 1000, stepMs: 20_000, warmupMs: 5_000, precision: 0.05, maxSteps: 20 });
    const u = optionsSchema.parse({ findCapacity: true, by: 'users', slo: 'http.p99<300ms', stepTime: '2s', capacityPrecision: '10%' });
    expect(capacityPlan(u)).toMatchObject({ by: 'users', maxLevel: 256, stepMs: 2000, warmupMs: 500, precision: 0.1 });
  });
});

describe('the load model of a search or a rate sweep', () => {
  const o = (x: Record<string, unknown>) => optionsSchema.parse(x);
  it('is an open model sized for the highest rate, or a closed one of the highest users', () => {
    expect(searchModelLayer(o({ findCapacity: true, slo: 'http.p99<1s', maxRate: '200/s' }), {})).toEqual({ rate: 200 });
    expect(searchModelLayer(o({ findCapacity: true, by: 'users', slo: 'http.p99<1s', maxLevel: 64 }), {})).toEqual({ users: 64 });
    expect(searchModelLayer(o({ rateSweep: '10/s,40/s,20/s' }), {})).toEqual({ rate: 40 });
    expect(searchModelLayer(o({}), { users: 3 })).toEqual({ users: 3 });
  });

  it('refuses a model the command line sets beside it, naming the flags', () => {
    const merged = o({ findCapacity: true, slo: 'http.p99<1s', users: 5 });
    expect(() => searchModelLayer(merged, { users: 5 })).toThrow('--find-capacity: not with -u/--users; it sets the rate itself');
    expect(() => searchModelLayer(o({ rateSweep: '10/s', rate: '5/s' }), o({ rate: '5/s' }))).toThrow('--rate-sweep: not with --rate; it sets the rate itself');
    expect(() => searchModelLayer(o({ findCapacity: true, slo: 'http.p99<1s', segment: '1/2' }), {})).toThrow(/not with --segment/);
  });
});
