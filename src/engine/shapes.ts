import { pathToFileURL } from 'node:url';
import { IS_LOAD_SHAPE } from '../api/shape.js';
import type { ScenarioConfig } from '../config/load-models.js';
import { UserError } from '../errors.js';
import type { ShapeInstance } from './executors/index.js';
import { scenarioExports } from '../util/module-exports.js';

type ShapeClass = new () => ShapeInstance;

/**
 * The LoadShape classes a scenario exports, by name. The bundle is imported on
 * the main thread (resolve.ts already did, to read `options`, so this is the
 * same module instance): shapes run here, once for all workers.
 */
export async function loadShapes(bundlePath: string): Promise<Map<string, ShapeClass>> {
  const mod = scenarioExports((await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>);
  const shapes = new Map<string, ShapeClass>();
  for (const [exportName, x] of Object.entries(mod)) {
    if (typeof x !== 'function' || !(x as unknown as Record<symbol, unknown>)[IS_LOAD_SHAPE]) continue;
    // LoadShape itself (re-exported) has no tick(): only concrete shapes count.
    if (typeof (x.prototype as { tick?: unknown }).tick !== 'function') continue;
    shapes.set(x.name || exportName, x as ShapeClass);
  }
  return shapes;
}

/**
 * Picks each scenario's LoadShape: the one it names, or the only one exported.
 * The run's default scenario, when no option chose a model, follows an
 * exported shape as Locust does; `users`/`spawnRate` are then ignored (warned).
 */
export function applyShapes(
  scenarios: ScenarioConfig[],
  shapes: Map<string, ShapeClass>,
  sweep: boolean,
  warn: (m: string) => void,
): { scenarios: ScenarioConfig[]; shapeFor: Map<string, ShapeInstance> } {
  const shapeFor = new Map<string, ShapeInstance>();
  const names = [...shapes.keys()];
  const out = scenarios.map((s) => {
    let use = s;
    if (s.executor !== 'load-shape' && s.shapeMayDrive && shapes.size > 0 && !sweep) {
      if (s.users !== 1 || Number.isFinite(s.spawnRate)) warn(`the scenario exports a LoadShape (${names.join(', ')}), which drives the users; users and spawnRate are ignored`);
      use = { ...s, executor: 'load-shape', users: 0 };
    }
    if (use.executor !== 'load-shape') return use;
    const where = use.name === 'default' ? '' : `scenario ${use.name}: `;
    let cls: ShapeClass | undefined;
    if (use.shape !== undefined) {
      cls = shapes.get(use.shape);
      if (!cls) throw new UserError(`${where}no exported LoadShape class named ${use.shape}`, names.length ? `the scenario exports: ${names.join(', ')}` : 'export a class that extends LoadShape, e.g. `export class Steps extends LoadShape { tick(t) { return t < 60 ? { users: 10 } : null; } }`');
    } else if (shapes.size === 1) cls = shapes.values().next().value;
    else if (shapes.size === 0) throw new UserError(`${where}a load-shape model needs an exported LoadShape class`, 'export a class that extends LoadShape, e.g. `export class Steps extends LoadShape { tick(t) { return t < 60 ? { users: 10 } : null; } }`');
    else throw new UserError(`${where}the scenario exports several LoadShape classes (${names.join(', ')})`, 'choose one with the `shape` option, e.g. shape: ' + JSON.stringify(names[0]));
    shapeFor.set(use.name, new cls!());
    return use;
  });
  return { scenarios: out, shapeFor };
}
