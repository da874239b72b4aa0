// The live rate chart: requests per second per bucket against each bucket's limit, on a canvas.
const SERIES = [
  { bucket: 'read', label: 'reads/s', color: '#2563eb' },
  { bucket: 'write', label: 'lifecycle writes/s', color: '#ea580c' },
  { bucket: 'list', label: 'lists/s', color: '#059669' },
];

export class RateChart {
  constructor(canvas, keep = 120) {
    this.canvas = canvas;
    this.keep = keep;
    this.points = [];
  }

  add(points) {
    if (!points?.length) return;
    this.points.push(...points);
    if (this.points.length > this.keep) this.points.splice(0, this.points.length - this.keep);
    this.draw();
  }

  draw() {
    const c = this.canvas;
    const ratio = window.devicePixelRatio || 1;
    const width = c.clientWidth || 640;
    const height = c.clientHeight || 180;
    if (c.width !== Math.round(width * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
    }
    const g = c.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const pad = { left: 44, right: 8, top: 10, bottom: 20 };
    const w = width - pad.left - pad.right;
    const hgt = height - pad.top - pad.bottom;
    const active = SERIES.filter((s) => this.points.some((p) => p.perSecond[s.bucket] > 0));
    let max = 1;
    for (const p of this.points)
      for (const s of active) max = Math.max(max, p.perSecond[s.bucket], p.limitPerSecond[s.bucket] ?? 0);
    max = niceCeil(max * 1.1);
    const n = Math.max(this.keep, 2);
    const x = (i) => pad.left + (w * (i + (n - this.points.length))) / (n - 1);
    const y = (v) => pad.top + hgt - (hgt * v) / max;
    // Axes and grid.
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#64748b';
    g.strokeStyle = '#e2e8f0';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4;
      g.beginPath();
      g.moveTo(pad.left, y(v));
      g.lineTo(pad.left + w, y(v));
      g.stroke();
      g.fillText(String(Math.round(v * 10) / 10), 4, y(v) + 4);
    }
    g.fillText(`last ${this.keep} s`, pad.left, height - 4);
    for (const s of active) {
      // The bucket's limit: dashed.
      const limits = this.points.map((p) => p.limitPerSecond[s.bucket]);
      if (limits.some((l) => l !== null && l !== undefined)) {
        g.setLineDash([5, 4]);
        g.strokeStyle = s.color;
        g.globalAlpha = 0.55;
        this.line(g, limits, x, y);
        g.setLineDash([]);
        g.globalAlpha = 1;
      }
      g.strokeStyle = s.color;
      g.fillStyle = s.color;
      g.lineWidth = 2;
      const values = this.points.map((p) => p.perSecond[s.bucket]);
      this.line(g, values, x, y);
      if (values.length < 4) values.forEach((v, i) => g.fillRect(x(i) - 2.5, y(v) - 2.5, 5, 5));
      g.lineWidth = 1;
    }
  }

  line(g, values, x, y) {
    g.beginPath();
    let started = false;
    values.forEach((v, i) => {
      if (v === null || v === undefined) return (started = false);
      if (started) g.lineTo(x(i), y(v));
      else g.moveTo(x(i), y(v));
      started = true;
    });
    g.stroke();
  }
}

export function legend() {
  const el = document.createElement('p');
  el.className = 'legend';
  for (const s of SERIES) {
    const key = document.createElement('span');
    key.className = `key key-${s.bucket}`;
    key.textContent = s.label;
    el.append(key);
  }
  const dashed = document.createElement('span');
  dashed.className = 'key key-limit';
  dashed.textContent = "dashed: the bucket's limit";
  el.append(dashed);
  return el;
}

function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
