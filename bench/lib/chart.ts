/** A small SVG line chart: events per second over time for several series, against a limit line. */
export interface Series {
  label: string;
  /** Event timestamps in ms (any epoch). */
  times: number[];
}

const COLORS = ['#1f6feb', '#8250df', '#d1242f', '#bf8700', '#1a7f37', '#57606a'];

function perSecond(times: number[]): number[] {
  if (!times.length) return [];
  const t0 = Math.min(...times);
  const counts: number[] = [];
  for (const t of times) {
    const s = Math.floor((t - t0) / 1000);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return Array.from(counts, (c) => c ?? 0);
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function rateChartSvg(series: Series[], limitPerSecond: number, title: string): string {
  const W = 900;
  const H = 380;
  const pad = { l: 50, r: 20, t: 40, b: 90 };
  const data = series.map((s) => perSecond(s.times));
  const maxX = Math.max(10, ...data.map((d) => d.length));
  const maxY = Math.max(limitPerSecond * 1.5, ...data.flat());
  const x = (i: number) => pad.l + (i / maxX) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
  const lines = data.map((d, k) => {
    const pts = d.map((v, i) => `${x(i + 0.5).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="1.8" points="${pts}"/>`;
  });
  const legend = series.map((s, k) => `<g transform="translate(${pad.l + (k % 3) * 280},${H - 50 + Math.floor(k / 3) * 18})"><rect width="14" height="4" y="-4" fill="${COLORS[k % COLORS.length]}"/><text x="20" font-size="12">${esc(s.label)}</text></g>`);
  const ticksY = Array.from({ length: 6 }, (_, i) => (maxY / 5) * i).map((v) => `<text x="${pad.l - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(0)}</text><line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`);
  const ticksX = Array.from({ length: 7 }, (_, i) => Math.round((maxX / 6) * i)).map((v) => `<text x="${x(v)}" y="${H - pad.b + 16}" font-size="11" text-anchor="middle">${v}s</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${pad.l}" y="24" font-size="15" font-weight="bold">${esc(title)}</text>
${ticksY.join('\n')}
${ticksX.join('\n')}
<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(limitPerSecond)}" y2="${y(limitPerSecond)}" stroke="#000" stroke-dasharray="6 4"/>
<text x="${W - pad.r}" y="${y(limitPerSecond) - 6}" font-size="11" text-anchor="end">bucket limit ${limitPerSecond}/s</text>
${lines.join('\n')}
${legend.join('\n')}
</svg>
`;
}
