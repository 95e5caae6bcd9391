import { basename, extname } from 'node:path';
import type { Reporter } from '../metrics/reporter.js';

export interface ExportSettings {
  scenarioPath: string;
  prometheusPort?: number;
  outRemoteWrite?: string;
  remoteWriteIntervalMs?: number;
  runId?: string;
  /** --live's run id, the default run_id. */
  liveRunId?: string;
  segment?: string;
  note: (message: string) => void;
  warn: (message: string) => void;
}

export const DEFAULT_REMOTE_WRITE_INTERVAL_MS = 5000;

/** The run_id label: given, --live's, or the scenario's name and the start time (2026-12-06T14-02-11). */
export function exportRunId(s: Pick<ExportSettings, 'runId' | 'liveRunId' | 'scenarioPath'>, now = new Date()): string {
  return s.runId ?? s.liveRunId ?? `${basename(s.scenarioPath, extname(s.scenarioPath))}-${now.toISOString().slice(0, 19).replace(/:/g, '-')}`;
}

/**
 * The reporters that send Volley's figures out (docs/telemetry.md): the
 * --prometheus-port endpoint and the --out-remote-write pusher; none without
 * those options. Each says where it sends once, on stderr.
 */
export async function createExporters(s: ExportSettings): Promise<Array<Reporter & { close(): Promise<void> }>> {
  const out: Array<Reporter & { close(): Promise<void> }> = [];
  if (s.prometheusPort !== undefined) {
    // Loaded only when asked for: prom-client and protobufjs cost every other run's start-up nothing.
    const { servePrometheus } = await import('./prometheus-endpoint.js');
    const endpoint = await servePrometheus(s.prometheusPort);
    s.note(`prometheus: Volley's figures at ${endpoint.url}`);
    out.push(endpoint);
  }
  if (s.outRemoteWrite !== undefined) {
    const runId = exportRunId(s);
    const scenario = basename(s.scenarioPath, extname(s.scenarioPath));
    const { createRemoteWriter } = await import('./remote-write.js');
    const writer = createRemoteWriter({
      url: s.outRemoteWrite,
      intervalMs: s.remoteWriteIntervalMs ?? DEFAULT_REMOTE_WRITE_INTERVAL_MS,
      labels: { run_id: runId, scenario, segment: s.segment ?? 'all' },
      warn: s.warn,
    });
    s.note(`remote write: pushing Volley's figures with run_id="${runId}"`);
    out.push(writer);
  }
  return out;
}
