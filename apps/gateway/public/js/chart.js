// SVG charts drawn with DOM APIs (no library, nothing inline): a time chart with labelled
// axes, lines or stacked areas, an optional threshold line and markers, and values on hover;
// and a horizontal bar chart. Sizes are in viewBox units; CSS scales the SVG to its box.

import { formatTime } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 800;
const MARGIN = { top: 16, right: 16, bottom: 28, left: 56 };
export const PALETTE = [
  '#3b6fd8',
  '#e8590c',
  '#2f9e44',
  '#ae3ec9',
  '#f08c00',
  '#1098ad',
  '#c2255c',
  '#5c940d',
  '#868e96',
];

function el(name, attributes = {}, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const pad = (n) => String(n).padStart(2, '0');

/** Time ticks on whole local minutes, hours or days, at most `count` of them. */
export function timeTicks(from, to, count = 8) {
  const span = to - from;
  const step = TIME_STEPS.find((s) => span / s <= count) ?? Math.ceil(span / count / DAY) * DAY;
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const ticks = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return { ticks, step };
}

function timeLabel(t, step) {
  const d = new Date(t);
  const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const date = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (step >= DAY) return date;
  return d.getHours() === 0 && d.getMinutes() === 0 ? `${date} ${clock}` : clock;
}

/** Round tick values covering [min, max]: 1, 2 or 5 times a power of ten apart. */
export function valueTicks(min, max, count = 5) {
  if (min === max) max = min + 1;
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

export function formatNumber(value) {
  if (value === null || value === undefined) return '–';
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * Draws series over time into `svg`.
 * series: [{ label, points: [{ at: ms, value: number|null }] }]; stacked: areas on top of each
 * other (the series share their times); threshold: a dashed line; markers: [{ at, label }]
 * drawn as triangles on the time axis. Hovering shows the values at the nearest time.
 */
export function drawTimeChart(
  svg,
  { series, from, to, stacked = false, threshold, markers = [], height = 240, unit = '' },
) {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  const plot = {
    x0: MARGIN.left,
    x1: WIDTH - MARGIN.right,
    y0: height - MARGIN.bottom,
    y1: MARGIN.top,
  };
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.at)))].sort(
    (a, b) => a - b,
  );
  const totals = times.map((t) =>
    series.reduce((sum, s) => sum + (s.points.find((p) => p.at === t)?.value ?? 0), 0),
  );
  const values = stacked
    ? totals
    : series.flatMap((s) => s.points.map((p) => p.value)).filter((v) => v !== null);
  if (threshold !== undefined) values.push(threshold);
  const yTicks = valueTicks(Math.min(0, ...values), Math.max(1, ...values));
  const yMin = yTicks[0];
  const yMax = yTicks[yTicks.length - 1];
  const x = (t) => plot.x0 + ((t - from) / Math.max(1, to - from)) * (plot.x1 - plot.x0);
  const y = (v) => plot.y0 - ((v - yMin) / (yMax - yMin)) * (plot.y0 - plot.y1);

  const axes = el('g', { class: 'axes' });
  for (const v of yTicks) {
    axes.append(el('line', { x1: plot.x0, x2: plot.x1, y1: y(v), y2: y(v), class: 'grid' }));
    axes.append(
      el(
        'text',
        { x: plot.x0 - 6, y: y(v) + 4, 'text-anchor': 'end' },
        `${formatNumber(v)}${unit}`,
      ),
    );
  }
  const { ticks, step } = timeTicks(from, to);
  for (const t of ticks) {
    axes.append(el('line', { x1: x(t), x2: x(t), y1: plot.y0, y2: plot.y0 + 4, class: 'tick' }));
    axes.append(
      el('text', { x: x(t), y: plot.y0 + 17, 'text-anchor': 'middle' }, timeLabel(t, step)),
    );
  }
  axes.append(el('line', { x1: plot.x0, x2: plot.x1, y1: plot.y0, y2: plot.y0, class: 'axis' }));
  svg.append(axes);

  if (stacked) {
    const base = times.map(() => 0);
    series.forEach((s, i) => {
      const top = times.map((t, k) => base[k] + (s.points.find((p) => p.at === t)?.value ?? 0));
      const upper = times.map((t, k) => `${x(t).toFixed(1)},${y(top[k]).toFixed(1)}`);
      const lower = times.map((t, k) => `${x(t).toFixed(1)},${y(base[k]).toFixed(1)}`).reverse();
      svg.append(
        el('polygon', {
          points: [...upper, ...lower].join(' '),
          fill: PALETTE[i % PALETTE.length],
          class: 'area',
          'data-series': s.label,
        }),
      );
      top.forEach((v, k) => (base[k] = v));
    });
  } else {
    series.forEach((s, i) => {
      // A null value is a gap (no data), not a zero.
      for (const run of runsOf(s.points)) {
        const points = run.map((p) => `${x(p.at).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
        const line =
          run.length === 1
            ? el('circle', {
                cx: x(run[0].at),
                cy: y(run[0].value),
                r: 2,
                fill: PALETTE[i % PALETTE.length],
              })
            : el('polyline', {
                points,
                fill: 'none',
                stroke: PALETTE[i % PALETTE.length],
                'stroke-width': 1.5,
              });
        line.setAttribute('data-series', s.label);
        svg.append(line);
      }
    });
  }

  if (threshold !== undefined) {
    svg.append(
      el('line', {
        x1: plot.x0,
        x2: plot.x1,
        y1: y(threshold),
        y2: y(threshold),
        class: 'threshold',
      }),
    );
    svg.append(
      el(
        'text',
        { x: plot.x1, y: y(threshold) - 4, 'text-anchor': 'end', class: 'threshold-label' },
        `threshold ${formatNumber(threshold)}`,
      ),
    );
  }
  for (const marker of markers) {
    const mx = x(marker.at);
    const triangle = el('polygon', {
      points: `${mx},${plot.y0 - 8} ${mx - 5},${plot.y0} ${mx + 5},${plot.y0}`,
      class: 'marker',
    });
    triangle.append(el('title', {}, marker.label));
    svg.append(
      el('line', { x1: mx, x2: mx, y1: plot.y1, y2: plot.y0, class: 'marker-line' }),
      triangle,
    );
  }
  if (series.length > 1)
    drawLegend(
      svg,
      series.map((s) => s.label),
      plot,
    );
  if (times.length > 0) addHover(svg, { series, times, totals, stacked, x, plot, unit });
}

function runsOf(points) {
  const runs = [];
  let run = [];
  for (const p of [...points].sort((a, b) => a.at - b.at)) {
    if (p.value === null || p.value === undefined) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push(p);
  }
  if (run.length) runs.push(run);
  return runs;
}

function drawLegend(svg, labels, plot) {
  const legend = el('g', { class: 'legend' });
  let offset = plot.x0;
  labels.forEach((label, i) => {
    legend.append(
      el('rect', { x: offset, y: 2, width: 10, height: 10, fill: PALETTE[i % PALETTE.length] }),
    );
    legend.append(el('text', { x: offset + 14, y: 11 }, label));
    offset += 24 + label.length * 6.5;
  });
  svg.append(legend);
}

/** A guide line and a box with the values at the time nearest the pointer. */
function addHover(svg, { series, times, totals, stacked, x, plot, unit }) {
  const guide = el('line', { y1: plot.y1, y2: plot.y0, class: 'hover-line', visibility: 'hidden' });
  const box = el('g', { class: 'hover-box', visibility: 'hidden' });
  const overlay = el('rect', {
    x: plot.x0,
    y: plot.y1,
    width: plot.x1 - plot.x0,
    height: plot.y0 - plot.y1,
    class: 'hover-area',
  });
  svg.append(guide, box, overlay);
  const hide = () => {
    guide.setAttribute('visibility', 'hidden');
    box.setAttribute('visibility', 'hidden');
  };
  overlay.addEventListener('mouseleave', hide);
  overlay.addEventListener('mousemove', (event) => {
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(
      svg.getScreenCTM().inverse(),
    );
    let k = 0;
    for (let i = 1; i < times.length; i++) {
      if (Math.abs(x(times[i]) - point.x) < Math.abs(x(times[k]) - point.x)) k = i;
    }
    const t = times[k];
    const lines = [formatTime(t)];
    for (const s of series) {
      const p = s.points.find((q) => q.at === t);
      if (p)
        lines.push(`${s.label}: ${formatNumber(p.value)}${unit}${p.note ? ` (${p.note})` : ''}`);
    }
    if (stacked && series.length > 1) lines.push(`total: ${formatNumber(totals[k])}${unit}`);
    const gx = x(t);
    guide.setAttribute('x1', gx);
    guide.setAttribute('x2', gx);
    const width = 12 + 6.5 * Math.max(...lines.map((l) => l.length));
    const left = gx + width + 8 > plot.x1 ? gx - width - 8 : gx + 8;
    box.replaceChildren(el('rect', { x: 0, y: 0, width, height: 6 + lines.length * 14, rx: 3 }));
    lines.forEach((line, i) => box.append(el('text', { x: 6, y: 15 + i * 14 }, line)));
    box.setAttribute('transform', `translate(${left.toFixed(1)},${plot.y1 + 4})`);
    guide.setAttribute('visibility', 'visible');
    box.setAttribute('visibility', 'visible');
  });
}

/** Horizontal bars, largest first as given, each with its value; the value also on hover. */
export function drawBarChart(svg, items, { unit = '', width = WIDTH } = {}) {
  svg.replaceChildren();
  const row = 24;
  const height = Math.max(1, items.length) * row + 8;
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const labelWidth = Math.round(width / 3.5);
  const max = Math.max(1, ...items.map((i) => i.value));
  items.forEach((item, i) => {
    const top = 4 + i * row;
    const barWidth = (item.value / max) * (width - labelWidth - 60);
    const group = el('g', { class: 'bar', 'data-label': item.label });
    group.append(el('title', {}, `${item.label}: ${item.value}${unit}`));
    group.append(
      el(
        'text',
        { x: labelWidth - 8, y: top + 15, 'text-anchor': 'end' },
        truncate(item.label, Math.floor((labelWidth - 8) / 7)),
      ),
    );
    group.append(
      el('rect', {
        x: labelWidth,
        y: top + 2,
        width: barWidth.toFixed(1),
        height: row - 6,
        fill: PALETTE[0],
      }),
    );
    group.append(
      el('text', { x: labelWidth + barWidth + 6, y: top + 15 }, formatNumber(item.value)),
    );
    svg.append(group);
  });
  if (items.length === 0)
    svg.append(
      el(
        'text',
        { x: width / 2, y: 20, 'text-anchor': 'middle', class: 'empty' },
        'nothing in this range',
      ),
    );
}

const truncate = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
