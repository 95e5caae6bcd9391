import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { sleep, startChild, tempDir, type Child, type Pinning } from './procs.js';

/** The fixed body every target returns: small, so the benchmark measures the request path. */
export const BODY = 'hello from the volley benchmark\n';

/** The HTTP server under load, on 127.0.0.1, with a request counter read out of band. */
export interface Target {
  kind: 'nginx' | 'node';
  /** Base URL the load tools hit. */
  url: string;
  /** The target's root pid, for its CPU time. */
  pid: number;
  /** Requests served so far, not counting the counter's own reads. */
  requestsServed(): Promise<number>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function nginxPath(): string | undefined {
  for (const p of ['nginx', '/usr/sbin/nginx']) {
    if (spawnSync(p, ['-v'], { stdio: 'ignore' }).status === 0) return p;
  }
  return undefined;
}

async function getText(url: string, timeoutMs = 2000): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return res.text();
}

/** Polls until fn succeeds or the deadline passes. */
async function until<T>(what: string, deadlineMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(50);
  }
  throw new Error(`${what} did not come up within ${deadlineMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
}

function nginxConf(dir: string, port: number, statsPort: number): string {
  // One worker process: the target gets exactly the core it is pinned to.
  // keepalive_requests is raised so connections are never recycled mid-run.
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:${port};
    location / { default_type text/plain; return 200 ${JSON.stringify(BODY)}; }
  }
  server {
    listen 127.0.0.1:${statsPort};
    location / { stub_status; }
  }
}
`;
}

/** nginx (Debian's nginx-light) with one worker, pinned to one core; a temp prefix holds its config and pid. */
export async function startNginx(bin: string, pinning: Pinning, core: number | undefined): Promise<Target> {
  for (let attempt = 1; ; attempt++) {
    const dir = tempDir('volley-bench-nginx-');
    mkdirSync(join(dir, 'tmp'));
    const port = await freePort();
    const statsPort = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port, statsPort));
    const child = startChild([...pinning.prefix(core), bin, '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'], { dir, name: 'nginx' });
    const statsUrl = `http://127.0.0.1:${statsPort}/`;
    let counterReads = 0;
    const requestsServed = async () => {
      const text = await getText(statsUrl);
      counterReads++;
      // "server accepts handled requests\n A H R": R counts this read too.
      const m = /\n\s*\d+\s+\d+\s+(\d+)/.exec(text);
      if (!m) throw new Error(`unexpected stub_status output: ${text.slice(0, 80)}`);
      return Number(m[1]) - counterReads;
    };
    try {
      await until('nginx', 5000, async () => {
        if (child.proc.exitCode !== null) throw new Error(readFileSync(child.stderrPath, 'utf8').trim().split('\n').pop() ?? 'nginx exited');
        return (await getText(`http://127.0.0.1:${port}/`)) === BODY ? true : undefined;
      });
      await requestsServed();
      return { kind: 'nginx', url: `http://127.0.0.1:${port}`, pid: child.pid, requestsServed, stop: () => child.stop() };
    } catch (err) {
      await child.stop(500);
      // Another process may have taken the port between freePort() and nginx's bind.
      if (attempt >= 3) throw err;
    }
  }
}

/** The fallback target: a plain node:http server that counts requests, its counter on a second port. */
const NODE_TARGET = `
import { createServer } from 'node:http';
const body = Buffer.from(${JSON.stringify(BODY)});
let served = 0;
const app = createServer((req, res) => {
  served++;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
app.keepAliveTimeout = 120000;
app.headersTimeout = 121000;
const stats = createServer((req, res) => res.end(String(served)));
app.listen(0, '127.0.0.1', () => stats.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: app.address().port, statsPort: stats.address().port }));
}));
`;

export async function startNodeTarget(pinning: Pinning, core: number | undefined): Promise<Target> {
  const dir = tempDir('volley-bench-node-');
  const child = startChild([...pinning.prefix(core), process.execPath, '--input-type=module', '-e', NODE_TARGET], { dir, name: 'node-target' });
  const ports = await until('the node target', 5000, async () => {
    if (child.proc.exitCode !== null) throw new Error(readFileSync(child.stderrPath, 'utf8').trim() || 'node target exited');
    const line = readFileSync(child.stdoutPath, 'utf8').split('\n')[0];
    return line ? (JSON.parse(line) as { port: number; statsPort: number }) : undefined;
  });
  const statsUrl = `http://127.0.0.1:${ports.statsPort}/`;
  return {
    kind: 'node',
    url: `http://127.0.0.1:${ports.port}`,
    pid: child.pid,
    requestsServed: async () => Number(await getText(statsUrl)),
    stop: () => child.stop(),
  };
}
