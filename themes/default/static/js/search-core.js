/*! anxuan search engine — index format version 2 (docs/search-format.md).
 * Classic script, no dependencies: defines `AnxuanSearch` on the global
 * object (and `module.exports` under node). The tokenizer is the same
 * algorithm as src/search/tokenize.rs; both are tested against
 * tests/fixtures/tokenizer_cases.json. */
(function (root) {
  'use strict';

  var SEP = 0, HAN = 1, WORD = 2;

  /** Folds one code point: full-width ASCII → ASCII, U+3000 → space, lowercase ASCII. */
  function fold(cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
    else if (cp === 0x3000) cp = 0x20;
    if (cp >= 0x41 && cp <= 0x5A) cp += 0x20;
    return cp;
  }

  function isHan(cp) {
    return cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FA1F);
  }

  function cls(cp) {
    if (isHan(cp)) return HAN;
    if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7A)) return WORD;
    return SEP;
  }

  /** Folds a whole string; code points map one to one, so indexes line up. */
  function foldStr(text) {
    var out = '';
    for (var ch of text) out += String.fromCodePoint(fold(ch.codePointAt(0)));
    return out;
  }

  /** Calls emit(token) for every token of text (unigrams: see tokenize.rs). */
  function forEachToken(text, unigrams, emit) {
    var run = [], runCls = SEP;
    function flush() {
      if (runCls === HAN) {
        if (run.length === 1) emit(run[0]);
        else {
          for (var i = 0; i + 1 < run.length; i++) emit(run[i] + run[i + 1]);
          if (unigrams) for (var j = 0; j < run.length; j++) emit(run[j]);
        }
      } else if (runCls === WORD) emit(run.join(''));
      run = [];
    }
    for (var ch of text) {
      var cp = fold(ch.codePointAt(0));
      var k = cls(cp);
      if (k !== runCls) { flush(); runCls = k; }
      if (k !== SEP) run.push(String.fromCodePoint(cp));
    }
    flush();
  }

  function tokenize(text) {
    var out = [];
    forEachToken(text, false, function (t) { out.push(t); });
    return out;
  }

  var encoder = typeof TextEncoder !== 'undefined' ? new TextEncoder() : null;
  var decoder = typeof TextDecoder !== 'undefined' ? new TextDecoder() : null;

  function fnv1a32(str) {
    var bytes = encoder.encode(str), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /** Splits a query into phrases: maximal runs without separators, folded. */
  function parseQuery(q) {
    var segments = [], cur = '';
    for (var ch of foldStr(q || '')) {
      if (cls(ch.codePointAt(0)) === SEP) {
        if (cur) segments.push(cur);
        cur = '';
      } else cur += ch;
    }
    if (cur) segments.push(cur);
    var seen = {};
    return segments.filter(function (s) {
      if (seen[s]) return false;
      seen[s] = true;
      return true;
    }).map(function (s) {
      var all = tokenize(s), loose = {};
      // A word (letters, digits) at either end of a phrase may continue in
      // the document (query "3" inside "35"), so only the other tokens tell
      // which chunk holds the phrase.
      if (all.length > 1) {
        var cps = Array.from(s);
        if (cls(cps[0].codePointAt(0)) === WORD) loose[all[0]] = true;
        if (cls(cps[cps.length - 1].codePointAt(0)) === WORD) loose[all[all.length - 1]] = true;
      }
      var tokens = unique(all);
      var anchors = tokens.filter(function (t) { return !loose[t]; });
      return { text: s, tokens: tokens, anchors: anchors.length ? anchors : tokens.slice(0, 1) };
    });
  }

  function unique(arr) {
    var seen = {}, out = [];
    arr.forEach(function (x) { if (!seen[x]) { seen[x] = true; out.push(x); } });
    return out;
  }

  function Reader(bytes) { this.b = bytes; this.i = 0; }
  Reader.prototype.varint = function () {
    var v = 0, mul = 1, byte;
    do {
      byte = this.b[this.i++];
      v += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
    return v;
  };
  Reader.prototype.bytes = function (n) {
    var s = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return s;
  };

  /** Decodes a postings block into parallel arrays. */
  function decodePostings(bytes) {
    var r = new Reader(bytes), docs = [], impacts = [], flags = [], doc = 0, first = true;
    while (r.i < bytes.length) {
      var gap = r.varint();
      doc = first ? gap : doc + gap;
      first = false;
      docs.push(doc);
      impacts.push(r.b[r.i++]);
      flags.push(r.varint());
    }
    return { docs: docs, impacts: impacts, flags: flags };
  }

  /**
   * Reads bytes start..end of a fetch() response that ignored Range (status
   * 200, the whole file): stops downloading once `end` bytes have arrived.
   * Resolves to {bytes, whole}: the whole file when it ended first.
   */
  function readPrefix(res, end) {
    if (!res.body || !res.body.getReader) {
      return res.arrayBuffer().then(function (buf) { return { bytes: new Uint8Array(buf), whole: true }; });
    }
    var reader = res.body.getReader(), parts = [], have = 0;
    function next() {
      return reader.read().then(function (r) {
        if (!r.done) { parts.push(r.value); have += r.value.length; }
        if (r.done || have >= end) {
          if (!r.done) reader.cancel();
          var out = new Uint8Array(have), at = 0;
          parts.forEach(function (p) { out.set(p, at); at += p.length; });
          return { bytes: out, whole: r.done };
        }
        return next();
      });
    }
    return next();
  }

  /**
   * A search engine over the index at `base` (a URL or path ending in "/",
   * the folder holding manifest.json). `load(path, type)` fetches a file
   * relative to base and resolves to an ArrayBuffer ('bin'), a string
   * ('text') or a parsed object ('json'); `load(path, 'range', start, end)`
   * resolves to {bytes: Uint8Array, offset, whole}: `bytes` are the file's
   * bytes from `offset` (start when the server honoured Range; 0 when it
   * answered with the file, whole or cut after `end`), `whole` tells that
   * they run to the end of the file. The default uses fetch().
   */
  function Engine(base, load) {
    this.base = base;
    this.load = load || function (path, type, start, end) {
      var init = type === 'range' ? { headers: { Range: 'bytes=' + start + '-' + (end - 1) } } : undefined;
      return fetch(base + path, init).then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status + ' ' + path);
        if (type === 'range') {
          if (res.status === 206) {
            return res.arrayBuffer().then(function (buf) {
              return { bytes: new Uint8Array(buf), offset: start, whole: false };
            });
          }
          return readPrefix(res, end).then(function (r) {
            return { bytes: r.bytes, offset: 0, whole: r.whole };
          });
        }
        return type === 'bin' ? res.arrayBuffer() : type === 'json' ? res.json() : res.text();
      });
    };
    this.cache = new Map();
    /** Prefixes of files read from a host that ignores Range: path -> {end, bytes}. */
    this.prefixes = new Map();
    /** True once the host answered a Range request with the whole file. */
    this.noRange = false;
  }

  Engine.prototype.get = function (path, type) {
    if (!this.cache.has(path)) {
      var p = this.load(path, type);
      this.cache.set(path, p);
      var cache = this.cache;
      p.catch(function () { cache.delete(path); });
    }
    return this.cache.get(path);
  };

  Engine.prototype.manifest = function () { return this.get('manifest.json', 'json'); };

  /** {df, postings: Promise} for a token; df 0 when absent. */
  Engine.prototype.token = function (token) {
    var self = this;
    return this.manifest().then(function (m) {
      var b = fnv1a32(token) % m.buckets;
      return self.get('b/' + b + '.bin', 'bin').then(function (buf) {
        var r = new Reader(new Uint8Array(buf)), n = r.varint();
        for (var i = 0; i < n; i++) {
          var text = decoder.decode(r.bytes(r.varint())), df = r.varint(), ext = r.varint();
          var block = ext === 0 ? r.bytes(r.varint()) : null;
          var off = ext === 0 ? 0 : r.varint(), size = ext === 0 ? 0 : r.varint();
          if (text === token) {
            return {
              df: df,
              // Inline postings came with the bucket: loading them is free.
              inline: ext === 0,
              postings: function () {
                if (block) return Promise.resolve(decodePostings(block));
                return self.range('t/' + Math.floor(b / m.bucketsPerPack) + '.bin', off, off + size).then(decodePostings);
              }
            };
          }
        }
        return { df: 0, inline: true, postings: function () { return Promise.resolve({ docs: [], impacts: [], flags: [] }); } };
      });
    });
  };

  /**
   * Where document `id` lives: its pack d/<pack>.txt, the byte range of its
   * display-data slot, and where the pack's text region starts.
   */
  function place(m, id) {
    var per = m.docsPerPack, pack = Math.floor(id / per), slot = m.slots[pack];
    var count = Math.min(per, m.docs - pack * per);
    return { path: 'd/' + pack + '.txt', start: (id % per) * slot, end: (id % per + 1) * slot, text: count * slot };
  }

  /** Display data of document `id` (its slot: JSON padded with spaces). */
  Engine.prototype.doc = function (id) {
    var self = this, key = 'doc#' + id;
    if (!this.cache.has(key)) {
      var p = this.manifest().then(function (m) {
        var at = place(m, id);
        return self.range(at.path, at.start, at.end).then(function (b) { return JSON.parse(decoder.decode(b)); });
      });
      this.cache.set(key, p);
      var cache = this.cache;
      p.catch(function () { cache.delete(key); });
    }
    return this.cache.get(key);
  };

  /**
   * Bytes start..end of a file, by a Range request. A server that answers
   * with the whole file is asked once: the file serves every later range.
   * A server that answers a Range request for bytes after the first with
   * the file from its start ignores Range (python3 -m http.server, some
   * proxies): the engine notes it (`noRange`) and from then on reads each
   * file once as a prefix, long enough for every range asked of it so far,
   * so that several reads of one pack share a download.
   */
  Engine.prototype.range = function (path, start, end) {
    var self = this, key = path + '#' + start + '-' + end;
    if (!this.cache.has(key)) {
      var whole = this.cache.get(path);
      var p = whole
        ? whole.then(function (bytes) { return bytes.subarray(start, end); })
        : this.noRange
          ? this.prefix(path, end).then(function (bytes) {
            if (bytes.length < end) throw new Error('short read ' + path);
            return bytes.subarray(start, end);
          })
          : this.load(path, 'range', start, end).then(function (r) {
            var offset = r.offset || 0;
            if (r.whole) self.cache.set(path, Promise.resolve(r.bytes));
            if (offset === 0 && start > 0) {
              self.noRange = true;
              if (!r.whole) self.prefixes.set(path, { end: r.bytes.length, bytes: Promise.resolve(r.bytes) });
            }
            if (offset > start || offset + r.bytes.length < end) throw new Error('short read ' + path);
            return r.bytes.subarray(start - offset, end - offset);
          });
      this.cache.set(key, p);
      var cache = this.cache;
      p.catch(function () { cache.delete(key); });
    }
    return this.cache.get(key);
  };

  /**
   * The first `end` bytes (or more) of a file from a host that ignores
   * Range: one download serves every read that ends within it, whether it
   * has arrived or is still on its way.
   */
  Engine.prototype.prefix = function (path, end) {
    var self = this, have = this.prefixes.get(path);
    if (have && have.end >= end) return have.bytes;
    var p = this.load(path, 'range', 0, end).then(function (r) {
      if (r.whole) self.cache.set(path, Promise.resolve(r.bytes));
      return r.bytes;
    });
    this.prefixes.set(path, { end: end, bytes: p });
    p.catch(function () {
      if (self.prefixes.get(path) && self.prefixes.get(path).bytes === p) self.prefixes.delete(path);
    });
    return p;
  };

  /**
   * Body chunk k (1-based) of document `id`, whose display data `doc` has
   * the chunk offsets `o` in its pack's text region.
   */
  Engine.prototype.chunk = function (doc, id, k) {
    var self = this;
    return this.manifest().then(function (m) {
      var at = place(m, id);
      return self.range(at.path, at.text + doc.o[k - 1], at.text + doc.o[k]);
    }).then(function (b) { return decoder.decode(b); });
  };

  /** Chunk 0: title, tags, areas and summary, one per line (as indexed). */
  function chunk0(doc) {
    return [doc.t, doc.g.join(' '), doc.a.join(' '), doc.s].join('\n');
  }

  /**
   * Candidates for a query: documents holding every token (and every
   * filter), with scores, best first. Phrases are not verified yet.
   */
  Engine.prototype.candidates = function (query, filters) {
    var self = this, segments = parseQuery(query), filterTokens = [];
    filters = filters || {};
    if (filters.kind) filterTokens.push('#k:' + filters.kind);
    if (filters.area) filterTokens.push('#a:' + filters.area);
    if (filters.year) filterTokens.push('#y:' + filters.year);
    var all = unique([].concat.apply(filterTokens, segments.map(function (s) { return s.tokens; })));
    if (!all.length) return Promise.all([this.manifest()]).then(function (x) { return { segments: segments, list: [], manifest: x[0] }; });
    return Promise.all([this.manifest()].concat(all.map(function (t) { return self.token(t); }))).then(function (res) {
      var manifest = res[0], info = {};
      all.forEach(function (t, i) { info[t] = res[i + 1]; });
      if (all.some(function (t) { return info[t].df === 0; })) return { segments: segments, list: [], manifest: manifest };
      // Per phrase, the rarest anchor narrows the candidates (the bigrams of
      // one phrase mostly occur together, so a second common list would
      // cost kilobytes and tell little); rarer anchors whose postings came
      // inline with their bucket are free and sharpen the chunk masks.
      // Verification against the text makes the result exact either way.
      var plan = segments.map(function (s) {
        var rare = function (a, b) { return info[a].df - info[b].df || (a < b ? -1 : 1); };
        // Loose words must be present in the document as whole tokens, so
        // they are loaded too.
        var anchors = s.anchors.slice().sort(rare).slice(0, 3).filter(function (t, i) {
          return i === 0 || info[t].inline;
        });
        var loose = s.tokens.filter(function (t) { return s.anchors.indexOf(t) < 0; });
        return anchors.concat(loose);
      });
      var load = unique([].concat.apply(filterTokens, plan));
      return Promise.all(load.map(function (t) { return info[t].postings(); })).then(function (lists) {
        var byToken = {};
        load.forEach(function (t, i) { byToken[t] = lists[i]; });
        var order = load.slice().sort(function (a, b) { return byToken[a].docs.length - byToken[b].docs.length; });
        // Intersect, starting from the shortest list.
        var seed = byToken[order[0]], cand = new Map();
        seed.docs.forEach(function (d, i) { cand.set(d, true); });
        order.slice(1).forEach(function (t) {
          var next = new Map(), p = byToken[t];
          for (var i = 0; i < p.docs.length; i++) if (cand.has(p.docs[i])) next.set(p.docs[i], true);
          cand = next;
        });
        var pos = {};
        load.forEach(function (t) {
          var p = byToken[t], m = new Map();
          for (var i = 0; i < p.docs.length; i++) if (cand.has(p.docs[i])) m.set(p.docs[i], i);
          pos[t] = m;
        });
        var list = [];
        cand.forEach(function (_, d) {
          var score = 0, allTitle = plan.length > 0, masks = [];
          for (var s = 0; s < plan.length; s++) {
            var mask = 0x7fffffff, anchored = false;
            plan[s].forEach(function (t) {
              var i = pos[t].get(d), f = byToken[t].flags[i];
              score += byToken[t].impacts[i];
              if (f % 2 === 0) allTitle = false;
              if (segments[s].anchors.indexOf(t) >= 0) {
                mask &= Math.floor(f / 2);
                anchored = true;
              }
            });
            if (!anchored) mask = 0x7fffffff;
            if (mask === 0) return;
            masks.push(mask);
          }
          if (allTitle) score += manifest.titleBonus;
          list.push({ id: d, score: score, masks: masks });
        });
        list.sort(function (a, b) { return b.score - a.score || a.id - b.id; });
        return { segments: segments, list: list, manifest: manifest };
      });
    });
  };

  /** Finds where each phrase occurs; null when one is missing. */
  Engine.prototype.verify = function (cand, segments) {
    var self = this;
    return this.doc(cand.id).then(function (doc) {
      if (!segments.length) return { doc: doc, hits: [] };
      var c0 = chunk0(doc);
      return Promise.all(segments.map(function (seg, s) {
        var bits = [];
        for (var k = 0; k <= 30; k++) if (cand.masks[s] & (1 << k)) bits.push(k);
        function tryAt(i) {
          if (i >= bits.length) return Promise.resolve(null);
          var k = bits[i];
          var text = k === 0 ? Promise.resolve(c0) : self.chunk(doc, cand.id, k);
          return text.then(function (t) {
            var at = foldStr(t).indexOf(seg.text);
            return at >= 0 ? { chunk: k, text: t, at: at } : tryAt(i + 1);
          });
        }
        return tryAt(0);
      })).then(function (hits) {
        return hits.every(Boolean) ? { doc: doc, hits: hits } : null;
      });
    });
  };

  /** Splits text into parts, marking every occurrence of a phrase. */
  function highlight(piece, segments) {
    var folded = foldStr(piece), marks = [];
    segments.forEach(function (s) {
      for (var i = folded.indexOf(s.text); i >= 0; i = folded.indexOf(s.text, i + s.text.length)) marks.push([i, i + s.text.length]);
    });
    marks.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var parts = [], at = 0;
    marks.forEach(function (m) {
      if (m[0] < at) return;
      if (m[0] > at) parts.push({ text: piece.slice(at, m[0]), mark: false });
      parts.push({ text: piece.slice(m[0], m[1]), mark: true });
      at = m[1];
    });
    if (at < piece.length) parts.push({ text: piece.slice(at), mark: false });
    return parts;
  }

  /** An excerpt around the first hit in the body (else the summary). */
  function excerpt(found, segments) {
    var hit = found.hits.filter(function (h) { return h.chunk > 0; })[0];
    var text = hit ? hit.text : found.doc.s, start = 0, end;
    if (hit) {
      start = Math.max(0, hit.at - 30);
      end = Math.min(text.length, hit.at + 90);
    } else end = Math.min(text.length, 120);
    var parts = highlight(text.slice(start, end), segments);
    if (start > 0) parts.unshift({ text: '…', mark: false });
    if (end < text.length) parts.push({ text: '…', mark: false });
    return parts;
  }

  /**
   * Searches: resolves to {total, exact, results} where results are the
   * verified documents ranked offset..offset+limit, each {id, doc, score,
   * excerpt}. `total` counts candidates; `exact` tells whether every
   * candidate has been verified (then total is the exact count).
   */
  Engine.prototype.search = function (query, filters, opts) {
    var self = this, limit = (opts && opts.limit) || 10, offset = (opts && opts.offset) || 0;
    return this.candidates(query, filters).then(function (c) {
      var verified = [], i = 0, rejected = 0, want = offset + limit;
      function step() {
        if (verified.length >= want || i >= c.list.length) return Promise.resolve();
        var batch = c.list.slice(i, i + Math.max(4, want - verified.length));
        i += batch.length;
        return Promise.all(batch.map(function (cand) { return self.verify(cand, c.segments); })).then(function (found) {
          found.forEach(function (f, j) {
            if (f) verified.push({ id: batch[j].id, doc: f.doc, score: batch[j].score, found: f });
            else rejected++;
          });
          return step();
        });
      }
      return step().then(function () {
        var q = parseQuery(query).map(function (s) { return s.text; }).join(' ');
        var exactTitle = function (r) { return foldStr(r.doc.t) === q ? 0 : 1; };
        verified.sort(function (a, b) { return exactTitle(a) - exactTitle(b) || b.score - a.score || a.id - b.id; });
        var exact = i >= c.list.length;
        return {
          total: c.list.length - rejected,
          exact: exact,
          segments: c.segments.map(function (s) { return s.text; }),
          results: verified.slice(offset, offset + limit).map(function (r) {
            return { id: r.id, doc: r.doc, score: r.score, title: highlight(r.doc.t, c.segments), excerpt: excerpt(r.found, c.segments) };
          })
        };
      });
    });
  };

  /** Every matching document id, fully verified (for tests and tools). */
  Engine.prototype.searchAll = function (query, filters) {
    var self = this;
    return this.candidates(query, filters).then(function (c) {
      return Promise.all(c.list.map(function (cand) { return self.verify(cand, c.segments); })).then(function (found) {
        return c.list.filter(function (_, i) { return found[i]; }).map(function (cand) { return cand.id; });
      });
    });
  };

  var api = {
    version: 2,
    fold: fold,
    foldStr: foldStr,
    isHan: isHan,
    tokenize: tokenize,
    forEachToken: forEachToken,
    fnv1a32: fnv1a32,
    parseQuery: parseQuery,
    Engine: Engine
  };
  root.AnxuanSearch = api;
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
})(typeof globalThis !== 'undefined' ? globalThis : this);
