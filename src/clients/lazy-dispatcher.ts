import { createRequire } from 'node:module';
import type * as Undici from 'undici';

let undici: typeof Undici | undefined;

/**
 * undici, loaded on first use: it is about a fifth of what a worker loads at
 * start-up (docs/benchmarks.md#start-up), and a plain-HTTP run over the socket
 * transport never needs it. Loaded synchronously, as a dispatch needs it now.
 */
export function loadUndici(): typeof Undici {
  return (undici ??= createRequire(import.meta.url)('undici') as typeof Undici);
}

/**
 * The worker's undici Agent, made on the first request that needs it (https,
 * `--http-transport undici`). Clients only call `dispatch`, so this stands in
 * for the Agent until then; the worker preloads undici before its users start
 * whenever its classes' hosts say it will be needed (runtime/worker.ts), so the
 * load does not stall a running worker.
 */
export class LazyDispatcher {
  private agent?: Undici.Agent;

  constructor(private readonly options: Undici.Agent.Options) {}

  dispatch(options: Undici.Dispatcher.DispatchOptions, handler: Undici.Dispatcher.DispatchHandler): boolean {
    this.agent ??= new (loadUndici().Agent)(this.options);
    return this.agent.dispatch(options, handler);
  }

  async close(): Promise<void> {
    await this.agent?.close();
  }

  async destroy(): Promise<void> {
    await this.agent?.destroy();
  }

  /** As the Dispatcher that ClientContext carries (only `dispatch` is ever called on it). */
  asDispatcher(): Undici.Dispatcher {
    return this as unknown as Undici.Dispatcher;
  }
}
