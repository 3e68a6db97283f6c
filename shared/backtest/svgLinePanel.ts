/** One line of a panel. */
export interface PanelSeries {
  name: string;
  color: string;
  /** One per x; null leaves a break in the line. */
  values: (number | null)[];
  /** Dashed (references such as persistence). */
  dashed?: boolean;
  /** Draw a dot at every point (few points, such as leads). */
  markers?: boolean;
}

/** A line chart panel. */
export interface LinePanel {
  /** Top-left corner and size in the SVG, px. */
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  xValues: number[];
  /** Text of an x tick. */
  xLabel: (x: number) => string;
  /** The x values that get a tick. */
  xTicks: number[];
  yLabel: string;
  series: PanelSeries[];
  /** A horizontal reference line (e.g. skill 0). */
  zeroLine?: boolean;
}

const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

/** The SVG of one panel: axes, grid, ticks, lines and a legend. Our own few lines, so no chart library is needed. */
export function svgLinePanel(p: LinePanel): string {
  // The legend wraps under the plot: lay it out first, so the plot leaves it room.
  const legendWidth = p.width - 100;
  const legend: { s: PanelSeries; dx: number; row: number }[] = [];
  let dx = 0;
  let rowNo = 0;
  for (const s of p.series) {
    const w = 34 + s.name.length * 6.6;
    if (dx > 0 && dx + w > legendWidth) {
      dx = 0;
      rowNo++;
    }
    legend.push({ s, dx, row: rowNo });
    dx += w;
  }
  const plot = { x: p.x + 64, y: p.y + 30, w: p.width - 100, h: p.height - 30 - 46 - 16 * (rowNo + 1) };
  const all = p.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  let lo = all.length > 0 ? Math.min(...all) : 0;
  let hi = all.length > 0 ? Math.max(...all) : 1;
  if (p.zeroLine) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (hi - lo < 1e-9) {
    hi += 1;
    lo -= 1;
  }
  const tick = niceStep((hi - lo) / 5);
  // The top rounds up to a tick; the bottom keeps a small margin under the data instead of a whole empty tick.
  hi = Math.ceil(hi / tick) * tick;
  lo = Math.abs(lo / tick - Math.round(lo / tick)) < 1e-9 ? lo : lo - 0.03 * (hi - lo);
  const x0 = p.xValues[0] ?? 0;
  const x1 = p.xValues[p.xValues.length - 1] ?? 1;
  const sx = (x: number): number => plot.x + (x1 === x0 ? plot.w / 2 : ((x - x0) / (x1 - x0)) * plot.w);
  const sy = (y: number): number => plot.y + plot.h - ((y - lo) / (hi - lo)) * plot.h;
  const out: string[] = [];
  out.push(
    `<text x="${p.x + p.width / 2}" y="${p.y + 18}" text-anchor="middle" font-size="15" font-weight="bold" ${FONT}>${esc(p.title)}</text>`,
  );
  for (let v = Math.ceil(lo / tick - 1e-9) * tick; v <= hi + tick / 2; v += tick) {
    const y = sy(v).toFixed(1);
    out.push(`<line x1="${plot.x}" y1="${y}" x2="${plot.x + plot.w}" y2="${y}" stroke="#e3e3e3"/>`);
    out.push(
      `<text x="${plot.x - 6}" y="${y}" dy="4" text-anchor="end" font-size="11" ${FONT}>${esc(formatTick(v, tick))}</text>`,
    );
  }
  if (p.zeroLine && lo < 0)
    out.push(
      `<line x1="${plot.x}" y1="${sy(0).toFixed(1)}" x2="${plot.x + plot.w}" y2="${sy(0).toFixed(1)}" stroke="#888"/>`,
    );
  for (const x of p.xTicks) {
    const px = sx(x).toFixed(1);
    out.push(`<line x1="${px}" y1="${plot.y + plot.h}" x2="${px}" y2="${plot.y + plot.h + 4}" stroke="#444"/>`);
    out.push(
      `<text x="${px}" y="${plot.y + plot.h + 17}" text-anchor="middle" font-size="11" ${FONT}>${esc(p.xLabel(x))}</text>`,
    );
  }
  out.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="none" stroke="#444"/>`);
  out.push(
    `<text transform="translate(${p.x + 14},${plot.y + plot.h / 2}) rotate(-90)" text-anchor="middle" font-size="12" ${FONT}>${esc(p.yLabel)}</text>`,
  );
  for (const s of p.series) {
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      const x = p.xValues[i];
      if (v === null || !Number.isFinite(v) || x === undefined) {
        if ((segments[segments.length - 1] as string[]).length > 0) segments.push([]);
        return;
      }
      (segments[segments.length - 1] as string[]).push(`${sx(x).toFixed(1)},${sy(v).toFixed(1)}`);
      if (s.markers) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(v).toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    });
    for (const seg of segments) {
      if (seg.length > 1)
        out.push(
          `<polyline points="${seg.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${s.dashed ? 1.5 : 2}"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
        );
    }
  }
  for (const { s, dx: lx0, row } of legend) {
    const lx = plot.x + lx0;
    const ly = plot.y + plot.h + 40 + 16 * row;
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${lx + 27}" y="${ly}" font-size="11" ${FONT}>${esc(s.name)}</text>`);
  }
  return out.join('\n');
}

/** Colours that stay apart on white, for up to ten lines. */
export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function formatTick(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step)));
  return (Math.abs(v) < step / 1e6 ? 0 : v).toFixed(digits);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
