// GauGAN's painting canvas: the page holds the label map itself (one class index per cell) and draws it in the
// palette's colours; the server gets the map as runs of class indices, a few KB, while the stroke is drawn
// and once more on release. Runs in gr.HTML's js_on_load (element, trigger, props, watch are given).
const root = element.querySelector('.label-canvas');
const canvas = root.querySelector('canvas');
const ctx = canvas.getContext('2d');
const SEND_EVERY_MS = 180;            // while drawing, the picture follows the stroke at this pace
let W = 0, H = 0, labels = null, rgb = [], image = null, lastSent = null;
let drawing = false, last = null, lastSendAt = 0, undo = [];

function decode(text) {
  if (!text) return;
  const d = JSON.parse(text);
  W = d.w; H = d.h;
  rgb = d.palette.map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
  labels = new Uint8Array(W * H);
  let p = 0;
  for (let i = 0; i < d.runs.length; i += 2) { labels.fill(d.runs[i], p, p + d.runs[i + 1]); p += d.runs[i + 1]; }
  root.dataset.palette = JSON.stringify(d.palette);
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  image = ctx.createImageData(W, H);
  render();
}

function encode() {
  const runs = [];
  let c = labels[0], n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === c) n++; else { runs.push(c, n); c = labels[i]; n = 1; }
  }
  runs.push(c, n);
  return JSON.stringify({w: W, h: H, palette: JSON.parse(root.dataset.palette), runs: runs});
}

function render() {
  const a = image.data;
  for (let i = 0; i < W * H; i++) {
    const c = rgb[labels[i]] || [0, 0, 0];
    a[4 * i] = c[0]; a[4 * i + 1] = c[1]; a[4 * i + 2] = c[2]; a[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

function send() {
  lastSent = encode();
  props.value = lastSent;
  lastSendAt = performance.now();
  trigger('input');
}

function brushClass() {       // the checked class in the class list (same order as the palette)
  const inputs = [...document.querySelectorAll(root.dataset.classes + ' input')];
  return Math.max(0, inputs.findIndex(i => i.checked));
}

function brushSize() {        // diameter in label cells
  const s = document.querySelector(root.dataset.brush + ' input[type=range]');
  return s ? Math.max(1, +s.value) : 12;
}

function stamp(x, y, k, r) {
  for (let j = Math.max(0, Math.floor(y - r)); j <= Math.min(H - 1, Math.ceil(y + r)); j++)
    for (let i = Math.max(0, Math.floor(x - r)); i <= Math.min(W - 1, Math.ceil(x + r)); i++)
      if ((i + 0.5 - x) ** 2 + (j + 0.5 - y) ** 2 <= r * r) labels[j * W + i] = k;
}

function cell(e) {
  const b = canvas.getBoundingClientRect();
  return [(e.clientX - b.left) * W / b.width, (e.clientY - b.top) * H / b.height];
}

function strokeTo(p) {
  const k = brushClass(), r = brushSize() / 2;
  const [x0, y0] = last || p, [x1, y1] = p;
  const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / Math.max(0.5, r / 2)));
  for (let s = 1; s <= n; s++) stamp(x0 + (x1 - x0) * s / n, y0 + (y1 - y0) * s / n, k, r);
  last = p;
  render();
}

canvas.addEventListener('pointerdown', e => {
  if (!labels || e.button !== 0) return;
  e.preventDefault();
  canvas.setPointerCapture(e.pointerId);
  undo.push(labels.slice());
  if (undo.length > 30) undo.shift();
  drawing = true; last = null;
  strokeTo(cell(e));
});
canvas.addEventListener('pointermove', e => {
  if (!drawing) return;
  strokeTo(cell(e));
  if (performance.now() - lastSendAt > SEND_EVERY_MS) send();
});
const finish = () => { if (drawing) { drawing = false; last = null; send(); } };
canvas.addEventListener('pointerup', finish);
canvas.addEventListener('pointercancel', finish);
canvas.addEventListener('undo', () => {     // dispatched by the tab's Undo button
  if (!undo.length) return;
  labels = undo.pop();
  render();
  send();
});

decode(props.value);
watch('value', () => { if (props.value !== lastSent) { undo = []; decode(props.value); } });
