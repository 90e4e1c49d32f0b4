#!/usr/bin/env node
// bench_detector's TensorFlow.js side: the CenterNet graph model (models/centernet.json) on
// tfjs 4.22's WebAssembly backend, timed in a process of its own.
//
//   node detector_tfjs.js MODEL.json INPUT.f32 [--runs N] [--threads T] [--outputs A,B,...]
//                         [--full NAME]
//
// INPUT.f32: the letterboxed photo, 1x512x512x3 raw little-endian float32 (0-255). The
// backend is asked for T threads (setThreadsCount); tfjs-backend-wasm turns threads off under
// node (its WASM_HAS_MULTITHREAD_SUPPORT flag is false there), and the JSON says what it got.
// The graph runs once (the first pass) and N more times (timed) with execute() on --outputs
// (default: tower_0/keypoints,tower_0/wh, the outputs cutout's detector computes), then, with
// --full, once and N more times with executeAsync() on NAME (e.g. tower_0/detections, the
// graph's own decoding). One JSON line goes to stdout:
//   {"backend":"wasm","simd":true,"multithread":false,"threads":1,"init_ms":..,"load_ms":..,
//    "first_ms":..,"times_ms":[...],"full_first_ms":..,"full_times_ms":[...]}
// init_ms is the backend's start (the .wasm compiled), load_ms the model's (files read,
// weights uploaded), first_ms the first pass alone.
'use strict';

const fs = require('fs');
const path = require('path');

function fail(msg, code = 1) {
  process.stderr.write(`detector_tfjs: ${msg}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const o = { runs: 10, threads: 1, outputs: ['tower_0/keypoints', 'tower_0/wh'], full: null,
    files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : fail(`${a} needs a value`, 2));
    if (a === '--runs') o.runs = Number(value());
    else if (a === '--threads') o.threads = Number(value());
    else if (a === '--outputs') o.outputs = value().split(',');
    else if (a === '--full') o.full = value();
    else if (a.startsWith('--')) fail(`unknown option ${a}`, 2);
    else o.files.push(a);
  }
  if (o.files.length !== 2) fail('usage: node detector_tfjs.js MODEL.json INPUT.f32 [--runs N] ' +
    '[--threads T] [--outputs A,B] [--full NAME]', 2);
  if (!Number.isInteger(o.runs) || o.runs < 1) fail('--runs must be a positive integer', 2);
  if (!Number.isInteger(o.threads) || o.threads < 1) fail('--threads must be a positive integer', 2);
  return o;
}

const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  let tf, wasm;
  try {
    tf = require('@tensorflow/tfjs');
    wasm = require('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    fail(`@tensorflow/tfjs or @tensorflow/tfjs-backend-wasm is not installed (${e.message})`, 77);
  }
  const t0 = process.hrtime.bigint();
  wasm.setThreadsCount(o.threads);
  if (!(await tf.setBackend('wasm'))) fail('the wasm backend did not start');
  await tf.ready();
  const initMs = ms(t0);
  const [modelFile, inFile] = o.files;
  const t1 = process.hrtime.bigint();
  const json = JSON.parse(fs.readFileSync(modelFile, 'utf8'));
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) fail(`${modelFile}: not a graph model`);
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const all = Buffer.concat(json.weightsManifest.flatMap((g) =>
    g.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelFile), p)))));
  const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology,
    weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.length),
    signature: json.signature }));
  const loadMs = ms(t1);
  const shape = model.inputs[0].shape.map((d) => (d > 0 ? d : 1));
  const count = shape.reduce((a, b) => a * b, 1);
  const raw = fs.readFileSync(inFile);
  if (raw.length !== count * 4) fail(`${inFile} has ${raw.length} bytes, expected ${count * 4}`);
  const x = tf.tensor(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length)),
    shape);
  // One pass: every output computed and read back, then freed.
  const pass = async (run) => {
    const t = process.hrtime.bigint();
    let y = await run();
    if (!Array.isArray(y)) y = [y];
    await Promise.all(y.map((v) => v.data()));
    const d = ms(t);
    tf.dispose(y);
    return d;
  };
  const series = async (run) => {
    const first = await pass(run);
    const times = [];
    for (let r = 0; r < o.runs; r++) times.push(await pass(run));
    return [first, times];
  };
  // executeAsync on a graph without control flow warns at every call: not news here
  const warn = console.warn;
  console.warn = (...a) => (/did not contain any nodes with control flow/.test(String(a[0])) ? 0 :
    warn(...a));
  const [firstMs, times] = await series(() => model.execute(x, o.outputs));
  const out = { backend: tf.getBackend(), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: wasm.getThreadsCount(), init_ms: initMs, load_ms: loadMs, first_ms: firstMs,
    times_ms: times };
  if (o.full) [out.full_first_ms, out.full_times_ms] = await series(() => model.executeAsync(x, o.full));
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((e) => fail(e.message || String(e)));
