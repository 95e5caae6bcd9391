import { describe, expect, it } from 'vitest';
import { idKind, suggestPattern } from '../../../src/metrics/name-patterns.js';

describe('suggestPattern', () => {
  it.each([
    ['/items/8812', '/items/[id]'],
    ['/users/42/orders/7', '/users/[id]/orders/[id]'],
    ['/orders/3f2a9c1e-7b4d-4e8a-9f00-1c2d3e4f5a6b', '/orders/[uuid]'],
    ['/blobs/9f86d081884c7d659a2feaa0c55ad015', '/blobs/[hash]'],
    ['/objects/5f8d0a3b2c1e', '/objects/[hash]'],
    ['/items/8812?page=3&sort=price', '/items/[id]?page=[id]&sort=price'],
    ['http://127.0.0.1:8080/items/5', 'http://127.0.0.1:8080/items/[id]'],
  ])('%s -> %s', (name, pattern) => {
    expect(suggestPattern(name)).toBe(pattern);
  });

  it.each(['/items', '/api/v1/users', '/about/deadbeef', '/facade', '/items/[id]', 'chat', '/'])('leaves %s as it is', (name) => {
    expect(suggestPattern(name)).toBe(name);
  });

  it('tells ids, uuids and hashes from words', () => {
    expect([idKind('123'), idKind('7b4d'), idKind('cafe'), idKind('a1b2c3d4'), idKind('')]).toEqual(['[id]', undefined, undefined, '[hash]', undefined]);
  });
});
