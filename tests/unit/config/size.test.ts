import { describe, expect, it } from 'vitest';
import { formatSize, parseSizeBytes } from '../../../src/config/size.js';
import { validateOptions } from '../../../src/config/validate.js';

describe('parseSizeBytes', () => {
  it.each([
    ['16MiB', 16 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['1 GiB', 1024 ** 3],
    ['4MB', 4_000_000],
    ['100kb', 100_000],
    ['4000', 4000],
    [4000, 4000],
    ['1.5MiB', 1.5 * 1024 * 1024],
  ])('%s is %d bytes', (text, bytes) => expect(parseSizeBytes(text)).toBe(bytes));

  it.each(['', 'big', '4XB', '-1MiB', -1, 1.5])('%s is not a size', (text) => expect(parseSizeBytes(text)).toBeUndefined());

  it('formats whole KiB and MiB', () => {
    expect(formatSize(4 * 1024 * 1024)).toBe('4 MiB');
    expect(formatSize(2048)).toBe('2 KiB');
    expect(formatSize(1000)).toBe('1000 bytes');
  });
});

describe('the maxBody option', () => {
  it('takes a size and gives bytes', () => {
    expect(validateOptions('cli', { maxBody: '16MiB' }).maxBody).toBe(16 * 1024 * 1024);
  });

  it('refuses what is not a size, naming the flag', () => {
    expect(() => validateOptions('command line', { maxBody: 'lots' }, 'flags')).toThrow(/--max-body: expected a size above 0 such as 16MiB/);
    expect(() => validateOptions('command line', { maxBody: 0 }, 'flags')).toThrow(/--max-body/);
  });
});
