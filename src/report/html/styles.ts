/** The report's stylesheet, inlined like everything else. */
export const REPORT_CSS = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --panel: #ffffff; --bg: #f8fafc;
  --pass: #15803d; --pass-bg: #dcfce7; --fail: #b91c1c; --fail-bg: #fee2e2; --warn: #b45309; --warn-bg: #fef3c7; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 28px 48px; }
header.run { display: flex; justify-content: space-between; align-items: flex-start; gap: 24px;
  padding-bottom: 18px; border-bottom: 1px solid var(--line); margin-bottom: 20px; }
header.run h1 { font-size: 22px; margin: 0 0 6px; font-weight: 650; word-break: break-all; }
header.run .brand { color: var(--muted); font-weight: 500; font-size: 13px; text-transform: uppercase; letter-spacing: .06em; }
dl.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; color: var(--muted); }
dl.meta div { display: flex; gap: 6px; }
dl.meta dt::after { content: ":"; }
dl.meta dd { margin: 0; color: var(--ink); font-variant-numeric: tabular-nums; }
.verdict { text-align: right; min-width: 220px; }
.badge { display: inline-block; padding: 5px 14px; border-radius: 999px; font-weight: 700; letter-spacing: .05em; font-size: 13px; }
.badge.passed, .pill.pass { background: var(--pass-bg); color: var(--pass); }
.badge.failed, .pill.fail { background: var(--fail-bg); color: var(--fail); }
.badge.interrupted { background: var(--warn-bg); color: var(--warn); }
.verdict ul { list-style: none; padding: 0; margin: 8px 0 0; color: var(--muted); font-size: 13px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin: 0 0 22px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; }
.card .sub { color: var(--muted); font-size: 12px; }
section { margin: 0 0 28px; }
h2 { font-size: 16px; margin: 0 0 10px; font-weight: 650; }
h3 { font-size: 14px; margin: 0 0 2px; font-weight: 600; }
h3.subsection { margin: 20px 0 8px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; }
.charts.three { grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); }
.chart { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px 8px; }
.chart .caption { color: var(--muted); font-size: 12px; margin: 0 0 4px; }
.chart .canvas { position: relative; height: 260px; }
.table-wrap { overflow-x: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 10px; }
.table-wrap.compact { display: inline-block; max-width: 100%; }
.table-wrap.compact table { width: auto; min-width: 520px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; text-align: right; white-space: nowrap; border-bottom: 1px solid var(--line); }
th { background: #f1f5f9; color: #334155; font-weight: 600; font-size: 12px; white-space: normal; vertical-align: bottom; }
th.text, td.text { text-align: left; }
td.wrap { white-space: normal; word-break: break-word; max-width: 560px; }
tr:last-child td { border-bottom: none; }
tr.total td { font-weight: 650; background: #f8fafc; }
td.bad { color: var(--fail); font-weight: 600; }
.names-warning { background: var(--warn-bg); color: var(--warn); border-radius: 10px; padding: 10px 14px; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; font-weight: 650; font-size: 12px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.muted { color: var(--muted); }
details summary { cursor: pointer; color: var(--muted); }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 12px; overflow-x: auto; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 12px; }
@media print { .chart .canvas { height: 220px; } main { padding: 0; } }
`;
