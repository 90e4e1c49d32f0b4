#!/usr/bin/env node
// Runs an ONNX model with onnxruntime (CPU), the reference for cutout's numerics tests and
// benchmarks.
//
//   node ort_run.js MODEL INPUT.f32 OUTPUT.f32 [--threads N] [--runs R] [--shape 1,3,1024,1024]
//                   [--output NAME]
//
// INPUT.f32 holds raw little-endian float32 values for the model's first input, of the given
// shape (default: the input's shape from the model, when all its dimensions are fixed).
// The model runs R times (default 1) with N intra-op threads (default 1), every graph
// optimisation and sequential execution. The first output (or the one named by --output) of
// the last run is written to OUTPUT.f32 as raw float32, and one JSON line goes to stdout:
//   {"times_ms":[...],"median_ms":...,"peak_rss_bytes":...,"output_shape":[...],"load_ms":...}
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

function usage(msg) {
  if (msg) process.stderr.write(`ort_run: ${msg}\n`);
  process.stderr.write(
    'usage: node ort_run.js MODEL INPUT.f32 OUTPUT.f32 [--threads N] [--runs R] ' +
      '[--shape D0,D1,...] [--output NAME]\n');
  process.exit(2);
}

function fail(msg) {
  process.stderr.write(`ort_run: ${msg}\n`);
  process.exit(1);
}

function positiveInt(text, what) {
  if (!/^[0-9]+$/.test(text || '') || Number(text) < 1) usage(`${what} must be a positive integer`);
  return Number(text);
}

function parseArgs(argv) {
  const opts = { threads: 1, runs: 1, shape: null, output: null, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--threads') opts.threads = positiveInt(value(), '--threads');
    else if (a === '--runs') opts.runs = positiveInt(value(), '--runs');
    else if (a === '--shape') {
      const text = value();
      opts.shape = text.split(',').map((d) => positiveInt(d.trim(), '--shape dimensions'));
    } else if (a === '--output') opts.output = value();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.files.push(a);
  }
  if (opts.files.length !== 3) usage('expected MODEL INPUT.f32 OUTPUT.f32');
  return opts;
}

// float32 <-> IEEE half bits, for models whose input or output is float16.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(v) {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1), half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}
function fromHalf(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const [modelPath, inputPath, outputPath] = opts.files;
  if (os.endianness() !== 'LE') fail('this tool reads and writes little-endian floats only');
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (run scripts/setup.sh): ${e.message}`);
  }
  if (!fs.existsSync(modelPath)) fail(`no model at ${modelPath}`);

  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(path.resolve(modelPath), {
    executionProviders: ['cpu'],
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;

  const inputName = session.inputNames[0];
  if (session.inputNames.length !== 1)
    fail(`the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); ` +
         'this tool feeds one');
  const meta = (session.inputMetadata || [])[0] || {};
  let shape = opts.shape;
  if (!shape) {
    const dims = meta.shape || [];
    if (!dims.length || !dims.every((d) => Number.isInteger(d) && d > 0))
      fail(`input '${inputName}' has shape [${dims.join(',')}] with free dimensions: give --shape`);
    shape = dims;
  }
  const count = shape.reduce((a, b) => a * b, 1);

  let raw;
  try {
    raw = fs.readFileSync(inputPath);
  } catch (e) {
    fail(`cannot read ${inputPath}: ${e.message}`);
  }
  if (raw.length !== count * 4)
    fail(`${inputPath} has ${raw.length} bytes; shape [${shape.join(',')}] needs ${count * 4}`);
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));

  let tensor;
  if (meta.type === 'float16') {
    const half = new Uint16Array(count);
    for (let i = 0; i < count; i++) half[i] = toHalf(values[i]);
    tensor = new ort.Tensor('float16', half, shape);
  } else if (!meta.type || meta.type === 'float32') {
    tensor = new ort.Tensor('float32', values, shape);
  } else {
    fail(`input '${inputName}' is ${meta.type}; this tool feeds float32 or float16`);
  }

  const outputName = opts.output || session.outputNames[0];
  if (!session.outputNames.includes(outputName))
    fail(`the model has no output '${outputName}' (it has ${session.outputNames.join(', ')})`);

  const times = [];
  let result;
  for (let r = 0; r < opts.runs; r++) {
    const start = process.hrtime.bigint();
    result = await session.run({ [inputName]: tensor }, [outputName]);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }

  const out = result[outputName];
  let data;
  if (out.type === 'float32') data = out.data;
  else if (out.type === 'float16') data = Float32Array.from(out.data, fromHalf);
  else if (out.type === 'float64') data = Float32Array.from(out.data);
  else fail(`output '${outputName}' is ${out.type}; this tool writes float outputs only`);
  try {
    fs.writeFileSync(outputPath, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (e) {
    fail(`cannot write ${outputPath}: ${e.message}`);
  }

  const round = (v) => Math.round(v * 1000) / 1000;
  process.stdout.write(JSON.stringify({
    times_ms: times.map(round),
    median_ms: round(median(times)),
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
    output_shape: out.dims,
    load_ms: round(loadMs),
  }) + '\n');
  await session.release();
}

main().catch((e) => fail(e && e.message ? e.message : String(e)));
