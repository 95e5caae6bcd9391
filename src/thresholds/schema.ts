import * as z from 'zod';
import { thresholdFromSpec } from './parse.js';

/** One threshold as a config file writes it: an expression, or the object form that can abort the run. */
export const thresholdSpecSchema = z.union([
  z.string(),
  z.strictObject({
    threshold: z.string(),
    abortOnFail: z.boolean().optional(),
    /** Duration (`'10s'`, `'1m30s'`) or seconds; no abort before this much of the run. */
    delayAbortEval: z.union([z.string(), z.number().nonnegative()]).optional(),
  }),
]);

/**
 * The `thresholds` option: a list of specs, each expression also parsed, so a
 * config loader reports bad expressions with their path (`thresholds.2`) with the other problems.
 */
export const thresholdsSchema = z.array(thresholdSpecSchema).superRefine((specs, ctx) => {
  specs.forEach((spec, i) => {
    const r = thresholdFromSpec(spec, `thresholds[${i}]`);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', path: [i], message: r });
  });
});

export type ThresholdSpecInput = z.infer<typeof thresholdSpecSchema>;
