// Static hosts as the search engine (search-core.js) sees them, serving a
// built index from disk: loaders for `new AnxuanSearch.Engine('', load)`.
// Used by tests/js/engine-check.js and benches/search_bytes.js.
//
//   rangeHost(dir, count)    answers Range requests with 206 and the bytes
//                            asked for (nginx, Apache, Caddy, GitHub Pages, S3)
//   noRangeHost(dir, count)  answers every request with the whole file, as a
//                            stream of 1 KB pieces that the engine reads
//                            only as far as it needs, then cancels
//                            (python3 -m http.server, some proxies)
//   wholeHost(dir, count)    answers with the whole file at once
//
// `count(bytes)` is called with the size of everything that reaches the
// engine: whole files, ranges, stream pieces read.
'use strict';
const fs = require('fs');
const path = require('path');

const PIECE = 1024;

function plain(buf, type, count) {
  count(buf.length);
  if (type === 'bin') return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
  const text = buf.toString('utf8');
  return type === 'json' ? JSON.parse(text) : text;
}

/** A stream reader ({read, cancel}) over a file, in pieces of PIECE bytes. */
function pieces(buf, count) {
  let at = 0, cancelled = false;
  return {
    read() {
      if (cancelled || at >= buf.length) return Promise.resolve({ done: true });
      const value = new Uint8Array(buf.subarray(at, at + PIECE));
      at += value.length;
      count(value.length);
      return Promise.resolve({ done: false, value });
    },
    cancel() { cancelled = true; },
  };
}

function host(dir, count, answer) {
  return (rel, type, start, end) => fs.promises.readFile(path.join(dir, rel)).then((buf) => {
    if (type !== 'range' && type !== 'stream') return plain(buf, type, count);
    return answer(buf, type, start, end);
  });
}

function rangeHost(dir, count = () => {}) {
  return host(dir, count, (buf, type, start, end) => {
    if (type === 'stream') return { ranged: false, reader: pieces(buf, count) };
    const part = buf.subarray(start, end);
    count(part.length);
    return { ranged: true, bytes: new Uint8Array(part), offset: start, whole: end >= buf.length };
  });
}

function noRangeHost(dir, count = () => {}) {
  return host(dir, count, (buf) => ({ ranged: false, reader: pieces(buf, count) }));
}

function wholeHost(dir, count = () => {}) {
  return host(dir, count, (buf) => {
    count(buf.length);
    return { ranged: false, bytes: new Uint8Array(buf) };
  });
}

module.exports = { rangeHost, noRangeHost, wholeHost };
