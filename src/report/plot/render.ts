import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import type { VegaLiteSpec } from './chart-specs.js';

/** PNGs are drawn at twice the SVG's size: sharp on high-density screens and in slides. */
export const PNG_SCALE = 2;

/**
 * A Vega-Lite spec as SVG, rendered in Node by Vega's headless view (no
 * browser, no canvas: text is measured by Vega's estimate).
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const vega = compile(spec as unknown as Parameters<typeof compile>[0]).spec;
  const view = new View(parse(vega), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The SVG rasterized by resvg. It draws text only with fonts it can load:
 * the system's (DejaVu Sans on Debian, fonts-dejavu-core), with it as the
 * default for any family the SVG names that the system lacks.
 */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PNG_SCALE },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
