import * as z from 'zod';
import { parseDurationMs } from '../../util/duration.js';
import { formatRate, parseRatePerSec } from '../rate.js';

// The zod schemas of the load-model keys that executors share; each executor
// file (./constant-users.ts …) says which of them it takes.

export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like 90s, 5m or 1h, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});

/** An arrival rate: '50/s', '3000/m', '1/2s', or a number per second; parsed to arrivals per second. */
export const ratePerSec = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = parseRatePerSec(v);
  if (r === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a rate like 50/s, 3000/m or 1/2s, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return r;
});

const stage = z.object({ duration, users: z.number().int().min(0).optional(), rate: ratePerSec.optional() }).strict();

/** `'30s:100,1m:100,30s:0'` (users) or `'1m:50/s,30s:0/s'` (rates), as k6's --stage. */
function parseStageList(text: string): Array<{ duration: string | number; users?: number; rate?: string | number }> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const i = s.indexOf(':');
      const d = i === -1 ? s : s.slice(0, i);
      const target = i === -1 ? '' : s.slice(i + 1).trim();
      if (target.includes('/')) return { duration: d, rate: target };
      return { duration: d, users: target === '' || !/^\d+$/.test(target) ? (target as unknown as number) : Number(target) };
    });
}

/** A ramp of users (ramping-users) or of arrival rates (ramping-arrival-rate); which, the stages say. */
export const stages = z.preprocess((v) => (typeof v === 'string' ? parseStageList(v) : v), z.array(stage));
export type StageInput = z.output<typeof stage>;

/** The keys every open (arrival-rate) model takes. */
export const openModelKeys = {
  arrivals: z.enum(['uniform', 'poisson']),
  burstiness: z.number().positive(),
  maxUsers: z.number().int().positive(),
  preAllocatedUsers: z.number().int().min(0),
};

/** The key every closed model takes: HdrHistogram's correction for paced users. */
export const closedModelKeys = {
  correctCoordinatedOmission: z.boolean(),
};

export { formatRate };
