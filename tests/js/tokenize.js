#!/usr/bin/env node
// Reads a JSON array of strings on stdin and prints, as JSON, the tokens
// the browser engine's tokenizer gives for each: the JS half of the
// differential test in tests/it/fuzz_replay.rs.
'use strict';
const S = require('../../themes/default/static/js/search-core.js');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map((t) => S.tokenize(t))));
});
