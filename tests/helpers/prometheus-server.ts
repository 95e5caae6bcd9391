import { spawn, type ChildProcess } from 'node:child_process';
import { findBinary, freePort } from './local-binary.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's prometheus is, if installed (.ci/run installs it). */
export function findPrometheus(): string | undefined {
  return findBinary('prometheus');
}

export { freePort };

export interface PrometheusProcess {
  url: string;
  /** An instant query through the HTTP API: each series' labels and value. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

/**
 * Starts a throw-away Prometheus on a free port of 127.0.0.1 with its own
 * storage folder, the remote-write receiver on, and (given `scrape`) a job
 * `volley` scraping that address every second.
 */
export async function startPrometheus(bin: string, scrape?: string): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'volley-prometheus-'));
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', ...(scrape ? ['scrape_configs:', '  - job_name: volley', '    static_configs:', `      - targets: ['${scrape}']`] : [])].join('\n') + '\n',
  );
  const child: ChildProcess = spawn(
    bin,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`prometheus did not become ready: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // Its scrape manager takes the targets a few seconds after ready: wait for the first scrape (of nothing yet, down).
  while (scrape) {
    const body = (await fetch(`${url}/api/v1/targets`).then((r) => r.json(), () => undefined)) as { data?: { activeTargets?: Array<{ lastScrape: string }> } } | undefined;
    if (body?.data?.activeTargets?.some((t) => !t.lastScrape.startsWith('0001'))) break;
    if (Date.now() > deadline) throw new Error(`prometheus did not scrape ${scrape}: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await res.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
      if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    stop: () =>
      new Promise<void>((r) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          r();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGKILL');
      }),
  };
}
