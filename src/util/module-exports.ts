/**
 * A bundled scenario's exports as the scenario meant them: a CommonJS
 * scenario bundled into ESM exports only `default` (its `module.exports`);
 * its properties are the scenario's exports.
 */
export function scenarioExports(mod: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(mod);
  const only = mod.default;
  if (keys.length === 1 && keys[0] === 'default' && typeof only === 'object' && only !== null) return { ...(only as Record<string, unknown>) };
  return mod;
}
