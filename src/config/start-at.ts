import { UserError } from '../errors.js';

/**
 * Parses `--start-at`: an ISO 8601 time with a zone (`2025-06-01T12:00:00Z`,
 * `…+02:00`). A time without a zone is refused, since every instance would
 * read it in its own zone.
 */
export function parseStartAt(text: string): Date {
  const t = text.trim();
  const hint = 'give an ISO time with a zone, e.g. --start-at 2025-06-01T12:00:00Z (date -u -d "+1 min" +%FT%TZ prints one)';
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    throw new UserError(`--start-at "${text}": expected an ISO 8601 time with a zone (Z or ±hh:mm)`, hint, 'E_START_AT');
  }
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new UserError(`--start-at "${text}": not a valid time`, hint, 'E_START_AT');
  return d;
}
