import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a load tool said about its own run, for a cross-check against the target's counter. */
export interface ToolReport {
  requests?: number;
  rps?: number;
  failures?: number;
}

/** One load generator as the benchmark runs it. */
export interface Generator {
  /** Row label in the table. */
  label: string;
  /** Core to pin to; undefined runs unpinned. */
  core: number | undefined;
  command(ctx: GeneratorContext): string[];
  env?: NodeJS.ProcessEnv;
  /** Reads the tool's own figures after it exits. */
  report(ctx: GeneratorContext, stdoutPath: string): ToolReport;
}

export interface GeneratorContext {
  url: string;
  connections: number;
  durationSec: number;
  /** A fresh temp folder for this run's files. */
  dir: string;
  root: string;
}

function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Volley with the full DSL in the loop: bench/scenarios/http-get.ts, one GET per task, no wait. */
export function volley(workers: number, core: number | undefined, profileDir?: string, httpTransport?: 'undici', build?: { label: string; root: string }): Generator {
  return {
    label: `volley ${workers}w${httpTransport ? ` ${httpTransport}` : ''}${build ? ` ${build.label}` : ''}${core === undefined ? ' (unpinned)' : ''}`,
    core,
    command: (c) => [
      process.execPath,
      // Not allowed in NODE_OPTIONS; piscina's workers inherit execArgv, so each thread writes a profile.
      ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      // --baseline: another build's bin/ and dist/ (a copy inside the repository, so node_modules resolves), same scenario.
      join(build?.root ?? c.root, 'bin/bench.js'),
      'run',
      join(c.root, 'bench/scenarios/http-get.ts'),
      '-w', String(workers),
      '-u', String(c.connections),
      '-t', `${c.durationSec}s`,
      '-H', c.url,
      '--headless',
      '--out', c.dir,
      ...(httpTransport ? ['--http-transport', httpTransport] : []),
    ],
    report(c) {
      const s = readJson(join(c.dir, 'summary.json'));
      return { requests: s.total.requests, rps: s.total.rps, failures: s.total.failures };
    },
  };
}

export function autocannonBin(root: string): string | undefined {
  const p = join(root, 'node_modules/autocannon/autocannon.js');
  return existsSync(p) ? p : undefined;
}

/** autocannon's CLI in its default single-thread mode, JSON on stdout. */
export function autocannon(bin: string, core: number | undefined): Generator {
  return {
    label: 'autocannon',
    core,
    command: (c) => [process.execPath, bin, '-c', String(c.connections), '-d', String(c.durationSec), '-j', c.url + '/'],
    report(_c, stdoutPath) {
      const r = readJson(stdoutPath);
      return { requests: r.requests.total, rps: r.requests.average, failures: r.errors + r.non2xx };
    },
  };
}

/** A Python that can import Locust's FastHttpUser (pyenv shims may hide the system one). */
export function locustPython(): string | undefined {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import locust.contrib.fasthttp'], { stdio: 'ignore', timeout: 20_000 });
    if (r.status === 0) return py;
  }
  return undefined;
}

const LOCUSTFILE = `from locust import task
from locust.contrib.fasthttp import FastHttpUser


class Getter(FastHttpUser):
    @task
    def get(self):
        self.client.get("/")
`;

/** Locust's FastHttpUser, headless, all users spawned in the first second. */
export function locust(python: string, core: number | undefined): Generator {
  return {
    label: 'locust fasthttp',
    core,
    command(c) {
      const file = join(c.dir, 'locustfile.py');
      writeFileSync(file, LOCUSTFILE);
      const n = String(c.connections);
      return [python, '-m', 'locust', '-f', file, '--headless', '-u', n, '-r', n, '-t', `${c.durationSec}s`, '--host', c.url, '--only-summary', '--csv', join(c.dir, 'locust'), '--loglevel', 'WARNING'];
    },
    report(c) {
      const csv = readFileSync(join(c.dir, 'locust_stats.csv'), 'utf8').trim().split('\n');
      const head = csv[0]!.split(',');
      const agg = csv.find((l) => l.split(',')[1] === 'Aggregated')?.split(',');
      if (!agg) return {};
      const col = (name: string) => Number(agg[head.indexOf(name)]);
      return { requests: col('Request Count'), rps: col('Requests/s'), failures: col('Failure Count') };
    },
  };
}
