import * as z from 'zod';
import { parseDurationMs } from '../util/duration.js';
import { parseRatePerSec } from '../config/rate.js';

const users = z.number({ error: 'expected a whole number of users' }).int('expected a whole number of users').min(0, 'expected 0 or more users');
const spawnRate = z.number({ error: 'expected users per second, a number' }).positive('expected users per second above 0');
const rate = z
  .union([z.string(), z.number()], { error: 'expected a rate such as "50/s" or a number per second' })
  .refine((v) => (parseRatePerSec(v) ?? 0) > 0, 'expected a rate above 0 such as "50/s", "3000/m" or a number per second');

/** What the page's Start form sends (POST /api/start); every field may be left out to keep the CLI's value. */
export const StartBody = z
  .object({
    users: users.optional(),
    spawnRate: spawnRate.optional(),
    rate: rate.optional(),
    host: z
      .string({ error: 'expected a URL such as http://127.0.0.1:8080' })
      .refine((v) => v === '' || v === 'mock' || /^https?:\/\/[^\s/]+/.test(v), 'expected a URL such as http://127.0.0.1:8080')
      .optional(),
    duration: z
      .string({ error: 'expected a duration such as "30s" or "5m"' })
      .refine((v) => v === '' || parseDurationMs(v) !== undefined, 'expected a duration such as "30s", "5m" or "1h"')
      .optional(),
  })
  .strict();
export type StartForm = z.infer<typeof StartBody>;

/** POST /api/users: a closed model's new user count. */
export const UsersBody = z.object({ users, spawnRate: spawnRate.optional() }).strict();

/** POST /api/rate: an open model's new arrival rate. */
export const RateBody = z.object({ rate }).strict();

/** POST /api/stop: an optional reason, recorded with the run. */
export const StopBody = z.object({ reason: z.string().max(200).optional() }).strict();

/** One line naming every field that is wrong: `users: expected a whole number of users; host: …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const field = i.path.join('.');
      if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}`;
      return field ? `${field}: ${i.message}` : i.message;
    })
    .join('; ');
}
