import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import type { LiveSnapshot } from '../../src/metrics/live-snapshot.js';
import type { RunSummary } from '../../src/metrics/summary-types.js';
import type { RunHandle, RunOutcome, RunState, UserAction } from '../../src/run/handle.js';
import type { StartForm } from '../../src/web/api-schema.js';
import { startWebUi, type WebUi, type WebUiOptions } from '../../src/web/server.js';
import { resolve } from 'node:path';
import { startRun } from '../../src/run/index.js';
import { captureStream, SCENARIOS } from '../helpers/run-fixture.js';
import { startTargetServer } from '../helpers/target-server.js';

const summary: RunSummary = JSON.parse(readFileSync(new URL('../fixtures/summaries/http-shop.json', import.meta.url), 'utf8'));
const SECRET = 'sk-test-9f8e7d6c5b4a';

/**
 * A RunHandle that records what the server asked of it: these tests are about
 * the HTTP API's shape (routes, validation, guards); the page's e2e test and
 * the real-run test below drive real runs.
 */
class RecordingHandle implements RunHandle {
  state: RunState = 'running';
  lastSnapshot: LiveSnapshot | undefined;
  actions: UserAction[] = [];
  calls: string[] = [];
  private listeners = new Set<(s: LiveSnapshot) => void>();
  private finish!: (o: RunOutcome) => void;
  readonly done = new Promise<RunOutcome>((r) => (this.finish = r));
  snapshots(): AsyncIterable<LiveSnapshot> {
    throw new Error('not used by the server');
  }
  onSnapshot(l: (s: LiveSnapshot) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(s: LiveSnapshot): void {
    this.lastSnapshot = s;
    for (const l of this.listeners) l(s);
  }
  setUsers(users: number, spawnRate?: number): void {
    if (users > 1000) throw new UserError(`users ${users}: more than --max-users`);
    this.calls.push(`setUsers ${users} ${spawnRate}`);
  }
  setRate(r: number): void {
    this.calls.push(`setRate ${r}`);
  }
  stopNow(): void {
    this.calls.push('stopNow');
  }

  stop(reason?: string): void {
    this.calls.push(`stop ${reason}`);
    this.state = 'done';
    this.finish({ exitCode: 0, summary });
  }
  resetStats(): void {
    this.calls.push('resetStats');
  }
}

const snapshot = (elapsedMs: number): LiveSnapshot => ({
  scenario: 'shop.ts',
  elapsedMs,
  users: 5,
  targetUsers: 5,
  workers: 1,
  endpoints: summary.endpoints,
  total: summary.total,
  currentRps: {},
  interval: { rps: 10, failuresPerSec: 0, p50Ms: 3, p95Ms: 5, p99Ms: 7 },
  errors: [{ method: 'GET', name: '/items', message: `401 with key ${SECRET}`, count: 1 }],
  checks: [],
  health: [{ index: 0, cpu: 0.1, eventLoopDelayMs: 2, users: 5 }],
});

let ui: WebUi | undefined;
afterEach(async () => {
  await ui?.close();
  ui = undefined;
});

async function serve(extra: Partial<WebUiOptions> = {}): Promise<{ ui: WebUi; handle: RecordingHandle; forms: StartForm[] }> {
  const handle = new RecordingHandle();
  const forms: StartForm[] = [];
  ui = await startWebUi({
    port: 0,
    scenario: 'shop.ts',
    defaults: { users: 5, host: 'http://127.0.0.1:1' },
    openModel: false,
    secrets: [SECRET],
    start: async (form) => {
      forms.push(form);
      return handle;
    },
    ...extra,
  });
  return { ui, handle, forms };
}

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base.replace(/\/$/, ''), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('web UI JSON API', () => {
  it('serves the page with a strict CSP, no network loads, and the controls by name', async () => {
    const { ui } = await serve();
    const res = await fetch(ui.url);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).not.toContain('unsafe-inline');
    const page = await res.text();
    for (const label of ['Users', 'Spawn rate', 'Rate', 'Host', 'Duration']) expect(page).toContain(`>${label}<input`);
    for (const button of ['Start', 'Stop', 'Apply', 'Reset stats']) expect(page).toContain(`>${button}</button>`);
    // Everything inline: no script, style or image from elsewhere (the browser test also watches the requests).
    expect(page).not.toMatch(/<(script|img|iframe)[^>]+src=|<link[^>]+rel="?stylesheet/i);
  });

  it('GET /api/state before Start: ready, with the form filled from the CLI options', async () => {
    const { ui } = await serve();
    const state = await (await fetch(new URL('/api/state', ui.url))).json();
    expect(state).toMatchObject({ state: 'ready', model: 'closed', form: { users: 5, host: 'http://127.0.0.1:1' } });
    expect((await fetch(new URL('/api/stats', ui.url))).status).toBe(404);
  });

  it('POST /api/start passes the form, then users, rate, reset and stop reach the handle', async () => {
    const { ui, handle, forms } = await serve();
    const started = await post(ui.url, '/api/start', { users: 7, spawnRate: 2, duration: '30s' });
    expect(started.status).toBe(200);
    expect(forms).toEqual([{ users: 7, spawnRate: 2, duration: '30s' }]);
    expect((await post(ui.url, '/api/start', {})).status).toBe(409);

    handle.emit(snapshot(1000));
    const stats = await (await fetch(new URL('/api/stats', ui.url))).json();
    expect(stats.total.requests).toBe(summary.total.requests);
    expect(JSON.stringify(stats)).not.toContain(SECRET);
    expect(JSON.stringify(stats)).toContain('***');

    expect((await post(ui.url, '/api/users', { users: 10, spawnRate: 5 })).status).toBe(200);
    const tooMany = await post(ui.url, '/api/users', { users: 5000 });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error).toContain('more than --max-users');
    // A closed model has no rate to change.
    const rate = await post(ui.url, '/api/rate', { rate: '50/s' });
    expect(rate.status).toBe(400);
    expect((await rate.json()).error).toMatch(/^rate: /);
    expect((await post(ui.url, '/api/reset', {})).status).toBe(200);
    expect((await post(ui.url, '/api/stop', {})).status).toBe(200);
    expect(handle.calls).toEqual(['setUsers 10 5', 'resetStats', 'stop stopped from the web UI']);
    await handle.done;
    const state = await (await fetch(new URL('/api/state', ui.url))).json();
    expect(state).toMatchObject({ state: 'done', exitCode: 0, form: { users: 10, spawnRate: 5 } });
    expect(state.files).toEqual(['/api/files/summary.json', '/api/files/stats.csv', '/api/files/failures.csv', '/api/files/report.html']);
  });

  it('POST /api/rate changes an open model in requests per second', async () => {
    const { ui, handle } = await serve({ openModel: true, defaults: { rate: '20/s' } });
    await post(ui.url, '/api/start', {});
    expect((await post(ui.url, '/api/rate', { rate: '3000/m' })).status).toBe(200);
    expect((await post(ui.url, '/api/rate', { rate: 25 })).status).toBe(200);
    const users = await post(ui.url, '/api/users', { users: 3 });
    expect(users.status).toBe(400);
    expect(handle.calls).toEqual(['setRate 50', 'setRate 25']);
  });

  it('answers 400 naming the field for bad bodies', async () => {
    const { ui } = await serve();
    const cases: Array<[string, unknown, RegExp]> = [
      ['/api/start', { users: 'ten' }, /^users: expected a whole number/],
      ['/api/start', { users: 2.5 }, /^users: /],
      ['/api/start', { spawnRate: -1 }, /^spawnRate: /],
      ['/api/start', { host: 'ftp:/x' }, /^host: expected a URL/],
      ['/api/start', { duration: 'soon' }, /^duration: expected a duration/],
      ['/api/start', { rate: 'fast' }, /^rate: expected a rate/],
      ['/api/start', { usres: 3 }, /unknown field usres/],
      ['/api/start', '{not json', /^body: not valid JSON/],
      ['/api/start', '[1]', /^body: expected a JSON object/],
      ['/api/users', {}, /^users: /],
      ['/api/rate', { rate: 0 }, /^rate: /],
    ];
    for (const [path, body, message] of cases) {
      const res = await post(ui.url, path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect((await res.json()).error).toMatch(message);
    }
  });

  it('refuses a cross-origin POST, a form POST and a POST without Origin (403), before touching the run', async () => {
    const { ui, forms } = await serve();
    const cross = await post(ui.url, '/api/start', {}, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect((await cross.json()).error).toContain('cross-origin');
    const form = await post(ui.url, '/api/start', 'users=5', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(403);
    const bare = await fetch(new URL('/api/stop', ui.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bare.status).toBe(403);
    // DNS rebinding: a loopback server answers only to loopback Host names.
    const rebound = await new Promise<number>((resolve, reject) =>
      request(new URL('/api/state', ui.url), { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(403);
    expect(forms).toEqual([]);
  });

  it('GET /api/events streams the state and a snapshot with the report chart points', async () => {
    const { ui, handle } = await serve();
    await post(ui.url, '/api/start', {});
    const res = await fetch(new URL('/api/events', ui.url));
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    handle.emit(snapshot(1000));
    let text = '';
    while (!text.includes('event: snapshot')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(text).toContain('event: state');
    expect(text).toContain('"id":"chart-rps"');
    expect(text).not.toContain(SECRET);
  });

  it('GET /api/files/<name>: 409 while running, then each file of the finished run', async () => {
    const { ui, handle } = await serve();
    await post(ui.url, '/api/start', {});
    expect((await fetch(new URL('/api/files/summary.json', ui.url))).status).toBe(409);
    handle.stop('test');
    await handle.done;
    const json = await fetch(new URL('/api/files/summary.json', ui.url));
    expect(json.headers.get('content-disposition')).toBe('attachment; filename="summary.json"');
    expect((await json.json()).total.requests).toBe(summary.total.requests);
    expect(await (await fetch(new URL('/api/files/stats.csv', ui.url))).text()).toMatch(/^Type,Name,/);
    expect((await fetch(new URL('/api/files/failures.csv', ui.url))).status).toBe(200);
    expect(await (await fetch(new URL('/api/files/report.html', ui.url))).text()).toContain('<!doctype html>');
    expect((await fetch(new URL('/api/files/..%2Fetc%2Fpasswd', ui.url))).status).toBe(404);
  });

  it('asks for Basic auth when set, and never shows the password', async () => {
    const { ui } = await serve({ auth: { user: 'admin', pass: 's3cret-pass' } });
    expect((await fetch(ui.url)).status).toBe(401);
    const wrong = await fetch(ui.url, { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(new URL('/api/state', ui.url), { headers: { authorization: `Basic ${Buffer.from('admin:s3cret-pass').toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).not.toContain('s3cret-pass');
  });

  it('refuses a non-loopback bind without auth before listening', async () => {
    await expect(serve({ host: '0.0.0.0' })).rejects.toThrow(/--web-auth/);
  });
});

/** Reads the live stream until `until` holds for what has come; returns the snapshots seen. */
async function streamUntil(url: string, until: (snaps: LiveSnapshot[], text: string) => boolean): Promise<{ snaps: LiveSnapshot[]; text: string }> {
  const res = await fetch(new URL('/api/events', url));
  const reader = res.body!.getReader();
  const snaps: LiveSnapshot[] = [];
  let text = '';
  let buf = '';
  while (!until(snaps, text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    const piece = new TextDecoder().decode(chunk.value);
    text += piece;
    buf += piece;
    let end: number;
    while ((end = buf.indexOf('\n\n')) !== -1) {
      const frame = buf.slice(0, end);
      buf = buf.slice(end + 2);
      if (frame.startsWith('event: snapshot\n')) snaps.push(JSON.parse(frame.slice(frame.indexOf('data: ') + 6)).snapshot);
    }
  }
  await reader.cancel();
  return { snaps, text };
}

describe('web UI with a real run', () => {
  const quiet = () => ({ stdout: captureStream(), stderr: captureStream() });

  it('a sweep on the mock host: the stream carries the stage table, finished stages and the current one', async () => {
    let handle: RunHandle | undefined;
    const { ui } = await serve({
      start: async () => {
        handle = await startRun(
          { scenario: resolve(SCENARIOS, 'llm/one-chat.ts'), options: { headless: true, seed: 1, concurrency: [1, 2], maxTimePerStage: '1s', workers: 1, snapshotInterval: '250ms', host: 'mock' } },
          quiet(),
        );
        return handle;
      },
    });
    expect((await post(ui.url, '/api/start', {})).status).toBe(200);
    const { snaps } = await streamUntil(ui.url, (s) => s.some((x) => x.stages?.length === 2));
    const rows = snaps.find((x) => x.stages?.length === 2)!.stages!;
    expect(rows[0]).toMatchObject({ concurrency: 1, failures: 0 });
    expect(rows[0]!.current).toBeUndefined();
    expect(rows[0]!.ttftP50Ms).toBeGreaterThan(0);
    expect(rows[0]!.outputTokensPerSec).toBeGreaterThan(0);
    expect(rows[1]).toMatchObject({ concurrency: 2, current: true });
    const { summary: done } = await handle!.done;
    // Once the run is over, the stream's final summary has the stage table too.
    const { text } = await streamUntil(ui.url, (_s, t) => t.includes('event: final'));
    const final = JSON.parse(text.slice(text.indexOf('event: final')).split('data: ')[1]!.split('\n')[0]!).summary;
    expect(final.stages.map((r: { name: string }) => r.name)).toEqual(done.stages!.map((s) => s.name));
  });

  it('an open model: the stream carries the arrivals and the "Arrivals per second" chart', async () => {
    const target = await startTargetServer();
    try {
      let handle: RunHandle | undefined;
      const { ui } = await serve({
        openModel: true,
        start: async () => {
          handle = await startRun(
            { scenario: resolve(SCENARIOS, 'load-models/slow-get.ts'), options: { headless: true, seed: 1, rate: 20, maxUsers: 1, workers: 1, duration: '2s', snapshotInterval: '250ms', host: target.url } },
            quiet(),
          );
          return handle;
        },
      });
      expect((await post(ui.url, '/api/start', {})).status).toBe(200);
      const { snaps, text } = await streamUntil(ui.url, (s) => s.some((x) => (x.arrivals?.dropped ?? 0) > 0));
      expect(text).toContain('"id":"chart-arrivals"');
      expect(text).toContain('"title":"Arrivals per second"');
      expect(snaps.at(-1)!.arrivals).toMatchObject({ targetPerSec: 20 });
      await handle!.done;
      const stats = (await (await fetch(new URL('/api/stats', ui.url))).json()) as LiveSnapshot;
      expect(stats.arrivals!.dropped).toBeGreaterThan(0);
      expect(stats.arrivals!.started).toBeLessThanOrEqual(target.hits.get('GET /slow/200') ?? 0);
    } finally {
      await target.close();
    }
  });
});
