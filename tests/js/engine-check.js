#!/usr/bin/env node
// Checks the browser search engine (themes/default/static/js/search-core.js)
// against a built site, under node:
//   node tests/js/engine-check.js <public-dir> [queries.json]
// 1. the tokenizer agrees with tests/fixtures/tokenizer_cases.json;
// 2. every query of queries.json (the corpus generator's ground truth:
//    query -> content paths) returns exactly its documents;
// 3. differential test: for hundreds of queries cut from the documents
//    themselves (1-6 characters, words, full-width forms, pairs), the
//    index-based result equals a brute-force scan of the stored text;
// 4. filters only narrow, and results honour them.
// With SEARCH_NO_RANGE=1 the files come as from a host that ignores Range
// requests (the whole file, which the engine reads only up to the last
// byte it needs): every check must hold there too.
// Prints a JSON summary; exits 1 on the first class of failure.
'use strict';
const fs = require('fs');
const path = require('path');
const S = require('../../themes/default/static/js/search-core.js');
const hosts = require('./hosts.js');

const [, , publicDir, queriesFile] = process.argv;
if (!publicDir) {
  console.error('usage: engine-check.js <public-dir> [queries.json]');
  process.exit(2);
}
const base = path.join(publicDir, 'search');
const noRange = process.env.SEARCH_NO_RANGE === '1';
let bytes = 0;
const count = (n) => { bytes += n; };
const load = noRange ? hosts.noRangeHost(base, count) : hosts.rangeHost(base, count);
const failures = [];
function fail(msg) {
  failures.push(msg);
  if (failures.length <= 20) console.error('FAIL ' + msg);
}

// Brute force: a document matches when each phrase occurs in its folded
// text and each token of the phrase is one of the document's tokens.
async function allDocs(engine, n) {
  const docs = [];
  for (let id = 0; id < n; id++) {
    const d = await engine.doc(id);
    const parts = [[d.t, d.g.join(' '), d.a.join(' '), d.s].join('\n')];
    for (let k = 1; k <= d.n; k++) parts.push(await engine.chunk(d, id, k));
    const text = parts.join('\n');
    const tokens = new Set();
    S.forEachToken(text, true, (t) => tokens.add(t));
    docs.push({ id, d, text, folded: S.foldStr(text), tokens });
  }
  return docs;
}
// The filter value of a document: its column's folder where the site
// declares columns (the display data has the column's title, `c`), else
// its kind.
let facetOf = {};
function facet(d) {
  return d.c !== undefined ? facetOf[d.c] : d.k;
}
function brute(docs, query, filters) {
  const segs = S.parseQuery(query);
  if (!segs.length && !filters.kind) return [];
  return docs.filter((x) => {
    if (filters.kind && facet(x.d) !== filters.kind) return false;
    return segs.every((s) => x.folded.includes(s.text) && s.tokens.every((t) => x.tokens.has(t)));
  }).map((x) => x.id);
}
function same(a, b) {
  const sa = [...a].sort((x, y) => x - y), sb = [...b].sort((x, y) => x - y);
  return sa.length === sb.length && sa.every((v, i) => v === sb[i]);
}
// Deterministic pseudo-random numbers (mulberry32).
function rng(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function toFullWidth(s) {
  return [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCodePoint(c.codePointAt(0) + 0xFEE0) : c)).join('');
}

(async () => {
  const summary = {};
  // 1. tokenizer table
  const cases = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/tokenizer_cases.json'), 'utf8'));
  for (const c of cases) {
    const got = S.tokenize(c.input);
    if (JSON.stringify(got) !== JSON.stringify(c.tokens)) fail(`tokenize(${JSON.stringify(c.input)}) = ${JSON.stringify(got)}, expected ${JSON.stringify(c.tokens)}`);
  }
  summary.tokenizerCases = cases.length;

  const engine = new S.Engine('', load);
  const m = await engine.manifest();
  facetOf = Object.fromEntries(m.kinds.map((k) => [k.label, k.id]));
  const docs = await allDocs(engine, m.docs);
  summary.docs = m.docs;

  // 2. generator ground truth
  if (queriesFile) {
    const queries = JSON.parse(fs.readFileSync(queriesFile, 'utf8'));
    const byPath = new Map(docs.map((x) => [x.d.u.replace(/\/$/, '') + '.md', x.id]));
    let n = 0;
    for (const [q, expected] of Object.entries(queries)) {
      const want = expected.map((p) => byPath.get(p));
      if (want.some((x) => x === undefined)) { fail(`query ${q}: an expected document is not in the index`); continue; }
      const got = await engine.searchAll(q, {});
      if (!same(got, want)) fail(`query ${JSON.stringify(q)}: got ${got.length} docs, expected ${want.length}`);
      n++;
    }
    summary.groundTruthQueries = n;
  }

  // 3. differential queries cut from the documents
  const rand = rng(20240601);
  const queries = new Set(['12350', '１２３５０', '安全生产', '火', '没有这个词汇哦', 'zzzz', '安全 演练', 'GB6441']);
  for (let i = 0; i < 300; i++) {
    const x = docs[Math.floor(rand() * docs.length)];
    const chars = [...x.text];
    const len = 1 + Math.floor(rand() * 6);
    const at = Math.floor(rand() * Math.max(1, chars.length - len));
    let q = chars.slice(at, at + len).join('');
    if (i % 7 === 0) q = toFullWidth(q);
    if (i % 5 === 0) {
      const y = docs[Math.floor(rand() * docs.length)];
      const c2 = [...y.text], a2 = Math.floor(rand() * Math.max(1, c2.length - 3));
      q += ' ' + c2.slice(a2, a2 + 3).join('');
    }
    if (q.trim()) queries.add(q);
  }
  let checked = 0;
  for (const q of queries) {
    const got = await engine.searchAll(q, {});
    const want = brute(docs, q, {});
    if (!same(got, want)) fail(`differential ${JSON.stringify(q)}: engine ${got.length}, brute force ${want.length}`);
    checked++;
  }
  summary.differentialQueries = checked;

  // 3b. a server that ignores Range (answers 200 with the whole file), as
  // a stream the engine reads only as far as it needs, or all at once: the
  // engine slices the packs itself and finds the same documents.
  let sliced = 0;
  for (const loader of [hosts.noRangeHost(base), hosts.wholeHost(base)]) {
    const noRange = new S.Engine('', loader);
    for (const q of [...queries].slice(0, 60)) {
      const got = await noRange.searchAll(q, {});
      const want = await engine.searchAll(q, {});
      if (!same(got, want)) fail(`without Range ${JSON.stringify(q)}: ${got.length} docs, with Range ${want.length}`);
      sliced++;
    }
  }
  summary.wholeFileQueries = sliced;

  // 4. filters and ranked pages
  for (const kind of m.kinds.map((k) => k.id)) {
    const got = await engine.searchAll('安全', { kind });
    const want = brute(docs, '安全', { kind });
    if (!same(got, want)) fail(`kind filter ${kind}: engine ${got.length}, brute force ${want.length}`);
    const page = await engine.search('安全', { kind }, { limit: 10 });
    if (page.results.some((r) => facet(r.doc) !== kind)) fail(`kind filter ${kind}: a result of another kind`);
  }
  const none = await engine.search('没有这个词汇哦', {}, { limit: 10 });
  if (none.results.length !== 0) fail('a query with no match returned results');
  const one = await engine.search('火', {}, { limit: 10 });
  const marked = (parts) => parts.some((p) => p.mark && S.foldStr(p.text) === '火');
  if (!one.results.length || !one.results.every((r) => marked(r.excerpt) || marked(r.title) || r.doc.g.concat(r.doc.a).join('').includes('火'))) {
    if (brute(docs, '火', {}).length) fail('one-character query: results without a highlighted match');
  }
  const ranked = await engine.search('安全', {}, { limit: 10 });
  for (let i = 1; i < ranked.results.length; i++) {
    const a = ranked.results[i - 1], b = ranked.results[i];
    if (a.score < b.score && S.foldStr(a.doc.t) !== '安全') fail('results are not in score order');
  }
  summary.failures = failures.length;
  console.log(JSON.stringify(summary));
  process.exit(failures.length ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
