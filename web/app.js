// The cutout web page: pick or drop a photo, POST it to /api/remove with the options, show
// the answer over a checkerboard beside the photo (a before/after slider), offer it for
// download. Plain JavaScript, no build step, nothing fetched from elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const els = {
  file: $('file'), drop: $('drop'), fileName: $('file-name'), form: $('options'),
  run: $('run'), download: $('download'), status: $('status'), stage: $('stage'),
  before: $('before'), after: $('after'), split: $('split'), health: $('health'),
  origin: $('origin'),
};

const EXT = { png: 'png', webp: 'webp', jpg: 'jpg' };
const LABEL = { png: 'PNG', webp: 'WebP', jpg: 'JPG' };

let photo = null;        // the File being worked on
let photoUrl = null;     // its object URL (the "before" image)
let resultUrl = null;    // the answer's object URL
let inFlight = null;     // AbortController of the running request

function setState(state) { document.body.dataset.state = state; }

function say(text, isError = false) {
  els.status.textContent = text;
  els.status.classList.toggle('error', isError);
}

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function options() {
  const f = els.form.elements;
  const o = { format: f.format.value, size: f.size.value };
  if (f.mask_only.checked) o.mask_only = 'true';
  if (f.tiles.checked) o.tiles = 'true';
  if (f.matting.value !== 'off') o.matting = f.matting.value;
  if (f.bg_on.checked && !f.mask_only.checked) o.bg_color = f.bg_color.value.replace('#', '');
  return o;
}

function baseName(name) {
  const dot = name.lastIndexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name) || 'photo';
}

function fitStage(width, height) {
  const ratio = width / height;
  els.stage.style.aspectRatio = `${width} / ${height}`;
  els.stage.style.width = `min(100%, calc(72vh * ${ratio}))`;
}

function setDownload(url, name, format) {
  const ready = Boolean(url);
  els.download.classList.toggle('disabled', !ready);
  els.download.setAttribute('aria-disabled', String(!ready));
  els.download.textContent = `Download ${LABEL[format] || 'PNG'}`;
  if (ready) {
    els.download.href = url;
    els.download.download = name;
  } else {
    els.download.removeAttribute('href');
  }
}

async function errorText(resp) {
  try {
    const body = await resp.json();
    if (body && body.error) return `${body.error.message} (${resp.status} ${body.error.code})`;
  } catch (e) { /* not JSON */ }
  return `the server answered ${resp.status} ${resp.statusText}`;
}

async function cutOut() {
  if (!photo) return;
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;
  const opts = options();
  const body = new FormData();
  for (const [k, v] of Object.entries(opts)) body.append(k, v);
  body.append('file', photo, photo.name || 'photo');
  setState('busy');
  setDownload(null, '', opts.format);
  els.run.disabled = true;
  say('Cutting out…');
  const t0 = performance.now();
  try {
    const resp = await fetch('/api/remove', { method: 'POST', body, signal: controller.signal });
    if (!resp.ok) throw new Error(await errorText(resp));
    const blob = await resp.blob();
    if (resultUrl) URL.revokeObjectURL(resultUrl);
    resultUrl = URL.createObjectURL(blob);
    await new Promise((resolve, reject) => {
      els.after.onload = resolve;
      els.after.onerror = () => reject(new Error('the answer is not an image this browser shows'));
      els.after.src = resultUrl;
    });
    const w = resp.headers.get('X-Width'), h = resp.headers.get('X-Height');
    const name = `${baseName(photo.name || 'photo')}.cutout.${EXT[opts.format]}`;
    setDownload(resultUrl, name, opts.format);
    setState('done');
    say(`${w}×${h} ${LABEL[opts.format]}, ${formatBytes(blob.size)} in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    if (e.name === 'AbortError') return;
    setState('photo');
    say(`Could not cut out: ${e.message}`, true);
  } finally {
    if (inFlight === controller) {
      inFlight = null;
      els.run.disabled = false;
      checkHealth();
    }
  }
}

function usePhoto(file) {
  if (!file) return;
  if (file.type && !file.type.startsWith('image/')) {
    say(`${file.name} is not an image`, true);
    return;
  }
  photo = file;
  els.fileName.textContent = file.name || 'pasted image';
  if (photoUrl) URL.revokeObjectURL(photoUrl);
  photoUrl = URL.createObjectURL(file);
  els.before.onload = () => fitStage(els.before.naturalWidth, els.before.naturalHeight);
  els.before.src = photoUrl;
  setState('photo');
  cutOut();
}

// ---- wiring ----
els.file.addEventListener('change', () => usePhoto(els.file.files[0]));

['dragenter', 'dragover'].forEach((type) => els.drop.addEventListener(type, (e) => {
  e.preventDefault();
  els.drop.classList.add('over');
}));
['dragleave', 'drop'].forEach((type) => els.drop.addEventListener(type, (e) => {
  e.preventDefault();
  els.drop.classList.remove('over');
}));
els.drop.addEventListener('drop', (e) => usePhoto(e.dataTransfer.files[0]));
// a photo dropped anywhere on the page
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  if (e.dataTransfer.files.length) usePhoto(e.dataTransfer.files[0]);
});
document.addEventListener('paste', (e) => {
  const item = [...e.clipboardData.items].find((i) => i.type.startsWith('image/'));
  if (item) usePhoto(item.getAsFile());
});

els.form.addEventListener('change', (e) => {
  const f = els.form.elements;
  // JPG has no transparency: it needs a background (or the mask)
  if (e.target === f.format && f.format.value === 'jpg' && !f.mask_only.checked) f.bg_on.checked = true;
  if (e.target === f.bg_color) f.bg_on.checked = true;
  if ((e.target === f.bg_on || e.target === f.bg_color) && !f.bg_on.checked &&
      f.format.value === 'jpg' && !f.mask_only.checked) f.format.value = 'png';
  f.bg_on.disabled = f.mask_only.checked;
  f.bg_color.disabled = f.mask_only.checked;
  setDownload(null, '', f.format.value);
  if (photo) cutOut();
});
els.run.addEventListener('click', cutOut);

els.split.addEventListener('input', () => {
  document.documentElement.style.setProperty('--split', `${els.split.value}%`);
});
// drag on the picture itself moves the split
els.stage.addEventListener('pointerdown', (e) => {
  if (document.body.dataset.state !== 'done') return;
  const move = (ev) => {
    const r = els.stage.getBoundingClientRect();
    const v = Math.min(100, Math.max(0, ((ev.clientX - r.left) / r.width) * 100));
    els.split.value = String(Math.round(v));
    document.documentElement.style.setProperty('--split', `${v}%`);
  };
  move(e);
  els.stage.setPointerCapture(e.pointerId);
  els.stage.onpointermove = move;
  els.stage.onpointerup = () => { els.stage.onpointermove = null; };
});

els.origin.textContent = window.location.origin;

async function checkHealth() {
  try {
    const h = await (await fetch('/healthz', { cache: 'no-store' })).json();
    els.health.textContent = `${h.model} · ${h.jobs.in_progress} in progress`;
    els.health.className = `health ${h.ok ? 'up' : 'down'}`;
  } catch (e) {
    els.health.textContent = 'server unreachable';
    els.health.className = 'health down';
  }
}
checkHealth();
