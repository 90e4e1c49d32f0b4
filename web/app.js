// The cutout web page: pick or drop a photo, POST it to /api/remove with the options, show
// the answer over a checkerboard beside the photo (a before/after slider), offer it for
// download; when the server has the detector, a subject to keep and one cutout per person or
// object (POST /api/instances), each shown with its class and score and offered for download.
// Plain JavaScript, no build step, nothing fetched from elsewhere.
'use strict';

const $ = (id) => document.getElementById(id);
const els = {
  file: $('file'), drop: $('drop'), fileName: $('file-name'), form: $('options'),
  run: $('run'), download: $('download'), status: $('status'), stage: $('stage'),
  before: $('before'), after: $('after'), split: $('split'), health: $('health'),
  origin: $('origin'), subjectRow: $('subject-row'), instancesRun: $('instances-run'),
  instances: $('instances'), instanceList: $('instance-list'),
};

const EXT = { png: 'png', webp: 'webp', jpg: 'jpg' };
const LABEL = { png: 'PNG', webp: 'WebP', jpg: 'JPG' };

let photo = null;        // the File being worked on
let photoUrl = null;     // its object URL (the "before" image)
let resultUrl = null;    // the answer's object URL
let inFlight = null;     // AbortController of the running request
let hasDetector = false; // the server can find people and objects (/healthz)
let instanceUrls = [];   // object URLs of the instances shown
let instancesFlight = null; // AbortController of the running /api/instances request

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
  o.matting = f.matting.value; // the server's default is full: off must be sent
  if (f.bg_on.checked && !f.mask_only.checked) o.bg_color = f.bg_color.value.replace('#', '');
  if (hasDetector && f.subject.value) o.subject = f.subject.value;
  return o;
}

// The options /api/instances shares with /api/remove (the quality ones), and crop.
function instanceOptions() {
  const f = els.form.elements;
  const o = { crop: 'true' };
  if (f.tiles.checked) o.tiles = 'true';
  o.matting = f.matting.value;
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
    els.instancesRun.disabled = false;
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

function clearInstances() {
  if (instancesFlight) instancesFlight.abort();
  instanceUrls.forEach((u) => URL.revokeObjectURL(u));
  instanceUrls = [];
  els.instanceList.replaceChildren();
  els.instances.hidden = true;
}

function pngBlob(base64) {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: 'image/png' });
}

function showInstance(inst, stem) {
  const url = URL.createObjectURL(pngBlob(inst.png));
  instanceUrls.push(url);
  const li = document.createElement('li');
  li.className = 'instance';
  const thumb = document.createElement('div');
  thumb.className = 'thumb checker';
  const img = document.createElement('img');
  img.src = url;
  img.alt = `${inst.class} ${inst.index}`;
  thumb.append(img);
  const caption = document.createElement('span');
  caption.className = 'caption';
  caption.textContent = `${inst.class} · ${Math.round(inst.score * 100)}%`;
  const link = document.createElement('a');
  link.className = 'btn secondary small';
  link.href = url;
  link.download = `${stem}.${inst.class.replace(/ /g, '-')}-${inst.index}.png`;
  link.textContent = 'Download';
  li.append(thumb, caption, link);
  els.instanceList.append(li);
}

async function cutInstances() {
  if (!photo) return;
  clearInstances();
  const controller = new AbortController();
  instancesFlight = controller;
  const body = new FormData();
  for (const [k, v] of Object.entries(instanceOptions())) body.append(k, v);
  body.append('file', photo, photo.name || 'photo');
  els.instancesRun.disabled = true;
  document.body.dataset.instances = 'busy';
  say('Finding each person and object…');
  const t0 = performance.now();
  try {
    const resp = await fetch('/api/instances', { method: 'POST', body, signal: controller.signal });
    if (!resp.ok) throw new Error(await errorText(resp));
    const answer = await resp.json();
    const stem = baseName(photo.name || 'photo');
    answer.instances.forEach((inst) => showInstance(inst, stem));
    els.instances.hidden = false;
    const n = answer.instances.length;
    document.body.dataset.instances = 'done';
    say(n ? `${n} ${n === 1 ? 'cutout' : 'cutouts'}, one per person or object, in ` +
            `${((performance.now() - t0) / 1000).toFixed(1)} s`
          : 'No person or object found');
  } catch (e) {
    if (e.name === 'AbortError') return;
    document.body.dataset.instances = 'error';
    say(`Could not find the instances: ${e.message}`, true);
  } finally {
    if (instancesFlight === controller) {
      instancesFlight = null;
      els.instancesRun.disabled = !photo;
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
  clearInstances();
  els.instancesRun.disabled = true;
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
els.instancesRun.addEventListener('click', cutInstances);

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
    hasDetector = Boolean(h.detector);
    els.subjectRow.hidden = !hasDetector;
    els.instancesRun.hidden = !hasDetector;
  } catch (e) {
    els.health.textContent = 'server unreachable';
    els.health.className = 'health down';
  }
}
checkHealth();
