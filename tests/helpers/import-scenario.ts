import { bundleFile } from '../../src/compile/bundle.js';

/**
 * Bundles a fixture with esbuild, as `bench run` does, and imports it.
 * Test files cannot hold decorated classes themselves: vitest's transform
 * (oxc) does not compile TC39 decorators, esbuild does.
 */
export async function importScenario<T = Record<string, unknown>>(path: string): Promise<T> {
  const bundle = await bundleFile(new URL(`../fixtures/scenarios/${path}`, import.meta.url).pathname, 'scenario');
  try {
    return (await import(bundle.path)) as T;
  } finally {
    bundle.dispose();
  }
}
