// The web page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
// a non-image is refused with the server's message; the example photo uploaded through the
// file input gives a cutout whose downloaded PNG has the same alpha as the API's answer for
// the same image and options; "mask only" gives that alpha as a grey PNG; the slider moves
// the split; with the detector (models/centernet.json), "one cutout per person or object"
// shows the portrait's one person with its class and score, and its download has the API's
// alpha for the same request, and "People only" gives the API's subject=person alpha;
// nothing is loaded from elsewhere. Screenshots are saved as
// <build>/test-artifacts/web.png and web-instances.png.
//   node web_model.js path/to/cutout
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { decodePng, channel } = require('./png');

const CHROMIUM = '/usr/bin/chromium';
const cutout = process.argv[2];
const src = process.env.CUTOUT_SOURCE_DIR || path.resolve(__dirname, '../..');
const bin = process.env.CUTOUT_BINARY_DIR || path.dirname(cutout);
const model = path.join(src, 'models/isnet-fp16.onnx');
const photo = path.join(src, 'examples/portrait-curls.jpg');
const detector = path.join(src, 'models/centernet.json');

function skip(why) {
  console.log(`SKIP: ${why}`);
  process.exit(77);
}

if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} is missing (Debian package chromium)`);
let chromium;
try {
  ({ chromium } = require(path.join(src, 'node_modules/playwright-core')));
} catch (e) {
  skip('playwright-core is not installed (npm ci --ignore-scripts)');
}
for (const f of [model, photo]) if (!fs.existsSync(f)) skip(`${f} is missing`);

let failures = 0;
function check(what, ok, detail = '') {
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures++;
}

// Starts cutout serve on a free port; resolves with { proc, base }.
function startServer() {
  return new Promise((resolve, reject) => {
    const proc = spawn(cutout, ['serve', '--port', '0', '--model', model, '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${err}`)), 60000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^ ]+:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1] });
      }
    });
    proc.stderr.on('data', (d) => { err += d; });
    proc.on('exit', (code) => reject(new Error(`the server exited (${code}): ${err}`)));
  });
}

async function apiPost(base, route, fields) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([fs.readFileSync(photo)], { type: 'image/jpeg' }),
    path.basename(photo));
  const resp = await fetch(`${base}${route}`, { method: 'POST', body: form });
  if (!resp.ok) throw new Error(`the API answered ${resp.status}: ${await resp.text()}`);
  return resp;
}

async function apiCutout(base, fields) {
  return Buffer.from(await (await apiPost(base, '/api/remove', fields)).arrayBuffer());
}

function maxDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function download(page, tmp, selector = '#download') {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(tmp, dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutout-web-'));
  const artifacts = path.join(bin, 'test-artifacts');
  fs.mkdirSync(artifacts, { recursive: true });
  const { proc, base } = await startServer();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const context = await browser.newContext({ acceptDownloads: true,
      viewport: { width: 1280, height: 820 } });
    const page = await context.newPage();
    const foreign = [], errors = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

    await page.goto(`${base}/`);
    check('the page loads', (await page.title()).startsWith('cutout'));
    await page.waitForSelector('#health.up', { timeout: 10000 });

    // a file that claims to be a PNG but is not: the server's reason is shown
    await page.setInputFiles('#file', { name: 'fake.png', mimeType: 'image/png',
      buffer: Buffer.from('this is not an image') });
    await page.waitForSelector('#status.error', { timeout: 30000 });
    const errText = await page.textContent('#status');
    check('a non-image is refused with the server\'s reason', /415/.test(errText), errText);
    check('no download offered for it',
      (await page.getAttribute('#download', 'aria-disabled')) === 'true');

    // the photo, default options (PNG, full size)
    const t0 = Date.now();
    await page.setInputFiles('#file', photo);
    await page.waitForSelector('body[data-state=done]', { timeout: 120000 });
    const status = await page.textContent('#status');
    check('the cutout is shown', /1620×1080 PNG/.test(status), `${status}; ${Date.now() - t0} ms`);
    await page.screenshot({ path: path.join(artifacts, 'web.png') });
    check('screenshot saved', fs.existsSync(path.join(artifacts, 'web.png')),
      path.join(artifacts, 'web.png'));

    const dl = await download(page, tmp);
    check('the download is named after the photo', dl.name === 'portrait-curls.cutout.png', dl.name);
    const fromPage = decodePng(dl.bytes);
    check('the download is an RGBA PNG of the photo\'s size',
      fromPage.channels === 4 && fromPage.width === 1620 && fromPage.height === 1080,
      `${fromPage.width}x${fromPage.height}, ${fromPage.channels} channels`);
    const fromApi = decodePng(await apiCutout(base, { format: 'png', size: 'full' }));
    const pageAlpha = channel(fromPage, 3), apiAlpha = channel(fromApi, 3);
    const d = maxDiff(pageAlpha, apiAlpha);
    check('its alpha matches the API\'s answer for the same photo', d === 0, `max difference ${d}`);
    const lo = pageAlpha.reduce((m, v) => Math.min(m, v), 255);
    const hi = pageAlpha.reduce((m, v) => Math.max(m, v), 0);
    check('the alpha has transparent and opaque parts', lo === 0 && hi === 255, `${lo}..${hi}`);

    // the before/after slider
    await page.$eval('#split', (el) => {
      el.value = '20';
      el.dispatchEvent(new Event('input'));
    });
    const split = await page.evaluate(() =>
      getComputedStyle(document.documentElement).getPropertyValue('--split').trim());
    check('the slider moves the split', split === '20%', split);

    // mask only: the same alpha, as a grey PNG
    await page.check('input[name=mask_only]');
    await page.waitForSelector('body[data-state=done]', { timeout: 120000 });
    const mask = decodePng((await download(page, tmp)).bytes);
    check('"mask only" downloads a grey PNG', mask.channels === 1, `${mask.channels} channels`);
    const dm = maxDiff(mask.data, apiAlpha);
    check('the mask equals the cutout\'s alpha', dm === 0, `max difference ${dm}`);

    await page.uncheck('input[name=mask_only]');
    await page.waitForSelector('body[data-state=done]', { timeout: 120000 });

    if (!fs.existsSync(detector)) {
      console.log(`skipped: the instances and the subject (${detector} is missing)`);
      check('no instances button without the detector',
        await page.isHidden('#instances-run'));
    } else {
      // one cutout per person or object
      check('the instances button is offered', await page.isVisible('#instances-run'));
      await page.click('#instances-run');
      await page.waitForSelector('body[data-instances=done]', { timeout: 120000 });
      const items = await page.$$('#instance-list .instance');
      const caption = items.length ? await items[0].textContent() : '';
      check('one instance shown, a person with its score', items.length === 1 &&
        /person · \d+%/.test(caption), `${items.length}: ${caption.trim()}`);
      check('its thumbnail is shown', await page.$eval('#instance-list img',
        (img) => img.complete && img.naturalWidth > 0));
      await page.screenshot({ path: path.join(artifacts, 'web-instances.png') });
      const inst = await download(page, tmp, '#instance-list a');
      check('its download is named after the photo and the class',
        inst.name === 'portrait-curls.person-1.png', inst.name);
      const got = decodePng(inst.bytes);
      const answer = await (await apiPost(base, '/api/instances', { crop: 'true',
        matting: 'full' })).json();
      const want = decodePng(Buffer.from(answer.instances[0].png, 'base64'));
      const [, , cw, ch] = answer.instances[0].crop;
      check('an RGBA PNG of the crop\'s size', got.channels === 4 && got.width === cw &&
        got.height === ch, `${got.width}x${got.height} vs ${cw}x${ch}`);
      const da = maxDiff(channel(got, 3), channel(want, 3));
      check('its alpha is the API\'s for the same request', da === 0, `max difference ${da}`);
      const ga = channel(got, 3);
      check('opaque on the person, clear beside',
        ga.includes(255) && ga.includes(0));

      // the subject of the ordinary cutout
      await page.selectOption('select[name=subject]', 'person');
      await page.waitForSelector('body[data-state=done]', { timeout: 120000 });
      const subj = decodePng((await download(page, tmp)).bytes);
      const apiSubj = decodePng(await apiCutout(base, { subject: 'person', matting: 'full' }));
      const ds = maxDiff(channel(subj, 3), channel(apiSubj, 3));
      check('"People only" gives the API\'s subject=person alpha', ds === 0,
        `max difference ${ds}`);
      check('which is not the whole cutout\'s', maxDiff(channel(subj, 3), pageAlpha) > 0);
    }

    check('nothing is loaded from elsewhere', foreign.length === 0, foreign.join(' '));
    // the refused fake image is logged by the browser as a failed request: the only error
    const unexpected = errors.filter((e) => !/status of 415/.test(e));
    check('no script errors', unexpected.length === 0, unexpected.join(' | '));
  } finally {
    if (browser) await browser.close();
    proc.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures) {
    console.log(`${failures} check(s) failed`);
    process.exit(1);
  }
  console.log('all checks passed');
}

main().catch((e) => {
  console.error(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
