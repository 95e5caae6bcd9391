import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleFile } from '../../compile/bundle.js';
import { UserError } from '../../errors.js';
import { packageRoot, packageVersion } from '../../util/package-root.js';
import { parseDurationMs } from '../../util/duration.js';
import { parseStartAt } from '../../config/start-at.js';
import { sizePod } from './capacity.js';
import { buildManifests, hasFlag, renderManifests, type K8sObject } from './manifests.js';
import { scenarioExports } from '../../util/module-exports.js';

export { buildManifests, renderManifests, hasFlag, type K8sObject, type ManifestInput } from './manifests.js';
export { sizePod, MEASURED_REQUESTS_PER_CORE_SEC, PLANNING_HEADROOM, type PodSize } from './capacity.js';

export interface K8sRequest {
  scenario: string;
  instances: number;
  image?: string;
  namespace?: string;
  /** Name of the run (and of its objects); default volley-<scenario>-<time>. */
  name?: string;
  /** Start this long after the manifests are printed (default 60 s)… */
  startDelayMs?: number;
  /** …or at this ISO time. */
  startAt?: string;
  /** `bench run` arguments for every instance. */
  runArgs?: string[];
  targetRps?: number;
  cpu?: number;
  live?: string;
  storageClass?: string;
  storage?: string;
  /** Planned run time, for how long the merge waits for results (default: read from -t in runArgs, else 1 h). */
  durationMs?: number;
  /**
   * The --seed every pod gets when neither runArgs nor the scenario's options
   * set one (default: a random one, drawn now): random arrivals are one
   * schedule across segments only with one seed.
   */
  seed?: number;
  now?: () => number;
}

/** Flags the manifests set for each pod: giving them in the run arguments is a mistake. */
const RESERVED = ['--out', '--segment', '--start-at', '--setup-data', '--live'];

/**
 * The API under `bench k8s`: bundles the scenario, sizes the pods and returns
 * the manifests as multi-document YAML, plus the objects themselves.
 */
export async function generateK8s(req: K8sRequest): Promise<{ yaml: string; objects: K8sObject[]; name: string; startAt: Date }> {
  const runArgs = req.runArgs ?? [];
  const problems: string[] = [];
  if (!Number.isInteger(req.instances) || req.instances < 1) problems.push(`--instances must be a whole number from 1, got ${req.instances}`);
  for (const f of RESERVED) if (hasFlag(runArgs, [f])) problems.push(`${f} is set by the manifests for each pod; leave it out${f === '--live' ? ' (give bench k8s --live redis://host:6379)' : ''}`);
  if (problems.length) throw new UserError(`bench k8s:\n${problems.map((p) => `  - ${p}`).join('\n')}`, undefined, 'E_K8S');

  const now = req.now ?? Date.now;
  const startAt = req.startAt ? parseStartAt(req.startAt) : new Date(Math.ceil((now() + (req.startDelayMs ?? 60_000)) / 1000) * 1000);
  const name = req.name ?? defaultName(req.scenario, new Date(now()));
  if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(name)) {
    throw new UserError(`--name ${JSON.stringify(name)}: a Kubernetes name of lowercase letters, digits and '-', at most 52 characters`, undefined, 'E_K8S');
  }

  const bundle = await bundleFile(resolve(req.scenario), 'scenario');
  let source: string;
  let exported: { setup?: unknown; teardown?: unknown; options?: { duration?: unknown; seed?: unknown } };
  try {
    exported = scenarioExports((await import(pathToFileURL(bundle.path).href)) as Record<string, unknown>) as typeof exported;
    source = portableBundle(readFileSync(bundle.path, 'utf8'));
  } finally {
    bundle.dispose();
  }

  // One seed for every pod, drawn now when none is given: each segment keeps its own arrivals of one random schedule.
  const podArgs = hasFlag(runArgs, ['--seed']) || exported.options?.seed !== undefined ? runArgs : [...runArgs, '--seed', String(req.seed ?? randomInt(1, 2 ** 31))];
  const workers = workersArg(runArgs);
  const size = sizePod({ instances: req.instances, targetRps: req.targetRps, workers, cpu: req.cpu });
  const scenarioDuration = exported.options?.duration;
  const durationMs =
    req.durationMs ?? durationArg(runArgs) ?? (typeof scenarioDuration === 'string' || typeof scenarioDuration === 'number' ? parseDurationMs(scenarioDuration) : undefined) ?? 3_600_000;
  const objects = buildManifests({
    name,
    namespace: req.namespace,
    image: req.image ?? `volley:${packageVersion()}`,
    instances: req.instances,
    scenarioSource: source,
    runArgs: podArgs,
    startAt,
    size,
    hasSetup: typeof exported.setup === 'function',
    hasTeardown: typeof exported.teardown === 'function',
    live: req.live,
    resultsWaitSec: Math.ceil((startAt.getTime() - now() + durationMs) / 1000) + 300,
    storageClass: req.storageClass,
    storage: req.storage ?? '1Gi',
  });
  const header = [
    ` Volley distributed run ${name}: ${req.instances} instance(s) of ${basename(req.scenario)}, starting together at ${startAt.toISOString()}.`,
    ` Apply before then: kubectl apply -f this.yaml (an instance that starts over 5 s late refuses to run).`,
    ` Pod size: ${size.cpu} CPU, ${size.memoryMi}Mi (${size.basis}).`,
    ` Results: PVC ${name}-results (ReadWriteMany), merged into /results/merged by job/${name}-merge;`,
    ` copy them out with a pod that mounts the claim: kubectl cp <pod>:/results/merged ./results (docs/distributed.md).`,
  ].join('\n');
  return { yaml: renderManifests(objects, header), objects, name, startAt };
}

/**
 * bundleFile points 'volley' at this machine's dist/index.js by absolute URL;
 * in the pod, the bare 'volley' is resolved again by the image's bench.
 */
const BANNER_LINE = /^import \{ createRequire as __volleyCreateRequire \}[^\n]*\n/;

function portableBundle(text: string): string {
  const local = pathToFileURL(join(packageRoot(), 'dist', 'index.js')).href;
  // The banner (a require and the scenario's path, both of this machine) goes: bench run in the pod adds its own.
  const portable = text.replace(BANNER_LINE, '').split(JSON.stringify(local)).join('"volley"');
  // The inline source map (the scenario's own source, for stack traces) goes first when the ConfigMap would be too big.
  return portable.length > 900 * 1024 ? portable.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n') : portable;
}

function defaultName(scenario: string, at: Date): string {
  const base = basename(scenario).replace(/\.[cm]?[jt]s$/, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 24) || 'run';
  const stamp = at.toISOString().slice(0, 16).replace(/[-:T]/g, '').slice(4); // MMDDhhmm
  return `volley-${base}-${stamp}`;
}

function flagValue(args: readonly string[], flags: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    for (const f of flags) {
      if (args[i] === f) return args[i + 1];
      if (args[i]!.startsWith(`${f}=`)) return args[i]!.slice(f.length + 1);
    }
  }
  return undefined;
}

function workersArg(args: readonly string[]): number | undefined {
  const v = flagValue(args, ['-w', '--workers']);
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

function durationArg(args: readonly string[]): number | undefined {
  const v = flagValue(args, ['-t', '--duration']);
  return v === undefined ? undefined : parseDurationMs(v);
}
