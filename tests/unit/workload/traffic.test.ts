import { describe, expect, it } from 'vitest';
import { parseTraffic, sampleTraffic, truncatedNormal } from '../../../src/workload/traffic.js';
import { UserError } from '../../../src/errors.js';
import { seededRandom } from '../../../src/util/random.js';

describe('parseTraffic', () => {
  it('reads every GenAI Bench form', () => {
    expect(parseTraffic('D(100,200)')).toMatchObject({ kind: 'deterministic', inputTokens: 100, outputTokens: 200 });
    expect(parseTraffic('N(480,240)/(300,150)')).toMatchObject({ kind: 'normal', inputMean: 480, inputSd: 240, outputMean: 300, outputSd: 150 });
    expect(parseTraffic('U(50,100)/(10,20)')).toMatchObject({ kind: 'uniform', inputMin: 50, inputMax: 100, outputMin: 10, outputMax: 20 });
    expect(parseTraffic('U(100,20)')).toMatchObject({ kind: 'uniform', inputMin: 1, inputMax: 100, outputMin: 1, outputMax: 20 });
    expect(parseTraffic('E(1024)')).toMatchObject({ kind: 'embedding', inputTokens: 1024 });
    expect(parseTraffic('I(512,256)')).toMatchObject({ kind: 'image', width: 512, height: 256, count: 1 });
    expect(parseTraffic('I(2048,2048,2)')).toMatchObject({ kind: 'image', width: 2048, height: 2048, count: 2 });
    expect(parseTraffic('dataset')).toMatchObject({ kind: 'dataset' });
  });

  it('accepts spaces around numbers and keeps the trimmed text', () => {
    expect(parseTraffic(' D( 10 , 20 ) ')).toMatchObject({ kind: 'deterministic', inputTokens: 10, outputTokens: 20, text: 'D( 10 , 20 )' });
  });

  it.each([
    ['D(100)', /does not match/],
    ['D(0,10)', /in must be a whole number from 1 to 10,000,000, got 0/],
    ['D(20000000,10)', /in must be a whole number from 1 to 10,000,000, got 20000000/],
    ['N(20000000,1)/(300,150)', /mean_in must be from 1 to 10,000,000, got 20000000/],
    ['D(1.5,10)', /got 1.5/],
    ['U(300,200)/(1,2)', /min_in \(300\) is greater than max_in \(200\)/],
    ['N(480,-1)/(300,150)', /sd_in must be >= 0/],
    ['X(1,2)', /unknown form/],
    ['d(1,2)', /it starts like D\(in,out\) or dataset but does not match it \(write the letter in upper case\)/],
    ['n(1,2)/(3,4)', /starts like N\(mean_in,sd_in\)\/\(mean_out,sd_out\) .*upper case/],
    ['I(100000,10)', /width and height must be whole numbers from 1 to 8,192 pixels/],
    ['I(0,10,0)', /width and height must be whole numbers from 1 to 8,192 pixels; count must be a whole number from 1 to 10,000,000, got 0/],
    ['I(16384,16384)', /width and height must be whole numbers from 1 to 8,192 pixels/],
    ['I(8192,8192)', /8192×8192 is 67,108,864 pixels; a generated image has at most 4,194,304 \(2048×2048\)/],
    ['I(2048,2048,3)', /3 images of 2048×2048 are 12,582,912 pixels in one request; the most is 8,388,608/],
    ['D(1,2) extra', /does not match/],
    ['', /unknown form/],
  ])('rejects %s with a clear message', (text, reason) => {
    let err: unknown;
    try {
      parseTraffic(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(e.message).toContain(`invalid traffic "${text}"`);
    expect(e.message).toMatch(reason);
    expect(e.hint).toContain('N(mean_in,sd_in)/(mean_out,sd_out)');
    expect(e.hint).toContain('I(width,height[,count])');
    expect(e.hint).toContain('whole numbers from 1 to 10,000,000');
  });
});

describe('sampleTraffic', () => {
  it('is deterministic with a seed', () => {
    const spec = parseTraffic('N(480,240)/(300,150)');
    const a = seededRandom(7);
    const b = seededRandom(7);
    for (let i = 0; i < 50; i++) expect(sampleTraffic(spec, a)).toEqual(sampleTraffic(spec, b));
  });

  it('draws normal values as integers >= 1 around the mean', () => {
    const spec = parseTraffic('N(100,30)/(5,20)');
    const r = seededRandom(1);
    let sum = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const s = sampleTraffic(spec, r);
      expect(Number.isInteger(s.inputTokens) && s.inputTokens >= 1).toBe(true);
      expect(Number.isInteger(s.outputTokens) && s.outputTokens! >= 1).toBe(true);
      sum += s.inputTokens;
    }
    expect(sum / n).toBeGreaterThan(97);
    expect(sum / n).toBeLessThan(103);
  });

  it('draws uniform values within the inclusive bounds, reaching both ends', () => {
    const spec = parseTraffic('U(3,5)/(1,1)');
    const r = seededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const s = sampleTraffic(spec, r);
      seen.add(s.inputTokens);
      expect(s.outputTokens).toBe(1);
    }
    expect([...seen].sort()).toEqual([3, 4, 5]);
  });

  it('truncates a normal with a tiny mean without looping forever', () => {
    const r = seededRandom(5);
    for (let i = 0; i < 100; i++) expect(truncatedNormal(1, 100, r)).toBeGreaterThanOrEqual(1);
    expect(truncatedNormal(0.1, 0, r)).toBe(1);
  });

  it('leaves output undefined for embeddings, images and datasets', () => {
    const r = seededRandom(1);
    expect(sampleTraffic(parseTraffic('E(64)'), r)).toEqual({ inputTokens: 64, outputTokens: undefined });
    expect(sampleTraffic(parseTraffic('I(10,10)'), r).outputTokens).toBeUndefined();
  });

  it("parses GenAI Bench's rerank R(doc,query) and speech A(chars) forms", () => {
    expect(parseTraffic('R(128, 32)')).toEqual({ kind: 'rerank', text: 'R(128, 32)', documentTokens: 128, queryTokens: 32 });
    expect(parseTraffic('A(300)')).toEqual({ kind: 'speech', text: 'A(300)', chars: 300 });
    expect(sampleTraffic(parseTraffic('R(100,20)'), seededRandom(1))).toEqual({ inputTokens: 20, outputTokens: undefined });
    expect(() => parseTraffic('R(0,5)')).toThrow(/doc must be a whole number from 1/);
    expect(() => parseTraffic('A(1.5)')).toThrow(/chars must be a whole number/);
    expect(() => parseTraffic('r(1,2)')).toThrow(/R\(doc,query\).*upper case/);
  });
});
