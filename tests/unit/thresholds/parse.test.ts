import { describe, expect, it } from 'vitest';
import { ConfigError, UserError } from '../../../src/errors.js';
import { parseThreshold, parseThresholds } from '../../../src/thresholds/index.js';

const parse = (expr: string) => parseThreshold(expr, '--threshold');
const problem = (expr: string): string => {
  try {
    parse(expr);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error(`expected "${expr}" to be rejected`);
};

describe('parseThreshold: valid expressions', () => {
  it('reads a latency percentile with its unit', () => {
    expect(parse('http.p95<300ms')).toEqual({
      expression: 'http.p95<300ms', source: '--threshold', metric: 'http.<stat>', stat: 'p95',
      kind: 'duration', op: '<', limit: 300, unit: 'ms', abortOnFail: false, delayAbortEvalMs: 0,
    });
  });

  it.each([
    ['http.p99<=1s', { metric: 'http.<stat>', stat: 'p99', op: '<=', limit: 1, unit: 's' }],
    ['http.max < 2m', { metric: 'http.<stat>', stat: 'max', op: '<', limit: 2, unit: 'm' }],
    ['http.mean<250', { metric: 'http.<stat>', stat: 'mean', limit: 250, unit: '' }],
    ['http.p999<1.5s', { stat: 'p999', limit: 1.5, unit: 's' }],
    ['http.errors.rate<1%', { metric: 'http.errors.rate', kind: 'rate', limit: 1, unit: '%' }],
    ['http.errors.rate<0.01', { metric: 'http.errors.rate', kind: 'rate', limit: 0.01, unit: '' }],
    ['http.rps>100', { metric: 'http.rps', kind: 'number', op: '>', limit: 100, unit: '' }],
    ['http.requests>=1000', { metric: 'http.requests', op: '>=' }],
    ['llm.ttft.p99<800ms', { metric: 'llm.ttft.<stat>', stat: 'p99' }],
    ['llm.tpot.p50<50ms', { metric: 'llm.tpot.<stat>', stat: 'p50' }],
    ['llm.e2e.p95<10s', { metric: 'llm.e2e.<stat>', stat: 'p95', unit: 's' }],
    ['llm.itl.p99<100ms', { metric: 'llm.itl.<stat>' }],
    ['llm.ttfct.p90<1s', { metric: 'llm.ttfct.<stat>' }],
    ['llm.output_speed.p50>30', { metric: 'llm.output_speed.<stat>', kind: 'number' }],
    ['llm.output_tokens_per_s>500', { metric: 'llm.output_tokens_per_s', kind: 'number', limit: 500 }],
    ['llm.input_tokens_per_s>1000', { metric: 'llm.input_tokens_per_s' }],
    ['llm.requests_per_s>2', { metric: 'llm.requests_per_s' }],
    ['llm.goodput>1.5', { metric: 'llm.goodput', limit: 1.5 }],
    ['llm.errors.rate<2%', { metric: 'llm.errors.rate', kind: 'rate' }],
    ['checks.rate>99%', { metric: 'checks.rate', op: '>', limit: 99 }],
    ['http.p50==0', { op: '==', limit: 0 }],
  ])('%s', (expr, fields) => {
    expect(parse(expr)).toMatchObject(fields);
  });

  it('reads names in brackets, with or without a method, with either quote', () => {
    expect(parse('endpoint["/cart (add)"].p99<1s')).toMatchObject({ metric: 'endpoint[].<stat>', key: '/cart (add)', stat: 'p99', limit: 1, unit: 's' });
    expect(parse('endpoint["POST /cart (add)"].p99<1s')).toMatchObject({ key: 'POST /cart (add)' });
    expect(parse("endpoint['GET /a'].errors.rate<1%")).toMatchObject({ metric: 'endpoint[].errors.rate', key: 'GET /a' });
    expect(parse('check["status is 200"].rate>99%')).toMatchObject({ metric: 'check[].rate', key: 'status is 200' });
    expect(parse('trend["db query"].p95<20ms')).toMatchObject({ metric: 'trend[].<stat>', key: 'db query' });
  });

  it('lets a quoted name hold operators, dots and escaped quotes', () => {
    expect(parse('check["a<b && c.d > 1"].rate>=0.5')).toMatchObject({ key: 'a<b && c.d > 1', op: '>=', limit: 0.5 });
    expect(parse('check["say \\"hi\\""].rate>50%')).toMatchObject({ key: 'say "hi"' });
  });

  it('takes a trailing abort flag and trims the expression', () => {
    expect(parse('  http.p95<300ms abort ')).toMatchObject({ expression: 'http.p95<300ms', abortOnFail: true });
  });
});

describe('parseThreshold: problems name the bad part and what is expected', () => {
  it.each([
    ['http.p95<3xx', '--threshold "http.p95<3xx": unknown unit "xx" in "3xx"; expected ms, s, m or %'],
    ['http.p97<300ms', 'unknown statistic "p97" in "http.p97"; expected min, mean, p50, p90, p95, p99, p999 or max'],
    ['llm.ttft.p12<1s', 'unknown statistic "p12" in "llm.ttft.p12"'],
    ['latency.p95<1s', 'unknown metric "latency"; expected http, endpoint["…"], llm, llm["…"], llm_class["…"], checks, check["…"], trend["…"], server or server_metric["…"]'],
    ['llm.foo<1', 'unknown metric "llm.foo"; expected one of llm.ttft.<stat>'],
    ['http.p95=300ms', 'unknown operator "="; expected <, <=, >, >= or =='],
    ['http.p95!=300ms', 'unknown operator "!="'],
    ['http.p95 300ms', 'expected a comparison such as http.p95<300ms'],
    ['<300ms', 'expected a metric before "<"'],
    ['http.p95<', 'expected a number after "<"'],
    ['http.p95<fast', 'expected a number with an optional unit after "<", got "fast"'],
    ['http.p95<300ms 2', 'expected a number with an optional unit after "<", got "300ms 2"'],
    ['http.errors.rate<5ms', '"ms" does not fit http.errors.rate, a rate; write a percentage like 1% or a fraction like 0.01'],
    ['http.p95<5%', '"%" does not fit http.p95, a duration'],
    ['http.rps>5%', '"%" does not fit http.rps, a plain number'],
    ['endpoint.p95<1s', 'endpoint needs a name in brackets, e.g. endpoint["GET /cart"]'],
    ['http["/x"].p95<1s', 'http takes no name in brackets; for one endpoint write endpoint["GET /cart"]'],
    ['endpoint[/x].p95<1s', 'expected a quoted name in brackets'],
    ['endpoint["/x.p95<1s', 'the name in brackets is not closed'],
    ['endpoint[""].p95<1s', 'the name in brackets is empty'],
    ['http.p(95)<1s', '"p(95)" is k6 syntax; write the statistic as one of min, mean'],
    ['http..p95<1s', 'expected a metric name at ".p95"'],
  ])('%s', (expr, message) => {
    expect(problem(expr)).toContain(message);
  });

  it('quotes the source and the whole expression', () => {
    expect(() => parseThreshold('http.p95<3xx', 'thresholds[0]')).toThrow(/^thresholds\[0\] "http\.p95<3xx": /);
  });
});

describe('parseThresholds', () => {
  it('accepts strings and the object form, with delayAbortEval as a duration or seconds', () => {
    const list = parseThresholds(
      ['http.p95<300ms', { threshold: 'http.errors.rate<1%', abortOnFail: true, delayAbortEval: '1m30s' }, { threshold: 'http.p99<1s', abortOnFail: true, delayAbortEval: 10 }],
      'config',
    );
    expect(list.map((t) => [t.expression, t.abortOnFail, t.delayAbortEvalMs])).toEqual([
      ['http.p95<300ms', false, 0],
      ['http.errors.rate<1%', true, 90_000],
      ['http.p99<1s', true, 10_000],
    ]);
  });

  it('reports every problem at once', () => {
    let err: unknown;
    try {
      parseThresholds(['http.p95<3xx', 'http.p95<300ms', 'nope<1', { threshold: 'http.p95<1s', delayAbortEval: '10s' }, { threshold: 'http.p95<1s', abortOnFail: true, delayAbortEval: 'soon' }], '--threshold');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([
      '--threshold "http.p95<3xx": unknown unit "xx" in "3xx"; expected ms, s, m or %',
      '--threshold "nope<1": unknown metric "nope"; expected http, endpoint["…"], llm, llm["…"], llm_class["…"], checks, check["…"], trend["…"], server or server_metric["…"]',
      '--threshold "http.p95<1s": delayAbortEval has no effect without abortOnFail: true',
      '--threshold "http.p95<1s": delayAbortEval: expected a duration like "10s" or "1m30s", got "soon"',
    ]);
  });

  it('throws a plain UserError for a single problem', () => {
    expect(() => parseThresholds(['http.p95<1s', 'http.p95<<1s'], '--threshold')).toThrow(UserError);
    expect(() => parseThresholds(['http.p95<1s', 'http.p95<<1s'], '--threshold')).toThrow('--threshold "http.p95<<1s": expected a number with an optional unit after "<", got "<1s"');
  });
});

describe('parseThresholds with what a JavaScript config may hold', () => {
  it('reports a spec that is not an expression', () => {
    expect(() => parseThresholds([42 as unknown as string], 'thresholds')).toThrow('thresholds: expected an expression such as "http.p95<300ms" or { threshold: "…" }, got 42');
  });
});
