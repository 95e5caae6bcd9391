import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { Heartbeat } from './heartbeat.js';
import { FunctionLocator } from './function-location.js';
import type { TaskEntry } from './tasks.js';
import type { FromWorker, ToWorker, WorkerInit } from '../pool/protocol.js';
import { UserError } from '../errors.js';
import { drainRequestsLogs } from '../clients/llm/requests-log.js';
import { loadScenario } from './load-scenario.js';
import { describeClasses } from './describe.js';
import { IS_LLM_USER } from '../api/llm-brand.js';
import { WorkerRuntime } from './worker-runtime.js';
import { clientAttachers, preloadClients, preloadUndici } from './attachers.js';
import { MetricsRecorder } from '../metrics/recorder.js';

// Every scenario imports 'volley' (dist/index.js): loading it now, while the
// thread waits for its task (the main thread is still loading the run's
// modules), takes its ~6 ms off the way to the first request. A failure here
// is the scenario's to report when it imports it.
import('../api/index.js').catch(() => undefined);

/** A failure as the main thread wants it: a UserError keeps its message and hint, anything else its stack. */
function fatalOf(err: unknown): Extract<FromWorker, { type: 'fatal' }> {
  if (err instanceof UserError) return { type: 'fatal', message: err.message, hint: err.hint, userError: true };
  return { type: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

/**
 * The piscina task: one per worker thread, alive for the whole run. It talks to
 * the main thread over the MessagePort it was given, never through task results,
 * so stopping is a message and the last interval's histograms are never lost.
 */
export default async function runWorker(init: WorkerInit): Promise<void> {
  const { port, options } = init;
  const send = (m: FromWorker) => port.postMessage(m);

  let rt: WorkerRuntime;
  let scenario: Awaited<ReturnType<typeof loadScenario>>;
  // Beats from the start: a scenario whose top-level code or setup() blocks the thread shows as blocked too.
  const locator = new FunctionLocator(init.bundlePath);
  const heartbeat = new Heartbeat(
    init.heartbeat,
    (first, names) => send({ type: 'taskNames', first, names }),
    (task, cls) => locator.locate((task as TaskEntry).fn ?? (task as TaskEntry).taskSet, cls),
  );
  heartbeat.start();
  try {
    scenario = await loadScenario(init.bundlePath, options.userClasses);
    // Every problem with the classes (a constructor that throws, a bad weight, no host, nothing to run) is a user error now, before any user starts.
    // The providers' table (clients/llm/config.ts and every adapter) only for a run with LLM classes.
    const llm = scenario.classes.some((c) => (c as unknown as Record<symbol, unknown>)[IS_LLM_USER] === true) ? await import('../clients/llm/config.js') : undefined;
    const { classes, samples } = describeClasses(scenario.classes, options, llm?.apiKeyEnvOf);
    rt = new WorkerRuntime(options, init.workerIndex, init.workerCount, new Map(scenario.classes.map((c) => [c.name, c])), await clientAttachers(samples));
    await preloadClients(
      samples,
      { recorder: new MetricsRecorder(), dispatcher: rt.dispatcher, sockets: rt.sockets, baseUrl: undefined, requestTimeoutMs: options.requestTimeoutMs, random: Math.random, hardStop: rt.hardStop.signal, options: options.extra },
    );
    preloadUndici(samples, options.host, { http: options.extra.httpTransport, llm: options.extra.llmTransport });
    rt.heartbeat = heartbeat;
    send({ type: 'ready', classes, threadId });
  } catch (err) {
    heartbeat.stop();
    send(fatalOf(err));
    // Closing the port now could drop the message before the main thread reads it:
    // wait for its 'exit', which it sends to every worker when the run cannot start.
    await new Promise<void>((resolve) => port.on('message', (m: ToWorker) => m.type === 'exit' && resolve()));
    port.close();
    return;
  }

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let elu = performance.eventLoopUtilization();
  const snapshot = () => {
    const now = performance.eventLoopUtilization();
    const cpu = performance.eventLoopUtilization(now, elu).utilization;
    elu = now;
    const delayMs = loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0;
    loopDelay.reset();
    const { delta, scenarioDeltas } = rt.takeDeltas();
    send({ type: 'snapshot', delta, scenarioDeltas, users: rt.userCount, health: { cpu, eventLoopDelayMs: delayMs } });
  };
  let ticker: NodeJS.Timeout | undefined;
  rt.onExhausted = (scenario) => send({ type: 'exhausted', scenario });
  rt.onRetired = (scenario, users) => send({ type: 'retired', scenario, users });
  rt.onIdle = (scenario, seen) => send({ type: 'idle', scenario, seen });
  rt.onFatal = (err) => send(fatalOf(err));
  rt.onWarning = (message) => send({ type: 'warning', message });
  rt.onHookTimedOut = (what, afterMs) => send({ type: 'timedOut', what, afterMs });

  await new Promise<void>((resolve) => {
    port.on('message', async (msg: ToWorker) => {
      switch (msg.type) {
        case 'setup': {
          try {
            const data = scenario.setup ? await scenario.setup() : undefined;
            send({ type: 'setupDone', data });
          } catch (err) {
            send({ type: 'setupDone', data: undefined, error: err instanceof Error ? err.message : String(err) });
          }
          break;
        }
        case 'begin':
          rt.setupData = msg.setupData;
          rt.endAtMs = msg.endAtMs;
          Object.assign(options.hostAliases, msg.hostAliases);
          rt.begin();
          // Half an interval out of phase with the main thread's ticks, so each of its
          // per-second rows gets exactly one snapshot of each worker, whatever the jitter.
          ticker = setTimeout(() => {
            snapshot();
            ticker = setInterval(snapshot, options.snapshotIntervalMs);
          }, options.snapshotIntervalMs / 2);
          break;
        case 'flush':
          // Read by the LLM client for its --requests-log lines (clients/llm/client.ts).
          options.extra.warmupStage = msg.warmup === true;
          snapshot();
          break;
        case 'extra':
          Object.assign(options.extra, msg.extra);
          break;
        case 'users':
          rt.setUsers(msg.counts, msg.scenario);
          break;
        case 'arrivals':
          rt.arrivals(msg.scenario, msg.originMs, msg.offsetsMs, msg.end, msg.indices);
          break;
        case 'stopScenario':
          rt.stopScenario(msg.scenario);
          break;
        case 'stop': {
          // bench/user-memory.ts: the heap with every user still in place (off unless VOLLEY_MEMORY_PROBE is set).
          if (process.env.VOLLEY_MEMORY_PROBE) (await import('./memory-probe.js')).probeMemory(process.env.VOLLEY_MEMORY_PROBE, init.workerIndex, rt.userCount);
          await rt.stopAll(msg.graceMs, msg.stopAtMs);
          // Worker threads end without exit handlers: write the last request-log lines now.
          await drainRequestsLogs();
          if (ticker) clearTimeout(ticker); // clears the interval too
          const { delta, scenarioDeltas } = rt.takeDeltas();
          send({ type: 'stopped', delta, scenarioDeltas });
          break;
        }
        case 'hurry':
          rt.hurry();
          break;
        case 'teardown': {
          let error: string | undefined;
          try {
            if (scenario.teardown) await scenario.teardown(msg.setupData);
          } catch (err) {
            error = err instanceof Error ? err.message : String(err);
          }
          send({ type: 'teardownDone', error });
          break;
        }
        case 'exit':
          heartbeat.stop();
          loopDelay.disable();
          port.close();
          resolve();
          break;
      }
    });
  });
}
