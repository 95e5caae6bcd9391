import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { UserError } from '../errors.js';

/**
 * Images for vision requests, as data URLs. Generated PNGs are noisy (so they
 * do not compress to nothing, like photos) and come in a few variants per size,
 * built once per worker: encoding a 1024×1024 PNG costs milliseconds, too much per request.
 */
export const IMAGE_VARIANTS = 8;

/** Largest image side we generate; a larger one is almost certainly a typo (and 16,384² RGB is already 768 MiB raw). */
export const MAX_IMAGE_SIDE = 16_384;

/** Whether `n` can be a side of a generated image: a whole number from 1 to MAX_IMAGE_SIDE. */
export function isImageSide(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_IMAGE_SIDE;
}

const generated = new Map<string, string>();

/**
 * A generated width×height PNG as a data URL; `variant` (0..IMAGE_VARIANTS-1) picks one of a few different pictures.
 * Throws a UserError naming `imageSize` unless both sides are whole numbers from 1 to MAX_IMAGE_SIDE.
 */
export function generatedImage(width: number, height: number, variant: number): string {
  const key = `${width}x${height}#${variant % IMAGE_VARIANTS}`;
  let url = generated.get(key);
  if (url === undefined) {
    // Checked on a cache miss only: a bad size never gets into the cache.
    if (!isImageSide(width) || !isImageSide(height)) {
      throw new UserError(
        `imageSize ${JSON.stringify([width, height])}: width and height must be whole numbers from 1 to ${MAX_IMAGE_SIDE.toLocaleString('en-US')} pixels`,
        'give imageSize as [width, height] in pixels, e.g. imageSize: [512, 512]',
      );
    }
    url = 'data:image/png;base64,' + encodePng(width, height, variant % IMAGE_VARIANTS).toString('base64');
    generated.set(key, url);
  }
  return url;
}

/** An RGB PNG: a gradient that differs per variant, with seeded noise on top. */
export function encodePng(width: number, height: number, variant: number): Buffer {
  const stride = width * 3 + 1;
  const raw = Buffer.alloc(stride * height);
  let seed = (0x9e3779b9 * (variant + 1)) >>> 0;
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const noise = seed >>> 27;
      const o = row + 1 + x * 3;
      raw[o] = ((x * 255) / width + variant * 31 + noise) & 255;
      raw[o + 1] = ((y * 255) / height + noise) & 255;
      raw[o + 2] = (((x + y) * 127) / (width + height) + variant * 67) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 1 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.gif': 'image/gif' };
const folders = new Map<string, string[]>();

/** Every image of a folder as data URLs, read once per worker, in name order. */
export function folderImages(dir: string): string[] {
  const abs = resolve(dir);
  let urls = folders.get(abs);
  if (urls) return urls;
  let names: string[];
  try {
    names = readdirSync(abs).sort();
  } catch (err) {
    throw new UserError(`cannot read image folder ${abs}: ${(err as Error).message}`, 'set `imageDir` to a folder of .png, .jpg, .webp or .gif files');
  }
  urls = [];
  for (const name of names) {
    const mime = MIME[extname(name).toLowerCase()];
    if (mime) urls.push(`data:${mime};base64,${readFileSync(join(abs, name)).toString('base64')}`);
  }
  if (urls.length === 0) throw new UserError(`image folder ${abs} has no .png, .jpg, .webp or .gif files`);
  folders.set(abs, urls);
  return urls;
}
