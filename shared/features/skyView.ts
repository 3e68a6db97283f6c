import type { CameraMask } from '../config/cameraSchema';

/** A picture reduced to the n x n analysis grid, with the size it had. */
export interface AnalysisGrid {
  /** Row-major pixels, `channels` bytes each (red, green, blue first). */
  data: Buffer;
  n: number;
  channels: number;
  /** The original picture's size in pixels: the grid squeezes it, the geometry below keeps its proportions. */
  width: number;
  height: number;
}

/** The part of the grid that shows the sky, and where its centre is. */
export interface SkyView {
  /** 1 where the grid cell shows sky, row by row. */
  inside: Uint8Array;
  /** The sky's centre, in original pixels from the top-left corner. */
  cx: number;
  cy: number;
  /** The sky's diameter, in original pixels: the fisheye circle's, or the frame's shorter side. */
  diameter: number;
  /** Where the mask came from: the whole frame, a configured circle, a circle found in the picture, or the default one. */
  kind: 'frame' | 'configured' | 'found' | 'default';
}

/** Options of skyView's search for a fisheye circle. */
export interface SkyViewOptions {
  /** A pixel whose brightest channel is below this (0-255) is dark: outside the lens, or night. */
  darkLevel: number;
}

/** Share of a corner's cells that must be dark for it to be part of a fisheye's black rim. */
const DARK_RIM_SHARE = 0.9;
/** Corner cells: beyond this radius of the ellipse inscribed in the frame (outside any circle the frame holds). */
const CORNER_RADIUS = 1.2;
/** A found circle smaller than this share of the shorter side is no fisheye picture: night, or a bright patch. */
const MIN_FOUND_RADIUS = 0.25;
/** Share of the frame that must be lit to look for a circle at all. */
const MIN_LIT_SHARE = 0.1;

/**
 * Which pixels show the sky. `none`: the whole frame. A circle: that circle. `auto`: a fisheye all-sky camera
 * shows the sky in a circle with black corners around it, so when at least three of the frame's corners are (almost
 * all) dark (the fourth may carry a caption) the circle is the extent of the lit cells between them, in rows and
 * columns with a few of them (a stray hot pixel does not widen it); when the corners are lit (a top-down view, a
 * rectangular crop) the sky is the whole frame; when they are dark and nothing else is lit either (night) there is
 * nothing to find, and the sky is the circle inscribed in the frame. A circle's mask keeps a grid cell inside its
 * edge, where the reduced picture blends sky and rim.
 */
export function skyView(grid: AnalysisGrid, mask: CameraMask, options: SkyViewOptions): SkyView {
  const { width: w, height: h } = grid;
  const short = Math.min(w, h);
  if (mask === 'none') return frame(grid);
  if (mask !== 'auto')
    return circle(grid, mask.centerX * w, mask.centerY * h, mask.radius * short, edgeMargin(grid), 'configured');
  const { n } = grid;
  const brightest = brightestChannels(grid);
  const corner = cornerCells(n);
  // Per corner (1-4, clockwise from the top left): its cells, and the dark ones among them.
  const cells = [0, 0, 0, 0, 0];
  const dark = [0, 0, 0, 0, 0];
  const lit: number[] = [];
  for (let i = 0; i < n * n; i++) {
    const v = brightest[i] as number;
    const c = corner[i] as number;
    if (c > 0) {
      cells[c] = (cells[c] as number) + 1;
      if (v < options.darkLevel) dark[c] = (dark[c] as number) + 1;
    } else if (v >= options.darkLevel) {
      lit.push(v);
    }
  }
  let darkCorners = 0;
  for (let c = 1; c <= 4; c++)
    if ((cells[c] as number) > 0 && (dark[c] as number) >= DARK_RIM_SHARE * (cells[c] as number)) darkCorners++;
  // Three dark corners make a rim: the fourth may carry a caption or a logo.
  if (darkCorners < 3) return frame(grid);
  const fallback = (): SkyView => circle(grid, w / 2, h / 2, short / 2, 0, 'default');
  if (lit.length < MIN_LIT_SHARE * n * n) return fallback();
  // A cell on the circle's edge blends sky and rim: it counts when it is at least half as bright as the typical
  // sky cell, that is when the circle covers about half of it, so the extent is the circle's own.
  const level = Math.max(options.darkLevel, median(lit) / 2);
  const cols = new Array<number>(n).fill(0);
  const rows = new Array<number>(n).fill(0);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x;
      if (corner[i] !== 0 || (brightest[i] as number) < level) continue;
      cols[x] = (cols[x] as number) + 1;
      rows[y] = (rows[y] as number) + 1;
    }
  }
  const minCells = Math.max(2, Math.round(n / 16));
  const xs = extent(cols, minCells);
  const ys = extent(rows, minCells);
  if (!xs || !ys) return fallback();
  const halfW = ((xs[1] - xs[0] + 1) / 2 / n) * w;
  const halfH = ((ys[1] - ys[0] + 1) / 2 / n) * h;
  const radius = Math.max(halfW, halfH);
  if (radius < MIN_FOUND_RADIUS * short) return fallback();
  const cx = ((xs[0] + xs[1] + 1) / 2 / n) * w;
  return circle(grid, cx, ((ys[0] + ys[1] + 1) / 2 / n) * h, radius, edgeMargin(grid), 'found');
}

/** The cells along a circle's edge are part rim, and a found circle is known to a cell: the mask keeps a cell in. */
function edgeMargin({ width, height, n }: AnalysisGrid): number {
  return Math.max(width, height) / n;
}

/** The brightest channel of each grid cell. */
function brightestChannels({ data, n, channels }: AnalysisGrid): Uint8Array {
  const out = new Uint8Array(n * n);
  for (let i = 0; i < n * n; i++) {
    const p = i * channels;
    out[i] = Math.max(data[p] as number, data[p + 1] as number, data[p + 2] as number);
  }
  return out;
}

/** For the cells beyond CORNER_RADIUS of the ellipse inscribed in the frame, their corner (1-4, clockwise from the top left); 0 elsewhere. */
function cornerCells(n: number): Uint8Array {
  const out = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    const v = ((y + 0.5) / n) * 2 - 1;
    for (let x = 0; x < n; x++) {
      const u = ((x + 0.5) / n) * 2 - 1;
      if (u * u + v * v > CORNER_RADIUS * CORNER_RADIUS) out[y * n + x] = v < 0 ? (u < 0 ? 1 : 2) : u < 0 ? 4 : 3;
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The first and last index whose count reaches `min`, or undefined. */
function extent(counts: readonly number[], min: number): [number, number] | undefined {
  const first = counts.findIndex((c) => c >= min);
  if (first < 0) return undefined;
  let last = counts.length - 1;
  while ((counts[last] as number) < min) last--;
  return [first, last];
}

function frame(grid: AnalysisGrid): SkyView {
  return {
    inside: new Uint8Array(grid.n * grid.n).fill(1),
    cx: grid.width / 2,
    cy: grid.height / 2,
    diameter: Math.min(grid.width, grid.height),
    kind: 'frame',
  };
}

/** The cells whose centres lie `margin` inside the circle (centre, radius and margin in original pixels). */
function circle(
  grid: AnalysisGrid,
  cx: number,
  cy: number,
  radius: number,
  margin: number,
  kind: SkyView['kind'],
): SkyView {
  const { n, width: w, height: h } = grid;
  const inside = new Uint8Array(n * n);
  for (let y = 0; y < n; y++) {
    const dy = ((y + 0.5) / n) * h - cy;
    for (let x = 0; x < n; x++) {
      const dx = ((x + 0.5) / n) * w - cx;
      if (dx * dx + dy * dy <= (radius - margin) ** 2) inside[y * n + x] = 1;
    }
  }
  return { inside, cx, cy, diameter: 2 * radius, kind };
}
