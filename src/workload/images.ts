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

/** Largest image side we generate (a long thin image); the pixel count is bounded too (MAX_IMAGE_PIXELS). */
export const MAX_IMAGE_SIDE = 8192;

/**
 * Most pixels of one generated image: 2048×2048. Measured (bench/images.ts figures
 * in docs/llm.md): 0.35–1.2 s to build and 11.7 MiB as a data URL; 4096×4096 took 1.2–4.5 s
 * and 45 MiB, past the mock's 32 MiB body cap, and 16,384² hung a worker for 40 s
 * with 3.5 GB before failing at V8's string limit.
 */
export const MAX_IMAGE_PIXELS = 2048 * 2048;

/** Most pixels of the generated images of one request (~24 MiB of data URLs): under the mock's 32 MiB body cap. */
export const MAX_REQUEST_IMAGE_PIXELS = 2 * MAX_IMAGE_PIXELS;

/** Above this many pixels a size gets fewer variants, so the worker's cache stays small (2 × 12 MiB at the largest). */
const FEW_VARIANTS_ABOVE_PIXELS = 1024 * 1024;

const fmt = (n: number) => n.toLocaleString('en-US');

/** Whether `n` can be a side of a generated image: a whole number from 1 to MAX_IMAGE_SIDE. */
export function isImageSide(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_IMAGE_SIDE;
}

/**
 * What is wrong with generating `count` images of width×height for one request, or
 * undefined: sides from 1 to MAX_IMAGE_SIDE, at most MAX_IMAGE_PIXELS each and
 * MAX_REQUEST_IMAGE_PIXELS together.
 */
export function imageSizeProblem(width: number, height: number, count = 1): string | undefined {
  if (!isImageSide(width) || !isImageSide(height)) return `width and height must be whole numbers from 1 to ${fmt(MAX_IMAGE_SIDE)} pixels`;
  if (width * height > MAX_IMAGE_PIXELS) {
    return `${width}×${height} is ${fmt(width * height)} pixels; a generated image has at most ${fmt(MAX_IMAGE_PIXELS)} (2048×2048), so that requests stay within what servers take`;
  }
  if (width * height * count > MAX_REQUEST_IMAGE_PIXELS) {
    return `${count} images of ${width}×${height} are ${fmt(width * height * count)} pixels in one request; the most is ${fmt(MAX_REQUEST_IMAGE_PIXELS)} (two 2048×2048 images, ~24 MiB of base64)`;
  }
  return undefined;
}

/** How many different pictures a size comes in: fewer for large ones, whose data URLs are megabytes each. */
export function imageVariants(width: number, height: number): number {
  return width * height > FEW_VARIANTS_ABOVE_PIXELS ? 2 : IMAGE_VARIANTS;
}

const generated = new Map<string, string>();

/**
 * A generated width×height PNG as a data URL; `variant` picks one of imageVariants(width, height) different pictures.
 * Throws a UserError naming `imageSize` unless the size is one imageSizeProblem accepts.
 */
export function generatedImage(width: number, height: number, variant: number): string {
  const v = variant % imageVariants(width, height);
  const key = `${width}x${height}#${v}`;
  let url = generated.get(key);
  if (url === undefined) {
    // Checked on a cache miss only: a bad size never gets into the cache.
    const problem = imageSizeProblem(width, height);
    if (problem !== undefined) {
      throw new UserError(`imageSize ${JSON.stringify([width, height])}: ${problem}`, 'give imageSize as [width, height] in pixels, e.g. imageSize: [512, 512]');
    }
    url = 'data:image/png;base64,' + encodePng(width, height, v).toString('base64');
    generated.set(key, url);
  }
  return url;
}

/** Builds every variant of a size now, before the users start, so no request waits for an encode. */
export function prebuildImages(width: number, height: number): void {
  for (let v = 0; v < imageVariants(width, height); v++) generatedImage(width, height, v);
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
