// The GAN playground's canvas: draws the frames the server streams into this gr.HTML's value (a JSON text),
// and lets the mouse draw a target. Runs as the component's js_on_load: `element`, `props`, `watch`,
// `trigger` are Gradio's. Nothing here trains: every frame comes from the user's session on the server.
const plane = element.querySelector('.pg-plane');
const curves = element.querySelector('.pg-curves');
const pctx = plane.getContext('2d');
const cctx = curves.getContext('2d');
const heatCanvas = document.createElement('canvas');
const REAL = '#1b9e77', FAKE = '#7b3294', DRAWN = '#e66101';
const state = {data: null, queue: [], drawn: [], stroke: false, pending: false};
plane.__frames = [];                 // redraw times (performance.now()), read by tests and bench/browser.py

const layer = (name) => { const c = element.querySelector(`input[data-layer="${name}"]`); return !c || c.checked; };
const drawMode = () => element.querySelector('input[data-draw]').checked;

function toPx(x, y, ext) {           // plane coordinates -> canvas pixels (y up)
  return [(x + ext) / (2 * ext) * plane.width, (ext - y) / (2 * ext) * plane.height];
}
function fromPx(px, py, ext) {
  return [px / plane.width * 2 * ext - ext, ext - py / plane.height * 2 * ext];
}

function mix(a, b, t) { return Math.round(a + (b - a) * t); }
function drawHeat(d) {               // D's verdict: purple where D says "generated", green where it says "real"
  const n = d.heat_res;
  heatCanvas.width = n; heatCanvas.height = n;
  const hctx = heatCanvas.getContext('2d');
  const img = hctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const v = d.heat[i] / 255;
    const [r, g, b] = v < 0.5 ? [mix(123, 255, v * 2), mix(50, 255, v * 2), mix(148, 255, v * 2)]
                              : [mix(255, 27, v * 2 - 1), mix(255, 158, v * 2 - 1), mix(255, 119, v * 2 - 1)];
    img.data.set([r, g, b, 150], 4 * i);
  }
  hctx.putImageData(img, 0, 0);
  pctx.imageSmoothingEnabled = true;
  pctx.drawImage(heatCanvas, 0, 0, plane.width, plane.height);
}

function drawPoints(points, color, ext, size) {
  pctx.fillStyle = color;
  for (const [x, y] of points) { const [px, py] = toPx(x, y, ext); pctx.fillRect(px - size / 2, py - size / 2, size, size); }
}

function drawArrows(d, ext) {        // -dL_G/dx at each generated point, on a fixed scale (a stalled G shows none)
  pctx.strokeStyle = 'rgba(40, 40, 40, 0.75)'; pctx.lineWidth = 1;
  pctx.beginPath();
  const scale = 1.5, cap = 0.4;       // plane units per unit of gradient, longest arrow
  for (let i = 0; i < d.fake.length; i += 2) {   // every other point: enough to see the flow, not a thicket
    const [x, y] = d.fake[i]; let [gx, gy] = d.arrows[i];
    let len = Math.hypot(gx, gy) * scale;
    if (len < 1e-6) continue;
    const k = Math.min(len, cap) / len * scale;
    const [x0, y0] = toPx(x, y, ext), [x1, y1] = toPx(x + gx * k, y + gy * k, ext);
    pctx.moveTo(x0, y0); pctx.lineTo(x1, y1);
    const a = Math.atan2(y1 - y0, x1 - x0), h = Math.min(5, Math.hypot(x1 - x0, y1 - y0) / 2);
    pctx.lineTo(x1 - h * Math.cos(a - 0.5), y1 - h * Math.sin(a - 0.5));
    pctx.moveTo(x1, y1); pctx.lineTo(x1 - h * Math.cos(a + 0.5), y1 - h * Math.sin(a + 0.5));
  }
  pctx.stroke();
}

function drawManifold(d, ext) {      // G's image of a grid in noise space
  pctx.strokeStyle = 'rgba(90, 60, 160, 0.55)'; pctx.lineWidth = 1;
  pctx.beginPath();
  for (const line of d.manifold) {
    line.forEach(([x, y], i) => { const [px, py] = toPx(x, y, ext); i ? pctx.lineTo(px, py) : pctx.moveTo(px, py); });
  }
  pctx.stroke();
}

function drawPlane() {
  const d = state.data, ext = d ? d.extent : 3;
  pctx.fillStyle = '#fff'; pctx.fillRect(0, 0, plane.width, plane.height);
  if (d) {
    if (layer('heat')) drawHeat(d);
    pctx.strokeStyle = '#ddd'; pctx.beginPath();
    for (let v = -ext + 1; v < ext; v++) {
      const [a] = toPx(v, 0, ext), [, b] = toPx(0, v, ext);
      pctx.moveTo(a, 0); pctx.lineTo(a, plane.height); pctx.moveTo(0, b); pctx.lineTo(plane.width, b);
    }
    pctx.stroke();
    if (layer('manifold')) drawManifold(d, ext);
    if (layer('real')) drawPoints(d.real, REAL, ext, 4);
    if (layer('fake')) drawPoints(d.fake, FAKE, ext, 4);
    if (layer('arrows')) drawArrows(d, ext);
  }
  if (state.drawn.length) drawPoints(state.drawn, DRAWN, ext, 6);
}

// ---------------------------------------------------------------- curves and meters
function chart(y0, h, title, series, lo, hi, log) {
  const w = curves.width, left = 46, right = 8;
  cctx.fillStyle = '#222'; cctx.font = '14px sans-serif'; cctx.fillText(title, left, y0 + 14);
  const top = y0 + 22, bottom = y0 + h - 18;
  cctx.strokeStyle = '#bbb'; cctx.strokeRect(left, top, w - left - right, bottom - top);
  const xs = series.length ? series[0].x : [];
  if (!xs.length) return;
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const f = (v) => log ? Math.log10(Math.max(v, 1e-6)) : v;
  if (lo === null || hi === null) {
    const all = series.flatMap(s => s.y.filter(v => v !== null && isFinite(v)).map(f));
    lo = Math.min(...all); hi = Math.max(...all);
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-6) { lo -= 0.5; hi += 0.5; }
  } else { lo = f(lo); hi = f(hi); }
  cctx.fillStyle = '#555'; cctx.font = '12px sans-serif';
  const label = (v) => log ? (10 ** v).toPrecision(1) : (Math.abs(v) < 100 ? v.toFixed(2) : v.toPrecision(2));
  cctx.fillText(label(hi), 2, top + 10); cctx.fillText(label(lo), 2, bottom);
  cctx.fillText(String(x1), w - right - 40, bottom + 14); cctx.fillText('step', left, bottom + 14);
  cctx.font = '14px sans-serif';
  let lx = left + cctx.measureText(title).width + 16;
  cctx.font = '12px sans-serif';
  for (const s of series) {
    cctx.strokeStyle = s.color; cctx.lineWidth = 2; cctx.beginPath();
    let started = false;
    s.x.forEach((x, i) => {
      const v = s.y[i];
      if (v === null || !isFinite(v)) { started = false; return; }
      const px = left + (x - x0) / (x1 - x0) * (w - left - right);
      const py = bottom - (Math.min(Math.max(f(v), lo), hi) - lo) / (hi - lo) * (bottom - top);
      started ? cctx.lineTo(px, py) : cctx.moveTo(px, py); started = true;
    });
    cctx.stroke();
    cctx.fillStyle = s.color; cctx.fillRect(lx, y0 + 5, 14, 4); cctx.fillStyle = '#222';
    cctx.fillText(s.name, lx + 18, y0 + 12); lx += 24 + cctx.measureText(s.name).width;
  }
}

function drawCurves() {
  const d = state.data;
  cctx.fillStyle = '#fff'; cctx.fillRect(0, 0, curves.width, curves.height);
  if (!d) return;
  const c = d.curves, h = curves.height / 3;
  chart(0, h, 'Losses', [{name: 'D', x: c.step, y: c.d, color: '#d95f02'}, {name: 'G', x: c.step, y: c.g, color: '#7570b3'}],
        null, null, false);
  chart(h, h, "G's gradient norm (log scale)", [{name: '|∇G|', x: c.step, y: c.g_grad_norm, color: '#444'}],
        null, null, true);
  const series = [{name: 'JS', x: c.measure_step, y: c.js, color: '#e7298a'}];
  if (d.measures.n_modes) {
    series.push({name: 'high quality', x: c.measure_step, y: c.high_quality, color: FAKE});
    series.push({name: 'modes', x: c.measure_step, y: c.modes_covered.map(v => v === null ? null : v / d.measures.n_modes),
                 color: REAL});
  }
  chart(2 * h, h, 'Divergence, coverage', series, 0, 1, false);
}

function bar(cls, frac, text) {
  const el = element.querySelector(cls);
  el.querySelector('.pg-fill').style.width = (100 * Math.max(0, Math.min(1, frac))) + '%';
  el.querySelector('.pg-val').textContent = text;
}

function drawMeters() {
  const d = state.data;
  if (!d) return;
  const m = d.measures;
  element.querySelector('.pg-phase').textContent =
      `step ${m.step}` + (d.phase ? ` · ${d.phase}` : '') + ` · D loss ${fmt(m.d_loss)} · G loss ${fmt(m.g_loss)}` +
      ` · |∇G| ${fmt(m.g_grad_norm)}`;
  if (m.n_modes) {
    bar('.pg-modes', m.modes_covered / m.n_modes, `${m.modes_covered} of ${m.n_modes} modes covered`);
    bar('.pg-quality', m.high_quality, `${Math.round(100 * m.high_quality)} % high quality (within 3σ)`);
  } else {
    bar('.pg-modes', 0, 'modes: none in this target');
    bar('.pg-quality', 0, 'high quality: no modes to be near');
  }
  bar('.pg-js', m.js, `JS divergence ${fmt(m.js)} (perfect G: ${fmt(m.js_floor)})`);
}
function fmt(v) { return v === null || v === undefined ? '–' : Math.abs(v) >= 100 ? v.toPrecision(3) : v.toFixed(3); }

function redraw() {
  state.pending = false;
  if (state.queue.length) state.data = state.queue.shift();
  if (state.queue.length) schedule();      // frames that arrived together are shown one per display frame
  plane.__data = state.data;               // the frame on screen, for tests
  const t0 = performance.now();
  drawPlane(); const t1 = performance.now(); drawCurves(); drawMeters();
  plane.__frames.push(performance.now());
  plane.__cost = [t1 - t0, performance.now() - t1];     // ms: the plane, the curves and meters (for bench)
  if (plane.__frames.length > 5000) plane.__frames.splice(0, 2500);
}
function schedule() { if (!state.pending) { state.pending = true; requestAnimationFrame(redraw); } }

// ---------------------------------------------------------------- decoding a frame (see studio/inference/playground.py)
function bytes(s) { const bin = atob(s), u = new Uint8Array(bin.length); for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i); return u; }
function milli(s) {                  // base64 int16 thousandths -> [[x, y], ...]
  const a = new Int16Array(bytes(s).buffer), out = new Array(a.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = [a[2 * i] / 1000, a[2 * i + 1] / 1000];
  return out;
}
function floats(s) { return Array.from(new Float32Array(bytes(s).buffer), v => isNaN(v) ? null : v); }
function decode(f) {
  const [nl, np] = f.manifold_shape, m = milli(f.manifold), manifold = [];
  for (let i = 0; i < nl; i++) manifold.push(m.slice(i * np, (i + 1) * np));
  const curves = {};
  for (const k in f.curves) curves[k] = floats(f.curves[k]);
  return Object.assign({}, f, {real: milli(f.real), fake: milli(f.fake), arrows: milli(f.arrows), heat: bytes(f.heat),
                               manifold, curves});
}

watch('value', () => {
  if (!props.value) return;
  try { state.queue.push(decode(JSON.parse(props.value))); } catch (e) { console.warn('playground frame', e); return; }
  if (state.queue.length > 3) state.queue.shift();
  plane.__received = (plane.__received || 0) + 1;
  schedule();
});
for (const box of element.querySelectorAll('input[data-layer]')) box.addEventListener('change', schedule);

// ---------------------------------------------------------------- drawing a target with the mouse
function planePoint(ev) {
  const r = plane.getBoundingClientRect(), ext = state.data ? state.data.extent : 3;
  const [x, y] = fromPx((ev.clientX - r.left) / r.width * plane.width, (ev.clientY - r.top) / r.height * plane.height, ext);
  return [Math.max(-ext, Math.min(ext, +x.toFixed(3))), Math.max(-ext, Math.min(ext, +y.toFixed(3)))];
}
function addPoint(ev) {
  const p = planePoint(ev), last = state.drawn[state.drawn.length - 1];
  if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= 0.04) { state.drawn.push(p); schedule(); }
}
plane.addEventListener('mousedown', (ev) => { if (!drawMode()) return; ev.preventDefault(); state.stroke = true; addPoint(ev); });
plane.addEventListener('mousemove', (ev) => { if (state.stroke) addPoint(ev); });
window.addEventListener('mouseup', () => {
  if (!state.stroke) return;
  state.stroke = false;
  if (state.drawn.length >= 3) trigger('drawn', {points: state.drawn.slice(-2000)});
});
element.querySelector('.pg-clear').addEventListener('click', () => {   // the drawn target goes too
  state.drawn = []; schedule();
  trigger('drawn', {points: []});                 // the server puts the default target back if it was drawn
});
element.querySelector('input[data-draw]').addEventListener('change', (ev) => {
  plane.style.cursor = ev.target.checked ? 'crosshair' : 'default';
});
schedule();
