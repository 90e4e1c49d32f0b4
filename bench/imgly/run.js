#!/usr/bin/env node
// The peer of bench_oneshot and bench_tiles: one photo through @imgly/background-removal-node
// (ISNet "medium", fp16, through onnxruntime-node; sharp decodes and encodes), as its users
// run it, in a process of its own.
//
//   node run.js PHOTO OUT.png [mask|cutout]
//
// mask (default): segmentForeground, the mask alone, as `cutout remove --mask`;
// cutout: removeBackground, the RGBA cutout, as `cutout remove`.
'use strict';
const fs = require('fs');
const path = require('path');

async function main() {
  const [photo, out, mode = 'mask'] = process.argv.slice(2);
  if (!photo || !out || !['mask', 'cutout'].includes(mode)) {
    process.stderr.write('usage: node run.js PHOTO OUT.png [mask|cutout]\n');
    process.exit(2);
  }
  const imgly = require('@imgly/background-removal-node');
  const config = {
    publicPath: `file://${path.join(__dirname, 'node_modules/@imgly/background-removal-node/dist')}/`,
    model: 'medium',
    output: { format: 'image/png' },
  };
  const input = `file://${path.resolve(photo)}`;
  const blob = mode === 'mask' ? await imgly.segmentForeground(input, config)
                               : await imgly.removeBackground(input, config);
  fs.writeFileSync(out, Buffer.from(await blob.arrayBuffer()));
}

main().catch((e) => {
  process.stderr.write(`imgly: ${e.stack || e}\n`);
  process.exit(1);
});
