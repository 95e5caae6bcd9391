import { Document } from 'yaml';
// Types only (erased at build): the object literals below are checked against the
// Kubernetes API types, so a misspelt field fails type checking.
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import { ExitCode, UserError } from '../../errors.js';
import type { PodSize } from './capacity.js';

/** Kubernetes objects as plain data (what `kubectl apply -f` reads). */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } } & Record<string, unknown>;

export interface ManifestInput {
  /** The run's name: prefixes every object and is the live view's run id. */
  name: string;
  namespace?: string;
  image: string;
  instances: number;
  /** The bundled scenario (one ESM file). */
  scenarioSource: string;
  /** Arguments for `bench run` beyond those the manifests set themselves. */
  runArgs: string[];
  startAt: Date;
  size: PodSize;
  /** The scenario exports setup() / teardown(): run each once, in their own step. */
  hasSetup: boolean;
  hasTeardown: boolean;
  /** `redis://host:port` for --live; the run name is appended as the run id. */
  live?: string;
  /** How long the merge step waits for the instances' results. */
  resultsWaitSec: number;
  storageClass?: string;
  storage: string;
}

/** Where the scenario and the results are mounted in every pod. */
const SCENARIO_DIR = '/scenario';
const RESULTS_DIR = '/results';
/** A ConfigMap holds at most 1 MiB. */
const CONFIGMAP_LIMIT = 1024 * 1024 - 4096;

function labels(input: ManifestInput, role: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'volley', 'app.kubernetes.io/instance': input.name, 'app.kubernetes.io/component': role };
}

function meta(input: ManifestInput, suffix: string, role: string): K8sObject['metadata'] {
  return { name: suffix ? `${input.name}-${suffix}` : input.name, ...(input.namespace && { namespace: input.namespace }), labels: labels(input, role) };
}

const volumes = (input: ManifestInput) => [
  { name: 'scenario', configMap: { name: `${input.name}-scenario` } },
  { name: 'results', persistentVolumeClaim: { claimName: `${input.name}-results` } },
];
const mounts = [
  { name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true },
  { name: 'results', mountPath: RESULTS_DIR },
];

/** A shell loop that waits for a file, giving up after `sec` seconds. */
const waitFor = (file: string, sec: number, what: string) =>
  `w=0; until [ -f "${file}" ]; do w=$((w + 2)); if [ "$w" -gt ${sec} ]; then echo "${what}" >&2; exit 1; fi; sleep 2; done`;

/**
 * The objects of one distributed run, in apply order: the results volume, the
 * scenario ConfigMap, a setup Job when the scenario exports setup(), the
 * Indexed load Job, and the merge Job. Pure: the caller bundles the scenario
 * and sizes the pods.
 */
export function buildManifests(input: ManifestInput): K8sObject[] {
  const N = input.instances;
  const bench = (role: string) => ({ name: role, image: input.image, imagePullPolicy: 'IfNotPresent' as const, volumeMounts: mounts });
  const podBase = { restartPolicy: 'Never' as const, volumes: volumes(input) };
  const objects: K8sObject[] = [];

  objects.push({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(input, 'results', 'results'),
    spec: {
      // Pods of the Job land on different nodes and all write here, and the merge step reads it.
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: input.storage } },
      ...(input.storageClass && { storageClassName: input.storageClass }),
    },
  } satisfies IPersistentVolumeClaim);

  if (input.scenarioSource.length > CONFIGMAP_LIMIT) {
    throw new UserError(
      `the bundled scenario is ${(input.scenarioSource.length / 1024).toFixed(0)} KiB; a ConfigMap holds at most 1 MiB`,
      'bundle fewer dependencies into the scenario, or build an image that contains it and run it from there',
      'E_K8S',
    );
  }
  objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(input, 'scenario', 'scenario'), data: { 'scenario.mjs': input.scenarioSource } } satisfies IConfigMap);

  const setupFile = `${RESULTS_DIR}/setup.json`;
  if (input.hasSetup) {
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(input, 'setup', 'setup'),
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: labels(input, 'setup') },
          spec: {
            ...podBase,
            containers: [{ ...bench('setup'), command: ['bench', 'setup', `${SCENARIO_DIR}/scenario.mjs`, '--out', setupFile], resources: { requests: { cpu: '500m', memory: '256Mi' } } }],
          },
        },
      },
    } satisfies IJob);
  }

  const startWaitSec = Math.max(60, Math.ceil((input.startAt.getTime() - Date.now()) / 1000) + 60);
  const loadScript = [
    'set -e',
    'i="${JOB_COMPLETION_INDEX:?this pod must run in an Indexed Job}"',
    ...(input.hasSetup ? [waitFor(setupFile, startWaitSec, `${setupFile} did not appear: see the logs of job/${input.name}-setup`)] : []),
    // Segments are numbered from 1; the completion index from 0.
    `exec bench run ${SCENARIO_DIR}/scenario.mjs --segment "$((i + 1))/$VOLLEY_INSTANCES" --out "${RESULTS_DIR}/$i" "$@"`,
  ].join('\n');
  const fixedArgs = [
    '--start-at',
    input.startAt.toISOString(),
    '--headless',
    ...(hasFlag(input.runArgs, ['-w', '--workers']) ? [] : ['--workers', String(input.size.cpu)]),
    ...(input.hasSetup ? ['--setup-data', setupFile] : []),
    ...(input.live ? ['--live', `${input.live.replace(/\/+$/, '')}/${input.name}`] : []),
  ];
  objects.push({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...meta(input, '', 'load'), annotations: { 'volley.dev/start-at': input.startAt.toISOString(), 'volley.dev/pod-size': input.size.basis } },
    spec: {
      completionMode: 'Indexed',
      completions: N,
      parallelism: N,
      // A pod that fails is not retried: a retry would run its segment late and out of step.
      backoffLimit: 0,
      template: {
        metadata: { labels: labels(input, 'load') },
        spec: {
          ...podBase,
          // One instance per node where possible, so instances do not share CPUs.
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels(input, 'load') } }],
          containers: [
            {
              ...bench('load'),
              command: ['/bin/sh', '-c', loadScript, 'bench'],
              args: [...fixedArgs, ...input.runArgs],
              env: [{ name: 'VOLLEY_INSTANCES', value: String(N) }],
              // No CPU limit: throttling would show up as latency of the target.
              resources: { requests: { cpu: String(input.size.cpu), memory: `${input.size.memoryMi}Mi` }, limits: { memory: `${input.size.memoryMi * 2}Mi` } },
            },
          ],
        },
      },
    },
  } satisfies IJob);

  // The waits for the instances share one budget (w is not reset per instance), so
  // however many are missing the merge starts within resultsWaitSec, well inside
  // the Job's activeDeadlineSeconds; the missing ones are left out and named.
  const mergeScript = [
    'dirs=""',
    'missing=""',
    'w=0',
    'i=0',
    'while [ "$i" -lt "$VOLLEY_INSTANCES" ]; do',
    `  until [ -f "${RESULTS_DIR}/$i/summary.json" ] || [ "$w" -ge ${input.resultsWaitSec} ]; do w=$((w + 5)); sleep 5; done`,
    `  if [ -f "${RESULTS_DIR}/$i/summary.json" ]; then dirs="$dirs ${RESULTS_DIR}/$i"; else missing="$missing $i"; fi`,
    '  i=$((i + 1))',
    'done',
    `[ -z "$missing" ] || echo "instance(s)$missing wrote no summary.json within ${input.resultsWaitSec}s: merging without them (the merged results are marked incomplete, exit ${ExitCode.MergeIncomplete})" >&2`,
    '[ -n "$dirs" ] || { echo "no instance wrote results" >&2; exit 1; }',
    '# Exit code: the verdict of the merged run (thresholds, failures), as bench run gives.',
    `set +e; bench merge $dirs --out ${RESULTS_DIR}/merged; code=$?`,
    ...(input.hasTeardown ? [`bench teardown ${SCENARIO_DIR}/scenario.mjs${input.hasSetup ? ` --setup-data ${setupFile}` : ''} || echo "teardown() failed" >&2`] : []),
    'exit "$code"',
  ].join('\n');
  objects.push({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(input, 'merge', 'merge'),
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: input.resultsWaitSec + 600,
      template: {
        metadata: { labels: labels(input, 'merge') },
        spec: {
          ...podBase,
          containers: [
            {
              ...bench('merge'),
              command: ['/bin/sh', '-c', mergeScript],
              env: [{ name: 'VOLLEY_INSTANCES', value: String(N) }],
              resources: { requests: { cpu: '500m', memory: '512Mi' } },
            },
          ],
        },
      },
    },
  } satisfies IJob);
  return objects;
}

/** True when one of `flags` is among the arguments (`--workers 4` or `--workers=4`). */
export function hasFlag(args: readonly string[], flags: readonly string[]): boolean {
  return args.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
}

/** Multi-document YAML, one document per object, with a comment on top. */
export function renderManifests(objects: readonly K8sObject[], header: string): string {
  return objects
    .map((o, i) => {
      const doc = new Document(o);
      if (i === 0) doc.commentBefore = header;
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
