import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeXml, jsonForScript } from '../../../src/report/markup-escape.js';
import { html, trusted } from '../../../src/report/html/safe-html.js';

describe('markup escaping', () => {
  it('escapes HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('escapes every interpolation of the html tag unless trusted', () => {
    const name = '<img src=x onerror=alert(1)>';
    expect(html`<td>${name}</td>${trusted('<br>')}${[1, '<', null]}`.value).toBe('<td>&lt;img src=x onerror=alert(1)&gt;</td><br>1&lt;');
  });

  it('keeps JSON from closing its script element', () => {
    const text = jsonForScript({ name: '</script><script>alert(1)</script>\u2028' });
    expect(text).not.toContain('</');
    expect(JSON.parse(text)).toEqual({ name: '</script><script>alert(1)</script>\u2028' });
  });

  it('drops characters XML cannot hold', () => {
    expect(escapeXml('a\u0000b\u001Fc\td\n')).toBe('abc&#9;d&#10;');
  });
});
