import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, generatedImage, MAX_IMAGE_SIDE } from '../../../src/workload/images.js';
import { UserError } from '../../../src/errors.js';

describe('generated images', () => {
  it('are valid RGB PNGs of the asked size', () => {
    const png = encodePng(31, 17, 2);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([31, 17, 8, 2]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    expect(inflateSync(png.subarray(41, 41 + idatLength)).length).toBe(17 * (31 * 3 + 1));
    expect(png.toString('latin1', png.length - 8, png.length - 4)).toBe('IEND');
  });

  it('come as cached data URLs, different per variant', () => {
    const a = generatedImage(16, 16, 0);
    expect(a).toMatch(/^data:image\/png;base64,/);
    expect(generatedImage(16, 16, 0)).toBe(a);
    expect(generatedImage(16, 16, 1)).not.toBe(a);
  });

  it.each([
    [0, 0],
    [512.5, 10],
    [100_000, 100_000],
    [MAX_IMAGE_SIDE + 1, 1],
  ])('refuse imageSize [%s, %s] with a UserError naming the limit', (width, height) => {
    let err: unknown;
    try {
      generatedImage(width, height, 0);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`imageSize [${width},${height}]: width and height must be whole numbers from 1 to 8,192 pixels`);
    expect((err as UserError).hint).toMatch(/imageSize: \[512, 512\]/);
  });

  it.each([
    [8192, 8192],
    [2049, 2048],
    [4096, 4096],
  ])('refuse [%s, %s], past the pixel limit, before encoding anything', (width, height) => {
    expect(() => generatedImage(width, height, 0)).toThrow(/at most 4,194,304 \(2048×2048\)/);
  });

  it('accept the smallest side', () => {
    expect(generatedImage(1, 1, 0)).toMatch(/^data:image\/png;base64,/);
  });
});
