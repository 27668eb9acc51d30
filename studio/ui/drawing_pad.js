// The interpolation tab's drawing pad: white ink on black, drawn with the mouse (or a finger). On release the
// page sends the drawing as a PNG data URL (a few KB); the server frames it as MNIST frames its digits.
// Runs in gr.HTML's js_on_load (element, trigger, props, watch are given).
const canvas = element.querySelector('.drawing-pad canvas');
const ctx = canvas.getContext('2d');
const SIZE = canvas.width;                 // internal pixels; the digit ends up 20 px tall in 32
let drawing = false, last = null, lastSent = null;

function clear() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, SIZE, SIZE);
}

function point(e) {
  const b = canvas.getBoundingClientRect();
  return [(e.clientX - b.left) * SIZE / b.width, (e.clientY - b.top) * SIZE / b.height];
}

function strokeTo(p) {
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineWidth = SIZE / 12;               // about MNIST's stroke width once the digit is scaled down
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.beginPath();
  if (last) { ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke(); }
  else { ctx.arc(p[0], p[1], ctx.lineWidth / 2, 0, 2 * Math.PI); ctx.fill(); }
  last = p;
}

canvas.addEventListener('pointerdown', e => {
  if (e.button !== 0) return;
  e.preventDefault();
  canvas.setPointerCapture(e.pointerId);
  drawing = true; last = null;
  strokeTo(point(e));
});
canvas.addEventListener('pointermove', e => { if (drawing) strokeTo(point(e)); });
const finish = () => {
  if (!drawing) return;
  drawing = false; last = null;
  lastSent = canvas.toDataURL('image/png');
  props.value = lastSent;
  trigger('input');
};
canvas.addEventListener('pointerup', finish);
canvas.addEventListener('pointercancel', finish);

clear();
watch('value', () => { if (!props.value) { clear(); lastSent = null; } });
