import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IS_LLM_USER } from '../api/llm-brand.js';
import type { RunConfig } from '../config/resolve.js';
import { UserError } from '../errors.js';
import type { ExperimentMeta, RunSummary } from '../metrics/summary-types.js';
import { scenarioExports } from '../util/module-exports.js';
import { packageVersion } from '../util/package-root.js';

/** What a run of an experiment knows before its load starts; the options join at the end, redacted as the summary's. */
export type ExperimentPlan = Omit<ExperimentMeta, 'options'> & { dir: string };

/** A name part safe in a folder name on every OS: `meta-llama/Llama-3-8B` → `meta-llama-Llama-3-8B`. */
export function sanitizeNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
}

/** `20261206_141503`, the local-time stamp GenAI Bench puts at the end of its experiment folders. */
export function folderTimestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** `<provider>_<server-engine>_<model>_<timestamp>`, parts that are not known left out. */
export function experimentFolderName(parts: { provider?: string; serverEngine?: string; model?: string }, at: Date): string {
  const named = [parts.provider, parts.serverEngine, parts.model].filter((p): p is string => typeof p === 'string' && p !== '').map(sanitizeNamePart).filter(Boolean);
  return [...named, folderTimestamp(at)].join('_');
}

interface LlmClassFields {
  provider?: string;
  model?: string;
  traffic?: string;
}

/**
 * The provider, model and traffic the scenario's LLM user classes declare, read
 * from the bundle the main thread has already imported (the ESM cache returns
 * the same module; its top-level code does not run again). Reading a field
 * means making one instance: a constructor that throws only leaves the field
 * unknown here, the workers report it properly.
 */
async function llmClassFields(bundlePath: string): Promise<LlmClassFields[]> {
  const mod = scenarioExports((await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>);
  const out: LlmClassFields[] = [];
  for (const value of Object.values(mod)) {
    if (typeof value !== 'function') continue;
    const cls = value as unknown as (new () => Record<string, unknown>) & Record<string | symbol, unknown>;
    if (cls[IS_LLM_USER] !== true || Object.hasOwn(cls, 'abstract')) continue;
    try {
      const user = new cls();
      const str = (k: string) => (typeof user[k] === 'string' && user[k] !== '' ? (user[k] as string) : undefined);
      out.push({ provider: str('provider'), model: str('model'), traffic: str('traffic') });
    } catch {
      // Reported by the workers when they describe the classes.
    }
  }
  return out;
}

const distinct = (xs: Array<string | undefined>): string | undefined => {
  const set = [...new Set(xs.filter((x): x is string => x !== undefined))];
  return set.length === 0 ? undefined : set.join('+');
};

/**
 * With --experiment-dir: the run's folder under it (set as cfg.out) and the
 * metadata for summary.json's `experiment`. --out and --experiment-dir name
 * the same thing, so giving both is a user error.
 */
export async function planExperiment(cfg: RunConfig, bundlePath: string, cwd: string, now = new Date()): Promise<ExperimentPlan | undefined> {
  const x = cfg.extra;
  const described = [x.serverEngine, x.serverVersion, x.serverGpuType, x.serverGpuCount].some((v) => v !== undefined);
  // --server-* with --out: the metadata is kept all the same (bench plot groups by it), in the folder given.
  if (x.experimentDir === undefined && !(described && cfg.out !== undefined)) return undefined;
  if (x.experimentDir !== undefined && cfg.out !== undefined) {
    throw new UserError(`--out ${cfg.out} and --experiment-dir ${x.experimentDir} both say where the results go`, 'give one: --experiment-dir makes a folder per run under it, --out writes into the folder itself');
  }
  const classes = await llmClassFields(bundlePath).catch(() => []);
  const provider = distinct(classes.map((c) => c.provider));
  const model = x.model ?? distinct(classes.map((c) => c.model));
  const traffic = x.traffic !== undefined ? [x.traffic].flat() : [...new Set(classes.map((c) => c.traffic).filter((t): t is string => t !== undefined))];
  const name = x.experimentDir !== undefined ? experimentFolderName({ provider, serverEngine: x.serverEngine, model }, now) : basename(resolve(cwd, cfg.out!));
  if (x.experimentDir !== undefined) cfg.out = join(x.experimentDir, name);
  return {
    dir: resolve(cwd, cfg.out!),
    name,
    ...(provider !== undefined && { provider }),
    ...(x.serverEngine !== undefined && { serverEngine: x.serverEngine }),
    ...(x.serverVersion !== undefined && { serverVersion: x.serverVersion }),
    ...(x.serverGpuType !== undefined && { serverGpuType: x.serverGpuType }),
    ...(x.serverGpuCount !== undefined && { serverGpuCount: x.serverGpuCount }),
    ...(model !== undefined && { model }),
    traffic,
    volleyVersion: packageVersion(),
    startedAt: now.toISOString(),
  };
}

/** summary.json's `experiment`: the plan, with the options as the summary has them (secrets removed). */
export function experimentMeta(plan: ExperimentPlan, summary: RunSummary): ExperimentMeta {
  const { dir: _dir, ...meta } = plan;
  return { ...meta, options: summary.meta.options };
}
