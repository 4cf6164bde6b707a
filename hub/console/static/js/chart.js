// A live time-series chart on a canvas, small on purpose: one line per
// numeric telemetry field, the last `windowMs` of points, axes scaled to
// what is shown, a legend. The canvas carries data-points (points held, all
// series) and data-series so that tests and people can read what it holds.

const MIN_SPAN_MS = 30 * 1000;
const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d"];

export class LiveChart {
  constructor(canvas, legend, { windowMs = 5 * 60 * 1000, maxPoints = 2000 } = {}) {
    this.canvas = canvas;
    this.legend = legend;
    this.windowMs = windowMs;
    this.maxPoints = maxPoints;
    this.series = new Map(); // field -> {color, points: [[t, v]]}
    this.total = 0;
    this.pending = false;
    this.resize = () => this.draw();
    window.addEventListener("resize", this.resize);
    this.update();
  }

  destroy() {
    window.removeEventListener("resize", this.resize);
  }

  // One telemetry record: every numeric top-level field of its payload.
  addRecord(record) {
    const payload = record.payload;
    if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return;
    for (const [field, value] of Object.entries(payload)) {
      if (typeof value !== "number" || !Number.isFinite(value)) continue;
      this.add(field, record.received_at_ms, value);
    }
  }

  add(field, t, value) {
    let series = this.series.get(field);
    if (!series) {
      series = { color: COLORS[this.series.size % COLORS.length], points: [] };
      this.series.set(field, series);
    }
    series.points.push([t, value]);
    if (series.points.length > this.maxPoints) series.points.shift();
    this.total++;
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.update();
    });
  }

  update() {
    let held = 0;
    for (const series of this.series.values()) held += series.points.length;
    this.canvas.dataset.points = String(held);
    this.canvas.dataset.received = String(this.total);
    this.canvas.dataset.series = [...this.series.keys()].join(",");
    this.legend.replaceChildren(
      ...[...this.series.entries()].map(([field, series]) => {
        const item = document.createElement("span");
        item.className = "legend-item";
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.backgroundColor = series.color;
        const last = series.points[series.points.length - 1];
        item.append(swatch, `${field} ${last ? formatValue(last[1]) : ""}`);
        return item;
      }),
    );
    this.draw();
  }

  draw() {
    const ratio = window.devicePixelRatio || 1;
    const width = this.canvas.clientWidth || 600;
    const height = this.canvas.clientHeight || 260;
    if (this.canvas.width !== Math.round(width * ratio)) this.canvas.width = Math.round(width * ratio);
    if (this.canvas.height !== Math.round(height * ratio)) this.canvas.height = Math.round(height * ratio);
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const pad = { left: 52, right: 12, top: 10, bottom: 24 };
    const plotWidth = width - pad.left - pad.right;
    const plotHeight = height - pad.top - pad.bottom;

    let newest = 0;
    let oldest = Infinity;
    for (const series of this.series.values()) {
      const last = series.points[series.points.length - 1];
      if (last && last[0] > newest) newest = last[0];
      if (series.points.length && series.points[0][0] < oldest) oldest = series.points[0][0];
    }
    g.font = "12px system-ui, sans-serif";
    g.fillStyle = "#6b7280";
    if (newest === 0) {
      g.fillText("waiting for telemetry…", pad.left + 8, pad.top + 20);
      return;
    }
    // The time axis spans what is held (at most the window, at least 30 s),
    // so that the first minute of data fills the chart instead of a sliver.
    const t1 = newest;
    const t0 = t1 - Math.min(this.windowMs, Math.max(t1 - oldest, MIN_SPAN_MS));
    let low = Infinity;
    let high = -Infinity;
    for (const series of this.series.values()) {
      for (const [t, v] of series.points) {
        if (t < t0) continue;
        low = Math.min(low, v);
        high = Math.max(high, v);
      }
    }
    if (low === high) {
      low -= 1;
      high += 1;
    }
    const margin = (high - low) * 0.05;
    low -= margin;
    high += margin;
    const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * plotWidth;
    const y = (v) => pad.top + (1 - (v - low) / (high - low)) * plotHeight;

    // Grid and labels: 5 values, 5 times.
    g.strokeStyle = "#e5e7eb";
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const value = low + ((high - low) * i) / 4;
      const py = Math.round(y(value)) + 0.5;
      g.beginPath();
      g.moveTo(pad.left, py);
      g.lineTo(width - pad.right, py);
      g.stroke();
      g.fillText(formatValue(value), 4, py + 4);
      const t = t0 + ((t1 - t0) * i) / 4;
      const label = new Date(t).toLocaleTimeString();
      g.fillText(label, Math.min(x(t) - 20, width - pad.right - 56), height - 6);
    }
    for (const series of this.series.values()) {
      g.strokeStyle = series.color;
      g.lineWidth = 2;
      g.beginPath();
      let started = false;
      for (const [t, v] of series.points) {
        if (t < t0) continue;
        if (started) g.lineTo(x(t), y(v));
        else g.moveTo(x(t), y(v));
        started = true;
      }
      g.stroke();
    }
  }
}

function formatValue(value) {
  const magnitude = Math.abs(value);
  if (magnitude >= 1000 || magnitude === 0) return String(Math.round(value));
  return value.toPrecision(3);
}
