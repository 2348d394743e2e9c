/** The report's only stylesheet, inlined: the file must open offline, from a zip, in any browser. */
export const REPORT_CSS = `
:root {
  --ink: #1d2939; --muted: #667085; --line: #e4e7ec; --bg: #f2f4f7; --card: #ffffff;
  --brand: #0b2545; --brand-2: #13315c; --accent: #ffd200;
  --fail: #d92d20; --fail-bg: #fef3f2; --ok: #2c8a3e; --ok-bg: #ecfdf3; --warn: #b54708; --warn-bg: #fffaeb;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, .mono { font-family: var(--mono); font-size: 12.5px; }
.masthead { background: linear-gradient(120deg, var(--brand), var(--brand-2)); color: #fff; border-bottom: 4px solid var(--accent); }
.masthead .inner { max-width: 1120px; margin: 0 auto; padding: 22px 28px 20px; }
.brand { font-size: 12px; letter-spacing: .12em; text-transform: uppercase; opacity: .8; }
.masthead h1 { margin: 6px 0 6px; font-size: 24px; font-weight: 650; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.masthead .meta { font-size: 12.5px; opacity: .85; }
.badge { display: inline-block; padding: 3px 10px; border-radius: 999px; font-size: 12px; font-weight: 700; letter-spacing: .06em; }
.badge.failed { background: var(--fail); color: #fff; }
.badge.ok { background: var(--ok); color: #fff; }
.badge.cancelled, .badge.unfinished { background: #98a2b3; color: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 28px 8px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px; margin: 0 0 18px;
  box-shadow: 0 1px 2px rgba(16, 24, 40, .04); }
.card > h2 { margin: 0 0 12px; font-size: 16px; font-weight: 650; display: flex; align-items: baseline; gap: 10px; }
.card > h2 .sub { font-size: 12.5px; font-weight: 400; color: var(--muted); }
h3 { font-size: 13.5px; margin: 16px 0 6px; color: var(--ink); }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px 24px; margin: 0; }
.grid div { min-width: 0; }
.grid dt { font-size: 11.5px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.grid dd { margin: 2px 0 0; font-weight: 550; overflow-wrap: anywhere; }
.grid dd small { display: block; font-weight: 400; color: var(--muted); }
.symptom { border-left: 4px solid var(--fail); background: var(--fail-bg); padding: 12px 16px; border-radius: 6px; margin: 0 0 6px; }
.symptom.ok { border-color: var(--ok); background: var(--ok-bg); }
.symptom.cancelled, .symptom.unfinished { border-color: #98a2b3; background: #f2f4f7; }
.symptom .title { font-size: 17px; font-weight: 650; margin: 0; }
.symptom .code { font-family: var(--mono); font-size: 12px; color: var(--muted); }
.symptom p { margin: 6px 0 0; }
.note { background: var(--warn-bg); border: 1px solid #fedf89; color: var(--warn); padding: 8px 12px; border-radius: 6px; font-size: 13px; margin: 10px 0 0; }
ul.facts { margin: 4px 0 0; padding-left: 20px; }
ul.facts li { margin: 2px 0; }
ol.causes { list-style: none; margin: 6px 0 0; padding: 0; counter-reset: cause; }
ol.causes > li { counter-increment: cause; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 10px 52px; margin: 0 0 10px; position: relative; }
ol.causes > li::before { content: counter(cause); position: absolute; left: 14px; top: 11px; width: 26px; height: 26px; border-radius: 50%;
  background: #f2f4f7; color: var(--ink); font-weight: 700; text-align: center; line-height: 26px; font-size: 13px; }
ol.causes > li.high { border-color: #fda29b; background: #fffbfa; }
ol.causes > li.high::before { background: var(--fail); color: #fff; }
.cause-head { display: flex; align-items: baseline; gap: 8px; flex-wrap: wrap; }
.cause-head strong { font-size: 14.5px; }
.cause-head code { color: var(--muted); font-size: 11.5px; }
.pill { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; padding: 1px 8px; border-radius: 999px; }
.pill.high { background: var(--fail); color: #fff; }
.pill.medium { background: #fef0c7; color: var(--warn); }
.pill.low { background: #f2f4f7; color: var(--muted); }
.label { font-size: 11.5px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 8px 0 2px; }
ol.checks { margin: 2px 0 0; padding-left: 20px; }
ol.checks li { margin: 2px 0; }
figure { margin: 0; }
.timeline-svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 6px; }
/* wide tables scroll inside their card instead of widening the page */
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); font-weight: 600;
  border-bottom: 1px solid var(--line); padding: 6px 8px; white-space: nowrap; }
td { border-bottom: 1px solid #f2f4f7; padding: 6px 8px; vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: none; }
.result { font-weight: 650; white-space: nowrap; }
.result.ok { color: var(--ok); } .result.bad { color: var(--fail); } .result.muted { color: var(--muted); }
table.kv th { width: 190px; text-transform: none; letter-spacing: 0; font-size: 13px; color: var(--muted); font-weight: 500; vertical-align: top; }
table.kv td small { color: var(--muted); display: block; }
details { margin-top: 8px; }
details > summary { cursor: pointer; color: var(--brand-2); font-weight: 600; font-size: 13px; }
pre { background: #f8f9fb; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow: auto; font-size: 12px; line-height: 1.45; max-height: 420px; }
.events td:first-child { white-space: nowrap; font-variant-numeric: tabular-nums; color: var(--muted); }
.events tr.error td { color: var(--fail); }
.events .type { font-family: var(--mono); font-size: 11.5px; color: var(--muted); white-space: nowrap; }
.muted { color: var(--muted); }
footer { max-width: 1120px; margin: 0 auto; padding: 4px 28px 28px; font-size: 12px; color: var(--muted); }
@media print {
  body { background: #fff; }
  .masthead { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); }
  .card { box-shadow: none; break-inside: avoid; }
  details { display: none; }
}
`;
