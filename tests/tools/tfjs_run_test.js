#!/usr/bin/env node
// tools/tfjs_run: the tfjs reference runner on a graph model this test writes: y = Relu6(x + w)
// with w stored as float16 (the manifest's quantization), and on a uint8-quantised w (min and
// scale). The runner's output must equal the values computed here; a missing tfjs skips (77).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

try {
  require.resolve('@tensorflow/tfjs');
  require.resolve('@tensorflow/tfjs-backend-wasm');
} catch (e) {
  console.log('SKIP: @tensorflow/tfjs or @tensorflow/tfjs-backend-wasm is not installed (npm install)');
  process.exit(77);
}

function half(f) { // float32 -> IEEE half bits (values here are exact in half)
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, f);
  const x = b.getUint32(0);
  const sign = (x >>> 16) & 0x8000, exp = ((x >>> 23) & 0xff) - 127 + 15, mant = (x >>> 13) & 0x3ff;
  if (f === 0) return sign;
  return sign | (exp << 10) | mant;
}

function graph(dir, weight, bytes) {
  const topology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' },
        shape: { shape: { dim: [{ size: '1' }, { size: '2' }, { size: '2' }, { size: '4' }] } } } },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' },
        value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '4' }] } } } } },
      { name: 'sum', op: 'AddV2', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'y', op: 'Relu6', input: ['sum'], attr: { T: { type: 'DT_FLOAT' } } },
    ],
    versions: { producer: 1 },
  };
  fs.writeFileSync(path.join(dir, 'w.bin'), bytes);
  const model = { format: 'graph-model', modelTopology: topology,
    signature: { inputs: { x: { name: 'x', dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '1' }, { size: '2' }, { size: '2' }, { size: '4' }] } } },
      outputs: { y: { name: 'y', dtype: 'DT_FLOAT' } } },
    weightsManifest: [{ paths: ['w.bin'], weights: [weight] }] };
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(file, JSON.stringify(model));
  return file;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-run-'));
let failed = 0;
function check(name, got, want, tol) {
  const bad = got.findIndex((v, i) => !(Math.abs(v - want[i]) <= tol));
  if (got.length !== want.length || bad >= 0) {
    console.log(`FAIL ${name}: got ${Array.from(got)} want ${want}`);
    failed++;
  } else console.log(`ok ${name}`);
}
try {
  const x = Float32Array.from({ length: 16 }, (_, i) => i * 0.75 - 4);
  const inFile = path.join(dir, 'x.f32');
  fs.writeFileSync(inFile, Buffer.from(x.buffer));
  const runner = path.join(__dirname, 'tfjs_run.js');
  const run = (model) => {
    const out = path.join(dir, 'y.f32');
    const line = execFileSync(process.execPath, [runner, model, inFile, out, '--output', 'y'],
      { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const info = JSON.parse(line);
    if (JSON.stringify(info.output_shape) !== '[1,2,2,4]') throw new Error(`shape ${info.output_shape}`);
    const b = fs.readFileSync(out);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  };
  const relu6 = (v) => Math.min(6, Math.max(0, v));

  const w16 = [0.5, -1.25, 2, 3.5];
  const hb = Buffer.alloc(8);
  w16.forEach((v, i) => hb.writeUInt16LE(half(v), 2 * i));
  const m16 = graph(fs.mkdtempSync(path.join(dir, 'f16-')),
    { name: 'w', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } }, hb);
  check('float16 weights', run(m16), Array.from(x, (v, i) => relu6(v + w16[i % 4])), 1e-6);

  const min = -1, scale = 0.25, q = [0, 3, 8, 17];
  const m8 = graph(fs.mkdtempSync(path.join(dir, 'u8-')),
    { name: 'w', shape: [4], dtype: 'float32', quantization: { dtype: 'uint8', min, scale } },
    Buffer.from(q));
  check('uint8 weights (min, scale)', run(m8), Array.from(x, (v, i) => relu6(v + min + scale * q[i % 4])), 1e-6);
} catch (e) {
  console.log(`FAIL: ${e.message}`);
  failed++;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
