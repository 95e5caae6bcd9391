import type { ServerFigures, ServerSeriesStats } from '../metrics/server-figures.js';
import { parseExposition, sumOf } from './exposition.js';
import { RATIO_SERIES, readKnownSeries, type Scrape } from './known-series.js';
import { scrapeTarget, type ScrapeTarget } from './scrape-target.js';

export interface ScraperOptions {
  /** The servers' /metrics URLs (--server-metrics); credentials in them go in an Authorization header. */
  urls: readonly string[];
  /** Further series kept by their own name (--server-metric). */
  names?: readonly string[];
  /** Default 1000: one scrape a second. */
  intervalMs?: number;
  /** A scrape's bound; default: the interval. */
  timeoutMs?: number;
  warn: (message: string) => void;
}

/** The running statistics of one series. */
class SeriesStats {
  min = Infinity;
  max = -Infinity;
  sum = 0;
  n = 0;
  last = 0;
  add(v: number): void {
    this.min = Math.min(this.min, v);
    this.max = Math.max(this.max, v);
    this.sum += v;
    this.n++;
    this.last = v;
  }
  get value(): ServerSeriesStats {
    const r = (x: number) => Math.round(x * 1e6) / 1e6;
    return { min: r(this.min), max: r(this.max), mean: r(this.sum / this.n), last: r(this.last), samples: this.n };
  }
}

type StatsMap = Map<string, SeriesStats>;
const figuresOf = (m: StatsMap): Record<string, ServerSeriesStats> => Object.fromEntries([...m].map(([k, s]) => [k, s.value]));

/** One server's state between scrapes. */
interface Source {
  target: ScrapeTarget;
  first?: Scrape;
  prev?: Scrape;
  failures: number;
  warnedMissing: boolean;
}

/**
 * Scrapes the inference servers' Prometheus /metrics once a second during the
 * run, maps their own names to Volley's common ones (known-series.ts) and keeps
 * each series' statistics over the run and per stage. A failed scrape is
 * counted and warned about once per URL; it never ends the run.
 */
export class ServerMetricsScraper {
  private readonly sources: Source[];
  private readonly names: readonly string[];
  private readonly overall: StatsMap = new Map();
  private readonly stages = new Map<string, StatsMap>();
  private stage: string | undefined;
  /** False during a warm-up: its samples are shown live but kept in no statistics. */
  private measuring = true;
  private latest: Record<string, number> = {};
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private scrapes = 0;
  private failures = 0;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ScraperOptions) {
    this.sources = opts.urls.map((u) => ({ target: scrapeTarget(u), failures: 0, warnedMissing: false }));
    this.names = opts.names ?? [];
    this.intervalMs = opts.intervalMs ?? 1000;
    this.timeoutMs = opts.timeoutMs ?? this.intervalMs;
  }

  /** Scrapes now and then every interval, until stop(). */
  start(): this {
    void this.scrapeAll();
    this.timer = setInterval(() => void this.scrapeAll(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops scraping; waits for a scrape in flight, so the figures are final. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** A sweep's stage begins: its samples are kept apart too. A warm-up's are kept nowhere. */
  setStage(name: string | undefined, warmup = false): void {
    this.stage = name;
    this.measuring = !warmup;
  }

  /** The latest per-second values, by common name (and --server-metric names): a history row's. */
  current(): Record<string, number> {
    return { ...this.latest };
  }

  /** The figures so far (summary.json `server`, the live snapshot's). */
  figures(): ServerFigures {
    return {
      sources: this.sources.map((s) => s.target.shown),
      scrapes: this.scrapes,
      failures: this.failures,
      series: figuresOf(this.overall),
      ...(this.stages.size > 0 && { perStage: Object.fromEntries([...this.stages].map(([k, m]) => [k, figuresOf(m)])) }),
    };
  }

  /** One round: every server at once; a round still running when the next is due is not doubled. */
  scrapeAll(): Promise<void> {
    if (this.round) return this.round;
    this.round = this.doRound().finally(() => (this.round = undefined));
    return this.round;
  }

  private async doRound(): Promise<void> {
    const per = await Promise.all(this.sources.map((s) => this.scrapeOne(s)));
    const got = per.filter((v): v is Record<string, number> => v !== undefined);
    if (got.length === 0) return;
    const combined = combine(got);
    this.latest = combined;
    if (!this.measuring) return;
    const stageMap = this.stage === undefined ? undefined : this.stages.get(this.stage) ?? this.stages.set(this.stage, new Map()).get(this.stage)!;
    for (const [k, v] of Object.entries(combined)) {
      for (const m of stageMap ? [this.overall, stageMap] : [this.overall]) (m.get(k) ?? m.set(k, new SeriesStats()).get(k)!).add(v);
    }
  }

  private async scrapeOne(s: Source): Promise<Record<string, number> | undefined> {
    this.scrapes++;
    let scrape: Scrape;
    try {
      const text = await s.target.fetchText(this.timeoutMs);
      scrape = { atMs: performance.now(), samples: parseExposition(text) };
      if (scrape.samples.size === 0) throw new Error('the answer holds no Prometheus samples');
    } catch (err) {
      this.failures++;
      if (s.failures++ === 0) this.opts.warn(`--server-metrics ${s.target.shown}: scrape failed (${err instanceof Error ? err.message : String(err)}); failures are counted in summary.json server.failures and the run goes on`);
      return undefined;
    }
    s.first ??= scrape;
    const values = readKnownSeries(scrape, s.prev, s.first);
    for (const name of this.names) {
      const v = sumOf(scrape.samples, name);
      if (v !== undefined) values[name] = v;
    }
    s.prev = scrape;
    if (!s.warnedMissing) {
      s.warnedMissing = true;
      const missing = this.names.filter((n) => !scrape.samples.has(n));
      if (missing.length) this.opts.warn(`--server-metric: ${s.target.shown} has no series ${missing.join(', ')}`);
      if (scrape.samples.size > 0 && !hasKnown(scrape) && this.names.length === 0) this.opts.warn(`--server-metrics ${s.target.shown}: none of the known vLLM, SGLang, TGI or llama.cpp series is there; name the ones to keep with --server-metric NAME`);
    }
    return values;
  }
}

/** Several servers are one service: counts and rates add up, ratios are averaged. */
function combine(list: Array<Record<string, number>>): Record<string, number> {
  const sums: Record<string, { sum: number; n: number }> = {};
  for (const values of list) {
    for (const [k, v] of Object.entries(values)) {
      const s = (sums[k] ??= { sum: 0, n: 0 });
      s.sum += v;
      s.n++;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, RATIO_SERIES.has(k) ? s.sum / s.n : s.sum]));
}

const KNOWN_PREFIXES = ['vllm:', 'sglang:', 'tgi_', 'llamacpp:'];
const hasKnown = (s: Scrape): boolean => [...s.samples.keys()].some((k) => KNOWN_PREFIXES.some((p) => k.startsWith(p)));
