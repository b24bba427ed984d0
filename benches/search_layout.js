#!/usr/bin/env node
// What other index layouts would cost without Range (issue 19), measured
// from the reads the engine really makes. Runs every query of queries.json
// (plus the common words of benches/common_queries.js) against a format-3
// index with a Range-honouring loader, records each read (document slot,
// body chunk k of document id, long postings list of bucket b), then prices
// the same reads under other layouts as a host that ignores Range would
// serve them: each file costs its prefix up to the last byte read from it.
//
//   node benches/search_layout.js <public-dir> <queries.json>
//
// Layouts priced: documents per pack (32, 16, 8, 4); the text region
// document-major (as format 3) or chunk-major (chunk 1 of every document
// of the pack, then chunk 2, ...); text as UTF-8, GB18030 or UTF-16LE;
// long postings of 8, 4, 2 or 1 buckets per file, in bucket order or
// shortest first. Keys: "8chunku16" = 8 docs per pack, chunk-major,
// UTF-16; "t2orig" = 2 buckets' long lists per file in bucket order.
// Reported in BENCHMARKS.md ("Hosts that ignore Range").
'use strict';
const fs = require('fs');
const path = require('path');
const S = require('../themes/default/static/js/search-core.js');
const COMMON = require('./common_queries.js');

const [, , publicDir, queriesFile] = process.argv;
if (!publicDir || !queriesFile) {
  console.error('usage: search_layout.js <public-dir> <queries.json>');
  process.exit(2);
}
const base = path.join(publicDir, 'search');
const m = JSON.parse(fs.readFileSync(path.join(base, 'manifest.json'), 'utf8'));
const PER = m.docsPerPack;
const PACK_SIZES = [32, 16, 8, 4];
const REGIONS = ['doc', 'chunk'];
const ENCODINGS = ['u8', 'gb', 'u16'];
const GROUPS = [8, 4, 2, 1];
const ORDERS = ['orig', 'asc'];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const kb = (x) => (x / 1024).toFixed(1);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Every document: its display data's size and each body chunk's size in
// each encoding.
function encodedSizes(s) {
  let gb = 0, u16 = 0;
  for (const c of s) {
    const cp = c.codePointAt(0);
    gb += cp < 128 ? 1 : cp > 0xffff ? 4 : 2;
    u16 += cp > 0xffff ? 4 : 2;
  }
  return { u8: Buffer.byteLength(s), gb, u16 };
}
const docs = [];
for (let p = 0; p * PER < m.docs; p++) {
  const buf = fs.readFileSync(path.join(base, 'd', p + '.txt'));
  const slot = m.slots[p], count = Math.min(PER, m.docs - p * PER), text = count * slot;
  for (let i = 0; i < count; i++) {
    const d = JSON.parse(buf.subarray(i * slot, (i + 1) * slot).toString());
    const chunks = [];
    for (let k = 1; k <= d.n; k++) chunks.push(encodedSizes(buf.subarray(text + d.o[k - 1], text + d.o[k]).toString()));
    docs.push({ slot: Buffer.byteLength(JSON.stringify(d)), chunks, textStart: d.o[0] });
  }
}

// Every long postings list: its bucket, its offset in t/<pack>.bin, its size;
// then where it would end in a file of `g` buckets' lists in either order.
const lists = new Map(); // "pack#offset" -> {b, off, size}
for (let b = 0; b < m.buckets; b++) {
  const r = new Uint8Array(fs.readFileSync(path.join(base, 'b', b + '.bin')));
  let i = 0;
  const varint = () => { let x = 0, mul = 1, byte; do { byte = r[i++]; x += (byte & 127) * mul; mul *= 128; } while (byte & 128); return x; };
  const n = varint();
  for (let e = 0; e < n; e++) {
    const len = varint(); // token
    i += len;
    varint(); // df
    if (varint() === 0) { // inline postings
      const size = varint();
      i += size;
      continue;
    }
    const off = varint(), size = varint(), pack = Math.floor(b / m.bucketsPerPack);
    lists.set(pack + '#' + off, { b, off, size });
  }
}
const listEnd = new Map(); // "g order b off" -> [file, end]
for (const g of GROUPS) for (const order of ORDERS) {
  const files = new Map();
  for (const l of lists.values()) {
    const f = Math.floor(l.b / g);
    if (!files.has(f)) files.set(f, []);
    files.get(f).push(l);
  }
  const cmp = order === 'asc' ? (x, y) => x.size - y.size || x.b - y.b || x.off - y.off : (x, y) => x.b - y.b || x.off - y.off;
  for (const [f, ls] of files) {
    let end = 0;
    for (const l of ls.sort(cmp)) { end += l.size; listEnd.set([g, order, l.b, l.off].join(' '), [f, end]); }
  }
}

// Where a read of d/<pack>.txt falls: a slot (k = 0) or chunk k of a document.
function docRead(pack, start, end) {
  const count = Math.min(PER, m.docs - pack * PER), slot = m.slots[pack];
  if (end <= count * slot) return { id: pack * PER + Math.floor(start / slot), k: 0 };
  const off = start - count * slot;
  for (let i = 0; i < count; i++) {
    const d = docs[pack * PER + i];
    let at = d.textStart;
    for (let k = 0; k < d.chunks.length; k++) {
      if (at === off) return { id: pack * PER + i, k: k + 1 };
      at += d.chunks[k].u8;
    }
  }
  throw new Error('no chunk at d/' + pack + '.txt ' + start);
}

// The prefix a layout needs to serve a document read.
function docEnd(read, per, region, enc) {
  const pack = Math.floor(read.id / per), ids = [];
  for (let j = pack * per; j < Math.min(docs.length, (pack + 1) * per); j++) ids.push(j);
  const slot = Math.max(...ids.map((j) => docs[j].slot));
  if (read.k === 0) return (read.id - pack * per + 1) * slot;
  let at = ids.length * slot;
  if (region === 'doc') {
    for (const j of ids) {
      const upTo = j === read.id ? read.k : docs[j].chunks.length;
      at += sum(docs[j].chunks.slice(0, upTo).map((c) => c[enc]));
      if (j === read.id) return at;
    }
  }
  for (let k = 1; k <= 30; k++) for (const j of ids) {
    if (docs[j].chunks.length >= k) at += docs[j].chunks[k - 1][enc];
    if (j === read.id && k === read.k) return at;
  }
  throw new Error('unreachable');
}

(async () => {
  const queries = Object.keys(JSON.parse(fs.readFileSync(queriesFile, 'utf8')));
  for (const q of [...COMMON.common, ...COMMON.commonAnd]) {
    if (!queries.includes(q)) queries.push(q);
  }
  const rows = [];
  for (const q of queries) {
    const reads = [];
    let whole = 0;
    const load = (rel, type, start, end) => fs.promises.readFile(path.join(base, rel)).then((buf) => {
      if (type === 'range') {
        reads.push({ rel, start, end });
        return { bytes: new Uint8Array(buf.subarray(start, end)), offset: start, whole: false };
      }
      whole += buf.length;
      if (type === 'bin') return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
      return type === 'json' ? JSON.parse(buf.toString()) : buf.toString();
    });
    await new S.Engine('', load).search(q, {}, { limit: 10 });
    const row = { q, whole, range: whole + sum(reads.map((r) => r.end - r.start)) };
    const prefixes = {}; // layout key -> file -> prefix end
    const need = (key, file, end) => {
      prefixes[key] = prefixes[key] || new Map();
      prefixes[key].set(file, Math.max(prefixes[key].get(file) || 0, end));
    };
    for (const r of reads) {
      const [dir, name] = r.rel.split('/'), file = parseInt(name, 10);
      if (dir === 't') {
        const l = lists.get(file + '#' + r.start);
        for (const g of GROUPS) for (const order of ORDERS) {
          const [f, end] = listEnd.get([g, order, l.b, l.off].join(' '));
          need('t' + g + order, f, end);
        }
        continue;
      }
      const read = docRead(file, r.start, r.end);
      for (const per of PACK_SIZES) for (const region of REGIONS) for (const enc of ENCODINGS) {
        need(per + region + enc, Math.floor(read.id / per), docEnd(read, per, region, enc));
      }
    }
    for (const g of GROUPS) for (const order of ORDERS) row['t' + g + order] = 0;
    for (const per of PACK_SIZES) for (const region of REGIONS) for (const enc of ENCODINGS) row[per + region + enc] = 0;
    for (const key in prefixes) row[key] = sum([...prefixes[key].values()]);
    rows.push(row);
  }
  const report = (label, xs) => console.log(label.padEnd(28), 'median', kb(median(xs)), 'max', kb(Math.max(...xs)), 'over150', xs.filter((x) => x > 150 * 1024).length);
  for (const key of Object.keys(rows[0]).filter((k) => k !== 'q')) report(key, rows.map((r) => r[key]));
  // Whole queries: manifest and buckets, long postings, document packs.
  for (const g of GROUPS) for (const order of ORDERS) for (const per of PACK_SIZES) for (const enc of ENCODINGS) {
    const key = per + 'chunk' + enc;
    report('T ' + g + ' ' + order + ' ' + key, rows.map((r) => r.whole + r['t' + g + order] + r[key]));
  }
  report('T 8 orig 32docu8 (format 3)', rows.map((r) => r.whole + r.t8orig + r['32docu8']));
})();
