/*! anxuan search engine — index format version 4 (docs/search-format.md).
 * Classic script, no dependencies: defines `AnxuanSearch` on the global
 * object (and `module.exports` under node). The tokenizer is the same
 * algorithm as src/search/tokenize.rs; both are tested against
 * tests/fixtures/tokenizer_cases.json. */
(function (root) {
  'use strict';

  /** The index format this engine reads (manifest.json's `version`). */
  var VERSION = 4;

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
  var utf16 = typeof TextDecoder !== 'undefined' ? new TextDecoder('utf-16le') : null;

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

  /** A reader ({read, cancel}, like a stream's) over bytes already here. */
  function bytesReader(bytes) {
    var given = false;
    return {
      read: function () {
        var r = given ? { done: true } : { done: false, value: bytes };
        given = true;
        return Promise.resolve(r);
      },
      cancel: function () {}
    };
  }

  /**
   * A file coming from its start, from a host that ignores Range, read only
   * as far as some read needs: `upTo(end)` waits for the first `end` bytes
   * (or the whole file, if shorter). Once no read waits, the download is
   * cancelled at the end of the current task, so that a read which follows
   * from another's bytes without a request of its own (a body chunk after
   * its document's display data) still extends the same download.
   */
  function Download(reader) {
    /** A promise of the reader. */
    this.reader = reader;
    this.parts = [];
    this.have = 0;
    this.joined = null;
    this.waiters = [];
    this.done = false;
    this.closed = false;
    this.reading = false;
    this.timer = null;
  }

  /** Every byte that has arrived, as one array. */
  Download.prototype.bytes = function () {
    if (!this.joined || this.joined.length !== this.have) {
      var out = new Uint8Array(this.have), at = 0;
      this.parts.forEach(function (p) { out.set(p, at); at += p.length; });
      this.parts = [out];
      this.joined = out;
    }
    return this.joined;
  };

  /** True when the bytes 0..end are here or will come without a new request. */
  Download.prototype.covers = function (end) {
    return this.have >= end || this.done || !this.closed;
  };

  Download.prototype.upTo = function (end) {
    if (this.have >= end || this.done) return Promise.resolve(this.bytes());
    var self = this;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    return new Promise(function (resolve, reject) {
      self.waiters.push({ end: end, resolve: resolve, reject: reject });
      self.pump();
    });
  };

  Download.prototype.pump = function () {
    if (this.reading) return;
    this.reading = true;
    var self = this;
    this.reader.then(function (reader) { return reader.read(); }).then(function (r) {
      self.reading = false;
      if (r.done) self.done = true;
      else {
        self.parts.push(r.value);
        self.have += r.value.length;
      }
      var still = [];
      self.waiters.forEach(function (w) {
        if (self.done || self.have >= w.end) w.resolve(self.bytes());
        else still.push(w);
      });
      self.waiters = still;
      if (still.length) self.pump();
      else if (!self.done) {
        self.timer = setTimeout(function () {
          self.timer = null;
          if (!self.waiters.length && !self.done) {
            self.closed = true;
            self.reader.then(function (reader) { reader.cancel(); });
          }
        }, 0);
      }
    }, function (err) {
      self.reading = false;
      self.closed = true;
      self.waiters.forEach(function (w) { w.reject(err); });
      self.waiters = [];
    });
  };

  /**
   * A search engine over the index at `base` (a URL or path ending in "/",
   * the folder holding manifest.json). `load(path, type)` fetches a file
   * relative to base and resolves to a parsed object ('json'), a string
   * ('text') or an ArrayBuffer ('bin'); `load(path, 'range', start, end)`
   * asks for bytes start..end and resolves to {ranged: true, bytes:
   * Uint8Array, offset, whole} when the server honoured Range (206: the
   * file's bytes from `offset`, fewer than asked when the file ends first;
   * `whole` when they run to its end), or to {ranged: false, reader} when
   * it answered with the whole file: `reader` reads it from its start (a
   * stream reader: read() and cancel()); {ranged: false, bytes} gives the
   * whole file at once. `load(path, 'stream')` fetches the whole file
   * without Range and resolves the same way as an answer that ignored
   * Range. The default uses fetch().
   */
  function Engine(base, load) {
    this.base = base;
    this.load = load || function (path, type, start, end) {
      var init = type === 'range' ? { headers: { Range: 'bytes=' + start + '-' + (end - 1) } } : undefined;
      return fetch(base + path, init).then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status + ' ' + path);
        if (type !== 'range' && type !== 'stream') return type === 'bin' ? res.arrayBuffer() : type === 'json' ? res.json() : res.text();
        if (res.status === 206) {
          // Content-Range: bytes first-last/size
          var cr = /(\d+)-\d+\/(\d+)/.exec(res.headers.get('Content-Range') || '');
          var offset = cr ? +cr[1] : start;
          return res.arrayBuffer().then(function (buf) {
            var bytes = new Uint8Array(buf);
            return { ranged: true, bytes: bytes, offset: offset, whole: !!cr && offset + bytes.length >= +cr[2] };
          });
        }
        if (res.body && res.body.getReader) return { ranged: false, reader: res.body.getReader() };
        return res.arrayBuffer().then(function (buf) { return { ranged: false, bytes: new Uint8Array(buf) }; });
      });
    };
    this.cache = new Map();
    /** Bytes from the start of files: path -> {end, bytes} (Range hosts) or a Download. */
    this.prefixes = new Map();
    /** True once the host answered a Range request with the whole file. */
    this.noRange = false;
  }

  Engine.prototype.get = function (path, type) {
    var self = this;
    return this.memo(path, function () { return self.load(path, type); });
  };

  var DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  /**
   * Sizes in bytes from a manifest size string: numbers of `unit`s in
   * base-32 digits, every digit but a number's last one offset by 32.
   */
  function sizes(str, unit) {
    var out = [], v = 0;
    for (var i = 0; i < str.length; i++) {
      var x = DIGITS.indexOf(str[i]);
      v = v * 32 + (x & 31);
      if (x < 32) {
        out.push(v * unit);
        v = 0;
      }
    }
    return out;
  }

  /** The manifest; fails on an index of another format version. */
  Engine.prototype.manifest = function () {
    var self = this;
    return this.memo('manifest', function () {
      return self.get('manifest.json', 'json').then(function (m) {
        if (m.version !== VERSION) throw new Error('index format ' + m.version + ', engine reads ' + VERSION);
        m.slotSizes = sizes(m.slots, m.slotUnit);
        m.headSizes = sizes(m.heads, m.headUnit);
        return m;
      });
    });
  };

  /** {df, inline, postings: () => Promise} for a token; df 0 when absent. */
  Engine.prototype.token = function (token) {
    var self = this;
    return this.manifest().then(function (m) {
      var b = fnv1a32(token) % m.buckets, path = 'b/' + b + '.bin';
      return self.head(path, m.headSizes[b]).then(function (bytes) {
        // The directory: every token of the bucket; long postings lists
        // follow it, at offsets counted from its end.
        var r = new Reader(bytes), n = r.varint(), found = null;
        for (var i = 0; i < n; i++) {
          var text = decoder.decode(r.bytes(r.varint())), df = r.varint(), ext = r.varint();
          var block = ext === 0 ? r.bytes(r.varint()) : null;
          var off = ext === 0 ? 0 : r.varint(), size = ext === 0 ? 0 : r.varint();
          if (text === token) found = { df: df, block: block, off: off, size: size };
        }
        var end = r.i;
        if (!found) return { df: 0, inline: true, cost: function () { return 0; }, postings: function () { return Promise.resolve({ docs: [], impacts: [], flags: [] }); } };
        return {
          df: found.df,
          // Inline postings came with the directory: loading them is free.
          inline: !!found.block,
          // Bytes to load: from a host that ignores Range, the lists before
          // this one too.
          cost: function () { return found.block ? 0 : self.noRange ? end + found.off + found.size : found.size; },
          postings: function () {
            if (found.block) return Promise.resolve(decodePostings(found.block));
            return self.range(path, end + found.off, end + found.off + found.size).then(decodePostings);
          }
        };
      });
    });
  };

  /**
   * Where document `id` lives: its pack d/<pack>.bin, the byte range of its
   * display-data slot, and where the pack's text region starts.
   */
  function place(m, id) {
    var per = m.docsPerPack, pack = Math.floor(id / per), slot = m.slotSizes[pack];
    var count = Math.min(per, m.docs - pack * per);
    return { path: 'd/' + pack + '.bin', start: (id % per) * slot, end: (id % per + 1) * slot, text: count * slot };
  }

  /** Display data of document `id` (its slot: JSON padded with spaces). */
  Engine.prototype.doc = function (id) {
    var self = this;
    return this.memo('doc#' + id, function () {
      return self.manifest().then(function (m) {
        var at = place(m, id);
        return self.range(at.path, at.start, at.end).then(function (b) { return JSON.parse(decoder.decode(b)); });
      });
    });
  };

  /** Caches a promise under `key`, forgetting it if it fails. */
  Engine.prototype.memo = function (key, make) {
    if (!this.cache.has(key)) {
      var p = make(), cache = this.cache;
      cache.set(key, p);
      p.catch(function () { cache.delete(key); });
    }
    return this.cache.get(key);
  };

  /**
   * The first `end` bytes of a file (or all of it, when shorter) if they
   * are here or on their way without a new request; else null.
   */
  Engine.prototype.known = function (path, end) {
    var have = this.prefixes.get(path);
    if (!have) return null;
    if (have instanceof Download) return have.covers(end) ? have.upTo(end) : null;
    return have.end >= end || have.whole ? Promise.resolve(have.bytes) : null;
  };

  /**
   * An answer to a Range request. A host that answered with the whole file
   * ignores Range (python3 -m http.server, some proxies): from then on the
   * engine reads each file from its start, as far as the reads need, and
   * keeps what arrived. Bytes from the start of a file serve later reads.
   * Resolves to {bytes, offset}.
   */
  Engine.prototype.answer = function (path, start, end, r) {
    if (!r.ranged) {
      this.noRange = true;
      var d = new Download(Promise.resolve(r.reader || bytesReader(r.bytes)));
      this.prefixes.set(path, d);
      return d.upTo(end).then(function (bytes) { return { bytes: bytes, offset: 0 }; });
    }
    var offset = r.offset || 0, have = this.prefixes.get(path);
    if (offset === 0 && !(have instanceof Download) && (!have || have.end < r.bytes.length || r.whole)) {
      this.prefixes.set(path, { end: r.bytes.length, bytes: r.bytes, whole: !!r.whole });
    }
    return Promise.resolve({ bytes: r.bytes, offset: offset });
  };

  /**
   * Reads the bytes start..end of a file: by a Range request, from a
   * prefix already read, or (on a host that ignores Range) as the first
   * `end` bytes of a download of the file. Resolves to {bytes, offset}:
   * the bytes of the file from `offset` on.
   */
  Engine.prototype.read = function (path, start, end) {
    var self = this, known = this.known(path, end);
    if (known) return known.then(function (bytes) { return { bytes: bytes, offset: 0 }; });
    if (this.noRange) {
      var d = new Download(this.load(path, 'stream').then(function (r) { return r.reader || bytesReader(r.bytes); }));
      this.prefixes.set(path, d);
      return d.upTo(end).then(function (bytes) { return { bytes: bytes, offset: 0 }; });
    }
    return this.load(path, 'range', start, end).then(function (r) { return self.answer(path, start, end, r); });
  };

  /** Bytes start..end of a file. */
  Engine.prototype.range = function (path, start, end) {
    var self = this;
    return this.memo(path + '#' + start + '-' + end, function () {
      return self.read(path, start, end).then(function (r) {
        if (r.offset > start || r.offset + r.bytes.length < end) throw new Error('short read ' + path);
        return r.bytes.subarray(start - r.offset, end - r.offset);
      });
    });
  };

  /** The first `end` bytes of a file, or the whole file when it is shorter. */
  Engine.prototype.head = function (path, end) {
    var self = this;
    return this.memo(path + '#0-' + end, function () {
      return self.read(path, 0, end).then(function (r) {
        if (r.offset !== 0) throw new Error('bad range ' + path);
        return r.bytes.subarray(0, end);
      });
    });
  };

  /**
   * Body chunk k (1-based) of document `id`, whose display data `doc` has
   * where each chunk starts (`o`) in its pack's text region and its length
   * (`l`), in bytes of UTF-16LE.
   */
  Engine.prototype.chunk = function (doc, id, k) {
    var self = this;
    return this.manifest().then(function (m) {
      var at = place(m, id), start = at.text + doc.o[k - 1];
      return self.range(at.path, start, start + doc.l[k - 1]);
    }).then(function (b) { return utf16.decode(b); });
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
      // Per phrase, the rarest anchor (of equally rare ones, the cheapest to
      // load) narrows the candidates (the bigrams of
      // one phrase mostly occur together, so a second common list would
      // cost kilobytes and tell little); rarer anchors whose postings came
      // inline with their bucket are free and sharpen the chunk masks.
      // Verification against the text makes the result exact either way.
      var plan = segments.map(function (s) {
        var rare = function (a, b) { return info[a].df - info[b].df || info[a].cost() - info[b].cost() || (a < b ? -1 : 1); };
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
    version: VERSION,
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
