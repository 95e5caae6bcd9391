import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { generateK8s, MEASURED_REQUESTS_PER_CORE_SEC, PLANNING_HEADROOM } from '../../../src/distributed/k8s/index.js';

const scenario = fileURLToPath(new URL('../../fixtures/scenarios/distributed/mixed.ts', import.meta.url));
const plain = fileURLToPath(new URL('../../fixtures/scenarios/shop.ts', import.meta.url));
const NOW = Date.parse('2025-06-01T12:00:00Z');

/** The Kubernetes model (schema) for each kind the manifests hold. */
const MODELS = { ConfigMap, PersistentVolumeClaim, Job } as const;

type Obj = { apiVersion: string; kind: keyof typeof MODELS; metadata: { name: string }; spec?: any; data?: Record<string, string> };

function parse(yaml: string): Obj[] {
  const docs = parseAllDocuments(yaml);
  for (const d of docs) expect(d.errors, String(d.errors)).toEqual([]);
  return docs.map((d) => d.toJS() as Obj);
}

const tmp = mkdtempSync(join(tmpdir(), 'volley-k8s-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs a pod's shell script with a fake `bench` that prints its arguments, one per line. */
function runScript(command: string[], args: string[], env: Record<string, string>, results: string): string {
  const bin = join(tmp, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'bench'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
  chmodSync(join(bin, 'bench'), 0o755);
  const [sh, flag, script, ...rest] = command;
  return execFileSync(sh!, [flag!, script!.replaceAll('/results', results), ...rest, ...args], { env: { PATH: `${bin}:/usr/bin:/bin`, ...env }, encoding: 'utf8' });
}

describe('bench k8s manifests', () => {
  it('are valid Kubernetes objects, checked against the Kubernetes schemas', async () => {
    const { yaml } = await generateK8s({ scenario, instances: 8, runArgs: ['-u', '80', '-t', '5m'], namespace: 'load', now: () => NOW, live: 'redis://redis.load:6379' });
    const objects = parse(yaml);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      expect.stringMatching(/^PersistentVolumeClaim\/volley-mixed-\d{8}-results$/),
      expect.stringMatching(/^ConfigMap\/volley-mixed-\d{8}-scenario$/),
      expect.stringMatching(/^Job\/volley-mixed-\d{8}-setup$/),
      expect.stringMatching(/^Job\/volley-mixed-\d{8}$/),
      expect.stringMatching(/^Job\/volley-mixed-\d{8}-merge$/),
    ]);
    for (const o of objects) {
      const Model = MODELS[o.kind];
      expect(Model, o.kind).toBeDefined();
      expect(() => new Model(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
    // The schemas themselves catch mistakes: a string where an integer belongs.
    const job = objects[3]!;
    const broken = structuredClone(job);
    broken.spec.completions = '8';
    expect(() => new Job(broken as never).validate()).toThrow(/completions must be integer/);
  });

  it('runs an Indexed Job of N pods, each on its segment, all at one start time', async () => {
    const { objects, startAt } = await generateK8s({ scenario, instances: 4, runArgs: ['-u', '40', '--threshold', 'http.p95 < 300ms'], now: () => NOW, startDelayMs: 30_000, live: 'redis://redis:6379', seed: 42 });
    expect(startAt.toISOString()).toBe('2025-06-01T12:00:30.000Z');
    const job = objects.find((o) => o.kind === 'Job' && !/-(setup|merge)$/.test(o.metadata.name)) as unknown as Obj;
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 4, parallelism: 4, backoffLimit: 0 });
    const c = job.spec.template.spec.containers[0];
    const name = job.metadata.name;
    // The pod's command, run for completion index 2 with a stand-in bench: segment 3/4, results/2.
    const results = join(tmp, 'results');
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, 'setup.json'), '{}');
    const argv = runScript(c.command, c.args, { JOB_COMPLETION_INDEX: '2', VOLLEY_INSTANCES: '4' }, results).trim().split('\n');
    expect(argv).toEqual([
      'run', '/scenario/scenario.mjs', '--segment', '3/4', '--out', `${results}/2`,
      '--start-at', '2025-06-01T12:00:30.000Z', '--headless', '--workers', '2',
      '--setup-data', '/results/setup.json', '--live', `redis://redis:6379/${name}`,
      '-u', '40', '--threshold', 'http.p95 < 300ms', '--seed', '42',
    ]);
    expect(c.resources.requests).toEqual({ cpu: '2', memory: '768Mi' });
    // The scenario travels in the ConfigMap, importing the image's volley, not this machine's.
    const cm = objects.find((o) => o.kind === 'ConfigMap') as unknown as Obj;
    expect(cm.data!['scenario.mjs']).toMatch(/from "volley"/);
    expect(cm.data!['scenario.mjs']).not.toMatch(/file:\/\//);
  });

  it('gives every pod one --seed: drawn at manifest time, or the one given', async () => {
    const loadArgs = async (runArgs: string[]) => {
      const { objects } = await generateK8s({ scenario, instances: 3, runArgs, now: () => NOW });
      const job = objects.find((o) => o.kind === 'Job' && !/-(setup|merge)$/.test(o.metadata.name)) as unknown as Obj;
      return job.spec.template.spec.containers[0].args as string[];
    };
    const seedOf = (args: string[]) => args.filter((a, i) => args[i - 1] === '--seed');
    const drawn = [await loadArgs(['--rate', '50/s']), await loadArgs(['--rate', '50/s'])].map(seedOf);
    // One seed in the pod template, so every pod of the Job has it; each generation draws its own.
    for (const seeds of drawn) expect(seeds).toEqual([expect.stringMatching(/^\d+$/)]);
    expect(drawn[0]).not.toEqual(drawn[1]);
    expect(seedOf(await loadArgs(['--seed', '7']))).toEqual(['7']);
    expect((await loadArgs(['--seed=7'])).filter((a) => a.startsWith('--seed'))).toEqual(['--seed=7']);
  });

  it('merges whatever the instances wrote, then runs teardown once', async () => {
    const { objects } = await generateK8s({ scenario, instances: 3, now: () => NOW });
    const merge = objects.find((o) => o.metadata.name.endsWith('-merge')) as unknown as Obj;
    const c = merge.spec.template.spec.containers[0];
    const results = join(tmp, 'merge-results');
    for (const i of [0, 1, 2]) {
      mkdirSync(join(results, String(i)), { recursive: true });
      writeFileSync(join(results, String(i), 'summary.json'), '{}');
    }
    const out = runScript(c.command, [], { VOLLEY_INSTANCES: '3' }, results).trim().split('\n');
    expect(out).toEqual([
      'merge', `${results}/0`, `${results}/1`, `${results}/2`, '--out', `${results}/merged`,
      'teardown', '/scenario/scenario.mjs', '--setup-data', `${results}/setup.json`,
    ]);
  });

  it('waits for the instances within one shared budget inside the Job deadline, then merges those there and names the missing', async () => {
    const { objects } = await generateK8s({ scenario, instances: 3, runArgs: ['-t', '10m'], now: () => NOW });
    const merge = objects.find((o) => o.metadata.name.endsWith('-merge')) as unknown as Obj;
    const c = merge.spec.template.spec.containers[0];
    const deadlineSec: number = merge.spec.activeDeadlineSeconds;
    const results = join(tmp, 'late-results');
    const bin = join(tmp, 'late-bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'bench'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    // A simulated clock: sleep adds to it instead of sleeping. Instances 0 and 2 write their
    // results at the end of the plan (start delay + duration); instance 1 never does.
    const planEndSec = 60 + 600;
    writeFileSync(join(bin, 'sleep'), [
      '#!/bin/sh',
      `t=$(( $(cat "${bin}/clock" 2>/dev/null || echo 0) + $1 )); echo "$t" > "${bin}/clock"`,
      `if [ "$t" -ge ${planEndSec} ]; then for i in 0 2; do mkdir -p "${results}/$i"; echo '{}' > "${results}/$i/summary.json"; done; fi`,
    ].join('\n'));
    chmodSync(join(bin, 'bench'), 0o755);
    chmodSync(join(bin, 'sleep'), 0o755);
    const [sh, flag, script] = c.command;
    const r = spawnSync(sh, [flag, script.replaceAll('/results', results)], { env: { PATH: `${bin}:/usr/bin:/bin`, VOLLEY_INSTANCES: '3' }, encoding: 'utf8' });
    const waitedSec = Number(readFileSync(join(bin, 'clock'), 'utf8'));
    // The merge starts before the Job's deadline, with minutes left for the merge itself and teardown.
    expect(waitedSec).toBeGreaterThanOrEqual(planEndSec);
    expect(waitedSec).toBeLessThanOrEqual(deadlineSec - 300);
    expect(r.stdout.trim().split('\n').slice(0, 6)).toEqual(['merge', `${results}/0`, `${results}/2`, '--out', `${results}/merged`, 'teardown']);
    expect(r.stderr).toMatch(/^instance\(s\) 1 wrote no summary\.json within \d+s: merging without them \(the merged results are marked incomplete, exit 98\)$/m);
  });

  it('leaves out the setup step for a scenario without setup()', async () => {
    const { objects } = await generateK8s({ scenario: plain, instances: 2, now: () => NOW });
    expect(objects.map((o) => o.metadata.name).some((n) => n.endsWith('-setup'))).toBe(false);
  });

  it('sizes pods from the measured per-core capacity', async () => {
    const perCore = MEASURED_REQUESTS_PER_CORE_SEC * PLANNING_HEADROOM;
    const { objects } = await generateK8s({ scenario: plain, instances: 4, targetRps: perCore * 4 * 3, now: () => NOW });
    const job = objects.find((o) => o.kind === 'Job' && !o.metadata.name.endsWith('-merge')) as unknown as Obj;
    expect(job.spec.template.spec.containers[0].resources.requests.cpu).toBe('3');
    expect(job.spec.template.spec.containers[0].args).toContain('--workers');
  });

  it('refuses options the manifests set themselves, and bad names', async () => {
    await expect(generateK8s({ scenario: plain, instances: 2, runArgs: ['--out', 'x', '--segment=1/2'] })).rejects.toThrow(/--out is set by the manifests[\s\S]*--segment is set/);
    await expect(generateK8s({ scenario: plain, instances: 0 })).rejects.toThrow(/--instances must be a whole number from 1/);
    await expect(generateK8s({ scenario: plain, instances: 2, name: 'Bad_Name' })).rejects.toThrow(/a Kubernetes name/);
  });
});
