#!/usr/bin/env node
// Runs a TensorFlow.js graph model (model.json + weight files) with tfjs on its WebAssembly
// backend, the reference for cutout's numerics tests and benchmarks of TF.js graph models.
//
//   node tfjs_run.js MODEL.json INPUT.f32 OUTPUT.f32 [--shape 1,512,512,3] [--output NAME]
//                    [--runs R]
//
// INPUT.f32 holds raw little-endian float32 values for the model's first input (shape from
// --shape, else from the model's signature). The graph runs R times (default 1) with
// executeAsync; the named output (default: the signature's first) of the last run is written
// to OUTPUT.f32 as raw float32, and one JSON line goes to stdout:
//   {"times_ms":[...],"median_ms":...,"output_shape":[...],"load_ms":...,"backend":"wasm"}
'use strict';

const fs = require('fs');
const path = require('path');

function fail(msg, code = 1) {
  process.stderr.write(`tfjs_run: ${msg}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const opts = { shape: null, output: null, runs: 1, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${a} needs a value`, 2));
    if (a === '--shape') opts.shape = value().split(',').map(Number);
    else if (a === '--output') opts.output = value();
    else if (a === '--runs') opts.runs = Number(value());
    else if (a.startsWith('--')) fail(`unknown option ${a}`, 2);
    else opts.files.push(a);
  }
  if (opts.files.length !== 3) fail('usage: node tfjs_run.js MODEL.json INPUT.f32 OUTPUT.f32 ' +
    '[--shape D0,D1,...] [--output NAME] [--runs R]', 2);
  if (!(opts.runs >= 1)) fail('--runs must be a positive integer', 2);
  if (opts.shape && opts.shape.some((d) => !(d >= 1))) fail('--shape needs positive sizes', 2);
  return opts;
}

// The graph and its weights from files, without tfjs-node's file system handler.
function readModel(file) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) fail(`${file}: not a graph model`);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const parts = json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => fs.readFileSync(path.join(path.dirname(file), p))));
  const all = Buffer.concat(parts);
  const data = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  return { json, artifacts: { modelTopology: json.modelTopology, weightSpecs: specs, weightData: data,
    signature: json.signature } };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let tf;
  try {
    tf = require('@tensorflow/tfjs');
    require('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    fail(`@tensorflow/tfjs or @tensorflow/tfjs-backend-wasm is not installed (${e.message})`, 77);
  }
  await tf.setBackend('wasm');
  await tf.ready();
  const [modelFile, inFile, outFile] = opts.files;
  const t0 = process.hrtime.bigint();
  const { json, artifacts } = readModel(modelFile);
  const model = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const sig = json.signature || {};
  let shape = opts.shape;
  if (!shape) {
    const first = Object.values(sig.inputs || {})[0];
    if (!first) fail('the model has no signature: give --shape');
    shape = first.tensorShape.dim.map((d) => Number(d.size));
  }
  const count = shape.reduce((a, b) => a * b, 1);
  const raw = fs.readFileSync(inFile);
  if (raw.length !== count * 4) fail(`${inFile} has ${raw.length} bytes, expected ${count * 4}`);
  const x = tf.tensor(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)), shape);
  const outName = opts.output || Object.keys(sig.outputs || {})[0] || model.outputs[0].name;
  const times = [];
  let y = null;
  for (let r = 0; r < opts.runs; r++) {
    if (y) y.dispose();
    const t = process.hrtime.bigint();
    y = await model.executeAsync(x, outName);
    await y.data();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const out = Float32Array.from(await y.data());
  fs.writeFileSync(outFile, Buffer.from(out.buffer));
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ times_ms: times, median_ms: sorted[sorted.length >> 1],
    output_shape: y.shape, load_ms: loadMs, backend: tf.getBackend() }) + '\n');
}

main().catch((e) => fail(e.message));
