// Checks tests/tools/ort_run.js, the onnxruntime reference runner, on ONNX's Relu test model:
// output values, the JSON report, and its refusals. Exit 77 (skipped) without onnxruntime-node.
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const model = '/usr/share/libonnx-testdata/data/node/test_relu/model.onnx';
const tool = path.join(__dirname, 'ort_run.js');
try {
  require.resolve('onnxruntime-node');
} catch (e) {
  console.log('SKIP: onnxruntime-node is not installed (run scripts/setup.sh)');
  process.exit(77);
}
if (!fs.existsSync(model)) {
  console.log(`SKIP: ${model} is missing (package libonnx-testdata)`);
  process.exit(77);
}

let failures = 0;
function check(cond, what) {
  if (!cond) {
    console.error(`check failed: ${what}`);
    failures++;
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutout-ort-'));
const input = path.join(dir, 'in.f32'), output = path.join(dir, 'out.f32');
const x = Float32Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * (i + 1));
fs.writeFileSync(input, Buffer.from(x.buffer));
const run = (...args) => spawnSync(process.execPath, [tool, ...args], { encoding: 'utf8' });

// the model's own shape, two runs, two threads
let r = run(model, input, output, '--threads', '2', '--runs', '2');
check(r.status === 0, `ort_run exit status ${r.status}: ${r.stderr}`);
if (r.status === 0) {
  const lines = r.stdout.trim().split('\n');
  check(lines.length === 1, 'one line on stdout');
  const report = JSON.parse(lines[0]);
  check(Array.isArray(report.times_ms) && report.times_ms.length === 2, 'two times');
  check(report.times_ms.every((t) => t >= 0), 'times are not negative');
  const sorted = [...report.times_ms].sort((a, b) => a - b);
  check(Math.abs(report.median_ms - (sorted[0] + sorted[1]) / 2) < 1e-2, 'median of two');
  check(report.peak_rss_bytes > 1e6, 'peak RSS in bytes');
  check(JSON.stringify(report.output_shape) === '[3,4,5]', `output shape ${report.output_shape}`);
  const raw = fs.readFileSync(output);
  check(raw.length === 60 * 4, 'output size');
  const y = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
  let bad = 0;
  for (let i = 0; i < 60; i++) if (y[i] !== Math.max(0, x[i])) bad++;
  check(bad === 0, `${bad} output values differ from max(0, x)`);
}

// an explicit shape must match the file
r = run(model, input, output, '--shape', '3,4,5');
check(r.status === 0, `--shape 3,4,5: ${r.stderr}`);
r = run(model, input, output, '--shape', '3,4,6');
check(r.status === 1 && /needs 288/.test(r.stderr), `wrong size refused: ${r.stderr}`);
// usage errors
r = run(model, input);
check(r.status === 2 && /usage/.test(r.stderr), 'missing argument refused');
r = run(model, input, output, '--runs', '0');
check(r.status === 2, '--runs 0 refused');
r = run(model, input, output, '--output', 'nope');
check(r.status === 1 && /no output 'nope'/.test(r.stderr), 'unknown output refused');
r = run(path.join(dir, 'missing.onnx'), input, output);
check(r.status === 1 && /no model/.test(r.stderr), 'missing model refused');

fs.rmSync(dir, { recursive: true, force: true });
console.log(failures ? `${failures} check(s) failed` : 'ort_run checks passed');
process.exit(failures ? 1 : 0);
