/**
 * Request names that look like URLs with ids in them (`/items/8812`,
 * `/users/3f2a…-…/orders`), and the name they should have had
 * (`/items/[id]`): what the names warning suggests for the `name` option.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DIGITS = /^\d+$/;
const HEX = /^[0-9a-f]+$/i;

/** What a segment (or query value) stands for: '[id]', '[uuid]', '[hash]', or undefined for a plain word. */
export function idKind(segment: string): string | undefined {
  if (segment === '') return undefined;
  if (DIGITS.test(segment)) return '[id]';
  if (UUID.test(segment)) return '[uuid]';
  // A hash or object id: long hex, or hex of 8+ that mixes digits and letters (not a word like "deadbeef" or "facade").
  if (HEX.test(segment) && (segment.length >= 16 || (segment.length >= 8 && /\d/.test(segment) && /[a-f]/i.test(segment)))) return '[hash]';
  return undefined;
}

/**
 * The name with each id-like path segment and query value replaced by its
 * kind: `/items/8812?page=3` → `/items/[id]?page=[id]`. A scheme and host are
 * kept as they are; a name without ids comes back unchanged.
 */
export function suggestPattern(name: string): string {
  const q = name.indexOf('?');
  const path = q < 0 ? name : name.slice(0, q);
  const query = q < 0 ? undefined : name.slice(q + 1);
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path)?.[0] ?? '';
  const rest = path.slice(origin.length);
  const patterned = rest
    .split('/')
    .map((s) => idKind(s) ?? s)
    .join('/');
  if (query === undefined) return origin + patterned;
  const params = query.split('&').map((p) => {
    const eq = p.indexOf('=');
    if (eq < 0) return p;
    const value = p.slice(eq + 1);
    return p.slice(0, eq + 1) + (idKind(value) ?? value);
  });
  return `${origin}${patterned}?${params.join('&')}`;
}
