#!/usr/bin/env node
// Bytes a search transfers: for every query of the corpus generator's
// queries.json, a fresh engine (an empty browser cache) shows the first 10
// results exactly as the search page does (manifest, buckets, postings,
// the shown documents' display data and the chunks needed to verify and
// excerpt them). Every file read is counted at its uncompressed size.
//
//   node benches/search_bytes.js <public-dir> <queries.json> [--no-range]
//
// --no-range: a host that ignores Range requests (python3 -m http.server,
// some proxies and object-store gateways) and answers with the whole file;
// the engine reads such an answer only as far as it needs, then cancels, so
// what is counted is what it read, in 1 KB pieces (tests/js/hosts.js). On
// a real network, bytes already in flight when it cancels arrive too.
//
// Prints a table per query class and the median and maximum over all
// queries, as JSON on the last line (for BENCHMARKS.md).
'use strict';
const fs = require('fs');
const path = require('path');
const S = require('../themes/default/static/js/search-core.js');
const hosts = require('../tests/js/hosts.js');

// Everyday words of the campaign, common across any corpus (the heavy end
// of a search: their postings are long), one and two at a time, added to
// the generator's queries.
const COMMON = {
  common: ['安全', '消防', '演练', '应急', '燃气', '隐患排查', '安全生产', '消防安全', '疏散', '12350'],
  commonAnd: ['安全 消防', '燃气 隐患排查', '演练 学校'],
};

const [, , publicDir, queriesFile, mode] = process.argv;
const noRange = mode === '--no-range';
if (!publicDir || !queriesFile) {
  console.error('usage: search_bytes.js <public-dir> <queries.json>');
  process.exit(2);
}
const base = path.join(publicDir, 'search');

function engine() {
  const counter = { bytes: 0, files: 0 };
  const count = (n) => { counter.bytes += n; };
  const host = noRange ? hosts.noRangeHost(base, count) : hosts.rangeHost(base, count);
  const load = (rel, type, start, end) => {
    counter.files += 1;
    return host(rel, type, start, end);
  };
  return { e: new S.Engine('', load), counter };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return { n: 0 };
  const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { n: s.length, median: mid, max: s[s.length - 1], min: s[0] };
}

(async () => {
  const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));
  const detailFile = path.join(path.dirname(queriesFile), 'queries_detail.json');
  let classes = {};
  if (fs.existsSync(detailFile)) {
    const detail = JSON.parse(fs.readFileSync(detailFile, 'utf8'));
    const list = Array.isArray(detail) ? detail : Object.values(detail);
    for (const d of list) if (d && d.query) classes[d.query] = d.kind || d.type || d.class || 'query';
  }
  for (const q of COMMON.common) if (!(q in queries)) { queries[q] = []; classes[q] = 'common'; }
  for (const q of COMMON.commonAnd) if (!(q in queries)) { queries[q] = []; classes[q] = 'common-and'; }
  const manifestBytes = fs.statSync(path.join(base, 'manifest.json')).size;
  const rows = [];
  for (const q of Object.keys(queries)) {
    const { e, counter } = engine();
    const t0 = process.hrtime.bigint();
    const r = await e.search(q, {}, { limit: 10 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    rows.push({ q, cls: classes[q] || 'query', bytes: counter.bytes, files: counter.files, results: r.results.length, ms });
  }
  const byClass = {};
  for (const r of rows) (byClass[r.cls] = byClass[r.cls] || []).push(r);
  for (const [cls, rs] of Object.entries(byClass)) {
    const b = stats(rs.map((r) => r.bytes));
    const f = stats(rs.map((r) => r.files));
    console.log(`${cls.padEnd(10)} n=${String(b.n).padStart(3)}  bytes median ${(b.median / 1024).toFixed(1)} KB, max ${(b.max / 1024).toFixed(1)} KB; files median ${f.median}, max ${f.max}`);
  }
  const worst = [...rows].sort((a, b) => b.bytes - a.bytes).slice(0, 5);
  for (const w of worst) console.log(`  heaviest: ${JSON.stringify(w.q)} ${(w.bytes / 1024).toFixed(1)} KB in ${w.files} files, ${w.results} results`);
  const all = stats(rows.map((r) => r.bytes));
  const files = stats(rows.map((r) => r.files));
  console.log(JSON.stringify({
    queries: all.n,
    medianBytes: all.median,
    maxBytes: all.max,
    medianFiles: files.median,
    maxFiles: files.max,
    manifestBytes,
    range: !noRange,
    overBudget: rows.filter((r) => r.bytes > (noRange ? 150 : 60) * 1024).map((r) => r.q),
  }));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
