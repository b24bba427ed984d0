/*! anxuan search page: reads ?q=&kind=&area=&year= from the URL, runs the
 * engine in search-core.js and renders results with DOM methods only (no
 * innerHTML, so nothing from the index is parsed as HTML). */
(function () {
  'use strict';
  var app = document.getElementById('search-app');
  if (!app || !window.AnxuanSearch) return;
  var S = window.AnxuanSearch;
  var engine = new S.Engine(app.getAttribute('data-index'));
  var root = app.getAttribute('data-root');
  var form = app.querySelector('form');
  var input = document.getElementById('search-q');
  var status = document.getElementById('search-status');
  var list = document.getElementById('search-results');
  var more = document.getElementById('search-more');
  var empty = document.getElementById('search-empty');
  var filters = app.querySelector('.search-filters');
  var selects = { kind: form.elements.kind, area: form.elements.area, year: form.elements.year };
  var PAGE = 10, shown = 0, current = null, seq = 0;

  function params() {
    var p = new URLSearchParams(location.search);
    return { q: (p.get('q') || '').trim(), kind: p.get('kind') || '', area: p.get('area') || '', year: p.get('year') || '' };
  }

  function fillFilters(m) {
    function add(sel, items) {
      items.forEach(function (f) {
        var o = document.createElement('option');
        o.value = f.id;
        o.textContent = f.label + '（' + f.count + '）';
        sel.appendChild(o);
      });
    }
    add(selects.kind, m.kinds);
    add(selects.area, m.areas);
    add(selects.year, m.years);
    filters.hidden = false;
    // Folded on a phone's first screen, open when a filter is in use.
    var p = params();
    if (p.kind || p.area || p.year) filters.open = true;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function render(r) {
    var li = el('li', 'result result-' + r.doc.k);
    var head = el('div', 'result-head');
    // The column's title where the site declares columns, else the kind's.
    head.appendChild(el('span', 'kind-badge kind-' + r.doc.k, r.doc.c || { article: '文章', notice: '通知', document: '文件', drill: '演练', 'case': '案例', page: '页面' }[r.doc.k] || ''));
    var a = el('a', 'result-title');
    r.title.forEach(function (part) { a.appendChild(part.mark ? el('mark', null, part.text) : document.createTextNode(part.text)); });
    a.href = root + r.doc.u;
    head.appendChild(a);
    li.appendChild(head);
    var meta = el('p', 'result-meta');
    if (r.doc.d) {
      var t = el('time', null, r.doc.d);
      t.setAttribute('datetime', r.doc.d);
      meta.appendChild(t);
    }
    if (r.doc.a.length) meta.appendChild(el('span', 'result-areas', r.doc.a.join('、')));
    li.appendChild(meta);
    var ex = el('p', 'result-excerpt');
    r.excerpt.forEach(function (part) { ex.appendChild(part.mark ? el('mark', null, part.text) : document.createTextNode(part.text)); });
    li.appendChild(ex);
    return li;
  }

  function describe(p) {
    var bits = [];
    if (p.q) bits.push('“' + p.q + '”');
    ['kind', 'area', 'year'].forEach(function (k) {
      if (p[k]) {
        var o = selects[k].querySelector('option[value="' + CSS.escape(p[k]) + '"]');
        bits.push(o ? o.textContent.replace(/（\d+）$/, '') : p[k]);
      }
    });
    return bits.join('、');
  }

  function run(p, append) {
    var my = ++seq;
    if (!append) {
      shown = 0;
      list.textContent = '';
      empty.hidden = true;
      more.hidden = true;
    }
    if (!p.q && !p.kind && !p.area && !p.year) {
      status.textContent = '请输入要搜索的内容。';
      return;
    }
    status.textContent = '正在搜索……';
    engine.search(p.q, { kind: p.kind, area: p.area, year: p.year }, { offset: shown, limit: PAGE }).then(function (res) {
      if (my !== seq) return;
      res.results.forEach(function (r) { list.appendChild(render(r)); });
      shown += res.results.length;
      var what = describe(p);
      if (shown === 0) {
        status.textContent = '没有找到与' + what + '相关的内容。';
        empty.hidden = false;
      } else {
        status.textContent = '找到' + (res.exact ? '' : '约') + ' ' + Math.max(res.total, shown) + ' 条与' + what + '相关的结果' +
          (append ? '，已显示 ' + shown + ' 条。' : '。');
      }
      more.hidden = res.exact && shown >= res.total || res.results.length < PAGE;
      current = p;
    }).catch(function () {
      if (my === seq) status.textContent = '搜索暂时不可用，请稍后再试，或浏览栏目列表。';
    });
  }

  function fromUrl() {
    var p = params();
    input.value = p.q;
    Object.keys(selects).forEach(function (k) { selects[k].value = p[k]; });
    run(p, false);
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var p = { q: input.value.trim(), kind: selects.kind.value, area: selects.area.value, year: selects.year.value };
    var qs = new URLSearchParams();
    Object.keys(p).forEach(function (k) { if (p[k]) qs.set(k, p[k]); });
    history.pushState(null, '', '?' + qs.toString());
    run(p, false);
  });
  Object.keys(selects).forEach(function (k) {
    selects[k].addEventListener('change', function () { form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit')); });
  });
  more.addEventListener('click', function () { if (current) run(current, true); });
  window.addEventListener('popstate', fromUrl);

  engine.manifest().then(function (m) {
    fillFilters(m);
    fromUrl();
  }).catch(function () {
    status.textContent = '搜索索引加载失败，请稍后再试。';
  });
})();
