import { escapeHtml } from '../markup-escape.js';

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = SafeHtml | string | number | null | undefined | false | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

/**
 * Template tag for the report's markup: escaping is the default, so a user's
 * endpoint name can never become markup by a forgotten call.
 */
export function html(strings: TemplateStringsArray, ...parts: Part[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += render(parts[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Trusted markup, such as the inlined Chart.js build and our own CSS. */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);
