/** Pass/fail criteria on run metrics: docs/thresholds.md. */
export { parseThreshold, parseThresholds } from './parse.js';
export { evaluateThresholds, thresholdsToAbort } from './evaluate.js';
export { thresholdSpecSchema, thresholdsSchema, type ThresholdSpecInput } from './schema.js';
export { formatThresholdValue } from './format.js';
export { METRICS, type ThresholdView } from './catalog.js';
export { STATS, type Threshold, type Stat, type ComparisonOp, type MetricKind, type ValueUnit } from './threshold.js';
