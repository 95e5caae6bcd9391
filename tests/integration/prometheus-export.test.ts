/**
 * Volley's figures out, checked in a real Prometheus (Debian's, started here):
 * --out-remote-write pushes the final counts, labelled with run_id, scenario
 * and segment; --prometheus-port serves the same series for a scrape job.
 * Both compared to summary.json.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/server.js';
import type { Reporter } from '../../src/metrics/reporter.js';
import { parseExposition, sumOf } from '../../src/telemetry/exposition.js';
import { runFixture } from '../helpers/run-fixture.js';
import { findPrometheus, freePort, startPrometheus, type PrometheusProcess } from '../helpers/prometheus-server.js';

const bin = findPrometheus();

describe.skipIf(!bin)(`export to a real Prometheus${bin ? '' : ' (skipped: prometheus not found; apt-get install -y prometheus)'}`, () => {
  let mock: MockServer;
  let prom: PrometheusProcess;
  let dir: string;
  let volleyPort: number;

  beforeAll(async () => {
    volleyPort = await freePort();
    [mock, prom] = await Promise.all([startMockServer({ ttftMs: 30, itlMs: 5, defaultOutputTokens: 20 }), startPrometheus(bin!, `127.0.0.1:${volleyPort}`)]);
    dir = mkdtempSync(join(tmpdir(), 'volley-prom-export-'));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([mock?.close(), prom?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('remote write lands the final counts in Prometheus; the /metrics endpoint serves the same series while the run runs', async () => {
    const out = join(dir, 'run');
    // Read Volley's own endpoint each second of the run, as a scraper would (it holds the previous second's figures).
    let scraped = '';
    const peek: Reporter = {
      onSnapshot: async () => {
        scraped = await (await fetch(`http://127.0.0.1:${volleyPort}/metrics`)).text();
      },
    };
    const r = await runFixture(
      'llm/one-chat.ts',
      { host: mock.url, users: 2, duration: '3s', out, prometheusPort: volleyPort, outRemoteWrite: `${prom.url}/api/v1/write`, remoteWriteInterval: '1s', runId: 'export-test-1' },
      { reporters: [peek] },
    );
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`prometheus: Volley's figures at http://127.0.0.1:${volleyPort}/metrics`);
    expect(r.stderr).not.toContain('push failed');
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.total.requests).toBeGreaterThan(0);

    // The live endpoint: the exposition parses, with Volley's series.
    const live = parseExposition(scraped);
    expect(sumOf(live, 'volley_requests_total')).toBeGreaterThan(0);
    expect(sumOf(live, 'volley_users')).toBe(2);
    expect(live.has('volley_llm_ttft_seconds_count')).toBe(true);

    // Remote write: the last push carries the summary's final counts.
    const sel = '{run_id="export-test-1",scenario="one-chat",segment="all"}';
    const requests = await prom.query(`sum(volley_requests_total${sel})`);
    expect(requests[0]?.value).toBe(summary.total.requests);
    const tokens = await prom.query(`volley_llm_output_tokens_total${sel}`);
    expect(tokens[0]?.value).toBe(summary.llm.outputTokens);
    const ttftCount = await prom.query(`volley_llm_ttft_seconds_count${sel}`);
    expect(ttftCount[0]?.value).toBe(summary.llm.ttftMs.count);
    const p99 = await prom.query(`volley_llm_ttft_seconds${sel.replace('}', ',quantile="0.99"}')}`);
    expect(p99[0]?.value).toBeCloseTo(summary.llm.ttftMs.p99 / 1000, 6);
    // The scrape job read the endpoint while the run ran, at most the final count.
    const up = await prom.query('max_over_time(up{job="volley"}[5m])');
    expect(up[0]?.value).toBe(1);
    const scrapedRequests = await prom.query('sum(max_over_time(volley_requests_total{job="volley"}[5m]))');
    expect(scrapedRequests[0]?.value ?? 0).toBeLessThanOrEqual(summary.total.requests);
    // Several pushes: one a second, then the final one.
    const samples = await prom.query(`count_over_time(volley_users${sel}[5m])`);
    expect(samples[0]?.value).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
