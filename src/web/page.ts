import { chartJsSource } from '../report/html/chartjs-source.js';
import { CLIENT_SCRIPT } from '../report/html/client-script.js';
import { html, trusted } from '../report/html/safe-html.js';
import { REPORT_CSS } from '../report/html/styles.js';
import { PAGE_SCRIPT } from './page-script.js';

/** What the live page adds to the report's stylesheet: the control bar and the state badge. */
const PAGE_CSS = `
form.controls { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 10px 14px; background: var(--panel);
  border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; margin: 0 0 18px; }
form.controls label { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
form.controls input { font: inherit; color: var(--ink); padding: 5px 8px; border: 1px solid #cbd5e1; border-radius: 6px; width: 110px; }
form.controls input.wide { width: 230px; }
form.controls input:disabled { background: #f1f5f9; color: var(--muted); }
form.controls .buttons { display: flex; gap: 8px; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #cbd5e1; background: #fff; color: var(--ink); cursor: pointer; }
button.primary { background: #2563eb; border-color: #2563eb; color: #fff; }
button.danger { color: var(--fail); border-color: #fca5a5; }
button:disabled { opacity: .45; cursor: default; }
button.sort { border: none; background: none; padding: 0; font: inherit; font-weight: 600; color: inherit; }
.badge.state-ready, .badge.state-starting { background: #e0e7ff; color: #3730a3; }
.badge.state-running { background: var(--pass-bg); color: var(--pass); }
.badge.state-stopping { background: var(--warn-bg); color: var(--warn); }
.badge.state-done { background: #e2e8f0; color: #334155; }
.badge.state-failed { background: var(--fail-bg); color: var(--fail); }
.message { margin: -8px 0 12px; color: var(--muted); }
.message:empty { display: none; }
.message.bad { color: var(--fail); font-weight: 600; }
.warning { background: var(--warn-bg); color: var(--warn); border-radius: 10px; padding: 10px 14px; margin: 0 0 18px; font-weight: 600; }
#downloads ul { display: flex; gap: 16px; list-style: none; padding: 0; margin: 6px 0 0; }
.endpoints-wrap { max-height: 560px; overflow: auto; }
.endpoints-wrap th { position: sticky; top: 0; }
/* Fixed layout: a 200-row table is not measured afresh every second. */
#endpoints { table-layout: fixed; }
#endpoints th:nth-child(1) { width: 70px; }
#endpoints th:nth-child(2) { width: 30%; }
#endpoints td { overflow: hidden; text-overflow: ellipsis; }
`;

/**
 * The live page: the report's stylesheet and Chart.js (inlined, nothing from the
 * network), the controls, and empty sections the script fills from the stream.
 * Every inline script and style carries the response's CSP nonce.
 */
export function renderPage(p: { nonce: string; scenario: string }): string {
  const n = p.nonce;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.scenario} · Volley live</title>
<link rel="icon" href="data:,">
<style nonce="${n}">${trusted(REPORT_CSS)}${trusted(PAGE_CSS)}</style>
</head>
<body>
<main>
<header class="run">
  <div><div class="brand">Volley · live</div><h1>${p.scenario}</h1></div>
  <div class="verdict"><span id="state" class="badge state-ready" role="status" aria-label="Run state">ready</span></div>
</header>
<form id="controls" class="controls" aria-label="Run controls">
  <label for="f-users">Users<input id="f-users" name="users" type="number" min="0" step="1" inputmode="numeric"></label>
  <label for="f-spawn">Spawn rate<input id="f-spawn" name="spawnRate" type="number" min="0" step="any" inputmode="decimal"></label>
  <label for="f-rate">Rate<input id="f-rate" name="rate" type="text" placeholder="e.g. 50/s"></label>
  <label for="f-host">Host<input id="f-host" name="host" type="text" class="wide" placeholder="http://127.0.0.1:8080"></label>
  <label for="f-duration">Duration<input id="f-duration" name="duration" type="text" placeholder="e.g. 5m"></label>
  <div class="buttons">
    <button type="button" id="b-start" class="primary">Start</button>
    <button type="button" id="b-apply" disabled>Apply</button>
    <button type="button" id="b-stop" class="danger" disabled>Stop</button>
    <button type="button" id="b-reset" disabled>Reset stats</button>
  </div>
</form>
<p id="message" class="message" role="alert"></p>
<div id="warning" class="warning" role="status" hidden></div>
<section id="downloads" hidden><h2>Results</h2><span id="exit" class="muted"></span><ul></ul></section>
<div id="cards" class="cards"></div>
<section id="thresholds" hidden><h2>Thresholds</h2><div class="body"></div></section>
<section><h2>Over time</h2><div id="charts" class="charts three"></div></section>
<section><h2>Endpoints <span id="endpoint-count" class="muted"></span></h2>
  <div class="table-wrap endpoints-wrap"><table id="endpoints" aria-label="Endpoints"><thead></thead><tbody></tbody></table></div></section>
<section id="stages" hidden><h2>Sweep stages</h2><div class="body"></div></section>
<section id="llm" hidden><h2>LLM</h2><p id="llm-rates" class="muted"></p><div class="body"></div></section>
<section id="llm-names" hidden><h2>LLM by request name</h2><div class="body"></div></section>
<section id="failures"><h2>Failures</h2><div class="body"><p class="muted">No failures.</p></div></section>
<section id="checks" hidden><h2>Checks</h2><div class="body"></div></section>
<section id="health" hidden><h2>Load generator</h2><div class="body"></div></section>
</main>
<script nonce="${n}" type="application/json" id="volley-charts">[]</script>
<script nonce="${n}">${trusted(chartJsSource())}</script>
<script nonce="${n}">${trusted(CLIENT_SCRIPT)}</script>
<script nonce="${n}">${trusted(PAGE_SCRIPT)}</script>
</body>
</html>
`.value;
}
