import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { ZodType } from 'zod';
import { formatError, redact, UserError } from '../errors.js';
import type { LiveSnapshot, StageRow } from '../metrics/live-snapshot.js';
import { sweepStageRows } from '../metrics/live-figures.js';
import type { HistoryRow, RunSummary } from '../metrics/summary-types.js';
import type { RunHandle, RunOutcome, RunState } from '../run/handle.js';
import { describeIssues, RateBody, StartBody, StopBody, UsersBody, type StartForm } from './api-schema.js';
import { DOWNLOADS, renderDownload } from './downloads.js';
import { arrivalChart, arrivalPoint, liveCharts, rowFromSnapshot, type ArrivalPoint } from './live-charts.js';
import { renderPage } from './page.js';
import { authorized, checkBind, contentSecurityPolicy, refuseCrossSite, refuseHost, type WebAuth } from './security.js';
import { parseRatePerSec } from '../config/rate.js';

/** The Start form as the CLI's options fill it (-u, -r, --rate, -H, -t). */
export interface WebFormDefaults {
  users?: number;
  spawnRate?: number;
  rate?: string | number;
  host?: string;
  duration?: string;
}

export interface WebUiOptions {
  /** Default 127.0.0.1; any other address needs `auth`. */
  host?: string;
  /** Default 8089; 0 picks a free port. */
  port?: number;
  auth?: WebAuth;
  /** Values never to show (API keys): every page and API answer is redacted with them. */
  secrets?: readonly string[];
  scenario: string;
  defaults: WebFormDefaults;
  /** Open model (--rate): Apply changes the rate instead of the users. */
  openModel: boolean;
  /** Starts the run with the CLI's options overridden by the form. */
  start(form: StartForm): Promise<RunHandle>;
}

/** `ready`: waiting for Start; `failed`: Start was refused (the message says why). */
export type WebState = 'ready' | RunState | 'failed';

export interface WebUi {
  url: string;
  /** Starts the run as Start in the page would (--autostart). */
  startNow(form?: StartForm): Promise<RunHandle>;
  /** Settles with the run's handle once a run has started. */
  readonly started: Promise<RunHandle>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const SSE_KEEPALIVE_MS = 15_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => unknown | Promise<unknown>;

/**
 * The web UI's server: the page, its JSON API and the live stream, on
 * node:http with a route table (a dozen fixed routes need no framework).
 */
export async function startWebUi(opts: WebUiOptions): Promise<WebUi> {
  const bindHost = opts.host ?? '127.0.0.1';
  checkBind(bindHost, opts.auth);
  const secrets = [...(opts.secrets ?? []), ...(opts.auth ? [opts.auth.pass] : [])];
  const clean = (text: string): string => redact(text, secrets);

  let handle: RunHandle | undefined;
  let outcome: RunOutcome | undefined;
  let startError: string | undefined;
  let starting = false;
  let form: WebFormDefaults = { ...opts.defaults };
  let openModel = opts.openModel;
  const history: HistoryRow[] = [];
  /** Open models: the arrivals chart's points, beside the history. */
  const arrivals: ArrivalPoint[] = [];
  const streams = new Set<ServerResponse>();
  let resolveStarted!: (h: RunHandle) => void;
  const started = new Promise<RunHandle>((r) => (resolveStarted = r));

  const state = (): WebState => (startError ? 'failed' : handle ? handle.state : starting ? 'starting' : 'ready');
  const stateBody = () => ({
    state: state(),
    scenario: opts.scenario,
    model: openModel ? 'open' : 'closed',
    form,
    actions: handle?.actions ?? [],
    ...(startError && { error: startError }),
    ...(outcome && { exitCode: outcome.exitCode, stopReason: outcome.summary.meta.stopReason, files: DOWNLOADS.map((name) => `/api/files/${name}`) }),
  });

  const broadcast = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${clean(JSON.stringify(data))}\n\n`;
    for (const res of streams) res.write(frame);
  };

  const onSnapshot = (s: LiveSnapshot): void => {
    const row = rowFromSnapshot(s);
    history.push(row);
    const point = arrivalPoint(s);
    if (point) arrivals.push(point);
    broadcast('snapshot', { snapshot: s, charts: [...liveCharts([row]), ...arrivalChart(point ? [point] : [])] });
  };

  const begin = async (f: StartForm): Promise<RunHandle> => {
    if (starting || handle) throw new HttpError(409, `the run has already ${handle ? 'started' : 'been asked to start'}`);
    starting = true;
    startError = undefined;
    form = { ...form, ...f };
    if (f.rate !== undefined) openModel = true;
    if (f.users !== undefined) openModel = false;
    broadcast('state', stateBody());
    try {
      handle = await opts.start(f);
    } catch (err) {
      startError = clean(formatError(err));
      broadcast('state', stateBody());
      throw err;
    } finally {
      starting = false;
    }
    handle.onSnapshot(onSnapshot);
    // Not every state change comes with a snapshot: poll it for the page's badge.
    let last = handle.state;
    const watch = setInterval(() => {
      if (handle && handle.state !== last) {
        last = handle.state;
        broadcast('state', stateBody());
      }
    }, 250);
    watch.unref();
    handle.done.then(
      (o) => {
        outcome = o;
        clearInterval(watch);
        broadcast('state', stateBody());
        broadcast('final', { summary: pick(o.summary) });
      },
      (err: unknown) => {
        startError = clean(formatError(err));
        clearInterval(watch);
        broadcast('state', stateBody());
      },
    );
    broadcast('state', stateBody());
    resolveStarted(handle);
    return handle;
  };

  const running = (): RunHandle => {
    if (!handle) throw new HttpError(409, 'the run has not started: press Start (POST /api/start) first');
    if (handle.state === 'done' || handle.state === 'stopping') throw new HttpError(409, `the run is ${handle.state}`);
    return handle;
  };

  /** A UserError of the handle (setUsers on an open model, a bad value) is the client's mistake: 400. */
  const steer = (fn: () => void): void => {
    try {
      fn();
    } catch (err) {
      if (err instanceof UserError) throw new HttpError(400, clean(err.message));
      throw err;
    }
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    const text = clean(JSON.stringify(body));
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
  };

  const routes: Record<string, Handler> = {
    'GET /': (_req, res) => {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy(nonce), 'cache-control': 'no-store' });
      res.end(clean(renderPage({ nonce, scenario: opts.scenario })));
    },
    'GET /api/state': () => stateBody(),
    'GET /api/stats': () => {
      if (!handle?.lastSnapshot) throw new HttpError(404, 'no live figures yet: the run has not sent its first snapshot');
      return handle.lastSnapshot;
    },
    'GET /api/history': () => ({ history }),
    'GET /api/events': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${clean(JSON.stringify(data))}\n\n`);
      send('state', stateBody());
      if (history.length) send('history', { charts: [...liveCharts(history), ...arrivalChart(arrivals)] });
      if (handle?.lastSnapshot) send('snapshot', { snapshot: handle.lastSnapshot, charts: [] });
      if (outcome) send('final', { summary: pick(outcome.summary) });
      streams.add(res);
      const keepalive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
      req.on('close', () => {
        clearInterval(keepalive);
        streams.delete(res);
      });
      return undefined;
    },
    'POST /api/start': async (_req, _res, body) => {
      const f = parse(StartBody, body);
      // A run that cannot start with these values (a bad host, scenario or option) is the request's mistake.
      await begin(f).catch((err: unknown) => {
        throw err instanceof UserError ? new HttpError(400, clean(formatError(err))) : err;
      });
      return stateBody();
    },
    'POST /api/users': (_req, _res, body) => {
      const { users, spawnRate } = parse(UsersBody, body);
      const h = running();
      if (openModel) throw new HttpError(400, 'users: this run has an open model (--rate): change the rate with POST /api/rate');
      steer(() => h.setUsers(users, spawnRate));
      form = { ...form, users, ...(spawnRate !== undefined && { spawnRate }) };
      broadcast('state', stateBody());
      return stateBody();
    },
    'POST /api/rate': (_req, _res, body) => {
      const { rate } = parse(RateBody, body);
      const h = running();
      if (!openModel) throw new HttpError(400, 'rate: this run has a closed model (users): change the users with POST /api/users');
      steer(() => h.setRate(parseRatePerSec(rate)!));
      form = { ...form, rate: String(rate) };
      broadcast('state', stateBody());
      return stateBody();
    },
    'POST /api/stop': (_req, _res, body) => {
      const { reason } = parse(StopBody, body ?? {});
      running().stop(reason ?? 'stopped from the web UI');
      broadcast('state', stateBody());
      return stateBody();
    },
    'POST /api/reset': (_req, _res, body) => {
      parse(StopBody.pick({}), body ?? {});
      const h = running();
      steer(() => h.resetStats());
      history.length = 0;
      arrivals.length = 0;
      broadcast('reset', {});
      broadcast('state', stateBody());
      return stateBody();
    },
  };

  const server: Server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (res.headersSent) return void res.end();
      json(res, status, { error: err instanceof HttpError ? err.message : clean(formatError(err)) });
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const hostRefusal = refuseHost(req, bindHost);
    if (hostRefusal) throw new HttpError(403, hostRefusal);
    if (!authorized(req, opts.auth)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="volley", charset="UTF-8"', 'content-type': 'text/plain' });
      return void res.end('authentication required\n');
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path.startsWith('/api/files/')) return download(res, decodeURIComponent(path.slice('/api/files/'.length)));
    const handler = routes[`${method === 'HEAD' ? 'GET' : method} ${path}`];
    if (!handler) {
      const known = Object.keys(routes).some((k) => k.endsWith(` ${path}`));
      throw new HttpError(known ? 405 : 404, known ? `${method} not allowed on ${path}` : `no such page: ${path}`);
    }
    let body: unknown;
    if (method === 'POST') {
      const refusal = refuseCrossSite(req);
      if (refusal) throw new HttpError(403, refusal);
      body = await readJson(req);
    }
    const answer = await handler(req, res, body);
    if (!res.headersSent && !res.writableEnded) json(res, 200, answer);
  }

  function download(res: ServerResponse, name: string): void {
    if (!(DOWNLOADS as readonly string[]).includes(name)) throw new HttpError(404, `no such file: ${name} (there are ${DOWNLOADS.join(', ')})`);
    if (!outcome) throw new HttpError(409, `${name} is written when the run ends`);
    const file = renderDownload(name as (typeof DOWNLOADS)[number], outcome.summary);
    res.writeHead(200, {
      'content-type': file.type,
      'content-disposition': `attachment; filename="${name}"`,
      // A downloaded report.html opened from here must not run with this origin's rights.
      'content-security-policy': 'sandbox',
      'cache-control': 'no-store',
    });
    res.end(clean(file.text));
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UserError(`--web-port ${opts.port ?? 8089}: the port is in use; pick another or 0 for a free one`) : err),
    );
    server.listen(opts.port ?? 8089, bindHost, () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost;

  return {
    url: `http://${urlHost}:${port}/`,
    started,
    startNow: (f = {}) => begin(f),
    close: () =>
      new Promise<void>((r) => {
        for (const res of streams) res.end();
        streams.clear();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function parse<T>(schema: ZodType<T>, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body: expected a JSON object');
  const result = schema.safeParse(body);
  if (!result.success) throw new HttpError(400, describeIssues(result.error));
  return result.data;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body: larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'body: not valid JSON');
  }
}

/** What the page shows of the final summary (the files have the rest). */
function pick(summary: RunSummary): Omit<Partial<RunSummary>, 'stages'> & { stages?: StageRow[] } {
  const { meta, total, endpoints, errors, checks, thresholds, llm, counters } = summary;
  // A sweep's stages as the live stage table has them (the finished run has no current stage).
  const stages = summary.stages?.length ? sweepStageRows(summary.stages, undefined) : undefined;
  return { meta, total, endpoints, errors, checks, thresholds, llm, ...(stages && { stages }), ...(counters['dropped_iterations'] !== undefined && { counters: { dropped_iterations: counters['dropped_iterations'] } }) };
}
