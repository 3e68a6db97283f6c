/** The dashboard's stylesheet, served as `assets/dashboard.css` (a module, so the compiled app carries it). */
export const DASHBOARD_CSS = String.raw`
:root {
  --bg: #f4f6fa; --panel: #ffffff; --ink: #172033; --muted: #5b6578; --line: #e3e7ef; --accent: #2563eb;
  --ok: #15803d; --ok-bg: #dcfce7; --warn: #a16207; --warn-bg: #fef3c7; --bad: #b91c1c; --bad-bg: #fee2e2;
  --info-bg: #e0e7ff; --info: #3730a3; --radius: 10px; --shadow: 0 1px 2px rgba(16, 24, 40, .06), 0 1px 3px rgba(16, 24, 40, .08);
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0 auto; max-width: 1280px; padding: 20px 24px 32px; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0; letter-spacing: -.01em; }
h2 { font-size: 15px; margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.top { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 12px 24px; }
.subtitle { margin: 4px 0 0; color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
.controls label { display: flex; gap: 6px; align-items: center; color: var(--muted); font-weight: 500; }
select, .button { font: inherit; color: var(--ink); background: var(--panel); border: 1px solid #cfd6e3; border-radius: 8px; padding: 6px 10px; }
.button { cursor: pointer; font-weight: 600; }
.button:hover, select:hover { border-color: var(--accent); }
.button:focus-visible, select:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
.status { margin: 10px 0 14px; color: var(--muted); font-size: 13px; min-height: 1.45em; }
.status .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--ok); vertical-align: 1px; }
.status.loading .dot { background: var(--accent); }
.status.failed .dot { background: var(--bad); }
.errors { margin: 0 0 14px; padding: 10px 14px; border: 1px solid #fca5a5; background: var(--bad-bg); color: #7f1d1d; border-radius: var(--radius); }
.errors ul { margin: 4px 0 0; padding-left: 18px; }
.errors strong { display: block; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 14px; margin-bottom: 14px; }
.card, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); }
.card { padding: 14px 16px; min-height: 140px; }
.card h2 { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; margin-bottom: 8px; }
.card .big { font-size: 17px; font-weight: 650; overflow-wrap: anywhere; margin: 0 0 4px; }
.card p { margin: 4px 0; }
.card ul { margin: 6px 0 0; padding-left: 18px; color: var(--muted); font-size: 13px; }
.muted { color: var(--muted); }
.small { font-size: 12.5px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0 4px; padding: 0; list-style: none; }
.chip { display: inline-flex; align-items: center; gap: 5px; padding: 2px 9px; border-radius: 999px; font-size: 12.5px; font-weight: 600; background: var(--ok-bg); color: var(--ok); }
.chip.off { background: var(--bad-bg); color: var(--bad); }
.chip.idle { background: #eef1f6; color: var(--muted); }
.chip .swatch { width: 8px; height: 8px; border-radius: 50%; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; font-size: 13px; text-transform: uppercase; letter-spacing: .04em; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.degraded, .badge.alerting, .badge.unknown, .badge.not-configured { background: var(--warn-bg); color: var(--warn); }
.badge.not-configured, .badge.unknown { background: var(--info-bg); color: var(--info); }
.badge.down, .badge.error, .badge.over-budget { background: var(--bad-bg); color: var(--bad); }
.leads { width: 100%; border-collapse: collapse; margin-top: 4px; }
.leads td { padding: 3px 0; border-bottom: 1px solid var(--line); }
.leads td.value { text-align: right; font-weight: 650; font-variant-numeric: tabular-nums; }
.leads td.when { color: var(--muted); font-size: 12.5px; padding-left: 10px; }
.meter { height: 8px; border-radius: 4px; background: #eef1f6; overflow: hidden; margin: 8px 0 4px; }
.meter > span { display: block; height: 100%; background: var(--accent); }
.panel { padding: 14px 16px 16px; margin-bottom: 14px; }
.panel-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; margin-bottom: 10px; }
.hint { margin: 0; color: var(--muted); font-size: 12.5px; }
.lead-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
.chart { margin: 0; min-width: 0; position: relative; }
.chart figcaption { display: flex; justify-content: space-between; gap: 8px; align-items: baseline; font-weight: 650; margin-bottom: 4px; }
.chart figcaption .score { font-weight: 500; color: var(--muted); font-size: 12.5px; font-variant-numeric: tabular-nums; }
.empty { display: flex; align-items: center; justify-content: center; min-height: 200px; border: 1px dashed #cfd6e3; border-radius: 8px; color: var(--muted); background: #fafbfd; text-align: center; padding: 16px; }
.table-wrap { overflow-x: auto; margin-top: 12px; }
table.sources { width: 100%; border-collapse: collapse; font-size: 13px; }
table.sources caption { text-align: left; font-weight: 650; padding-bottom: 6px; }
table.sources th { text-align: left; color: var(--muted); font-weight: 600; font-size: 12px; border-bottom: 1px solid var(--line); padding: 6px 10px 6px 0; }
table.sources td { border-bottom: 1px solid var(--line); padding: 6px 10px 6px 0; font-variant-numeric: tabular-nums; }
.timeline { display: flex; flex-direction: column; gap: 6px; }
.timeline .bar { display: flex; height: 22px; border-radius: 6px; overflow: hidden; background: #eef1f6; }
.timeline .bar > span { display: block; height: 100%; min-width: 2px; }
.timeline ul { list-style: none; margin: 6px 0 0; padding: 0; display: grid; gap: 4px; }
.timeline li { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.timeline .swatch { width: 10px; height: 10px; border-radius: 3px; display: inline-block; align-self: center; }
.foot { margin-top: 18px; color: var(--muted); font-size: 12.5px; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12.5px; }
.u-legend .u-marker { border-radius: 2px; }
@media (max-width: 640px) { body { padding: 14px; } .lead-charts { grid-template-columns: 1fr; } }
`;
