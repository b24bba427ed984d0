/*! anxuan page tools: 打印张贴 and 朗读.
 * 朗读 reads the page's title, its facts (a drill's time and place) and
 * then its text aloud, paragraph by paragraph, with the browser's own
 * speech synthesis and a Chinese voice;
 * the paragraph being read is marked and kept in view. The control shows
 * only where speechSynthesis exists and offers a Chinese voice (Android
 * WebView and WeChat on Android have none). No request leaves the page,
 * no inline style or script is used (strict CSP). The speed is a reading
 * preference of js/prefs.js, so it is remembered with the others. */
(function () {
  'use strict';
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('[data-print]') : null;
    if (b) window.print();
  });

  var box = document.querySelector('[data-read-aloud]');
  var synth = window.speechSynthesis;
  if (!box || !synth || typeof window.SpeechSynthesisUtterance !== 'function') return;
  var play = box.querySelector('[data-read="play"]');
  var stop = box.querySelector('[data-read="stop"]');
  var controls = box.querySelector('[data-read-controls]');
  var RATES = { slow: 0.75, normal: 1, fast: 1.3 };
  // What is read: the title, the facts (a drill's time and place, a
  // case's or a document's table), one row at a time, then each text
  // block of the body that holds no other such block (a list item's
  // paragraphs, not the item twice).
  var FACTS = 'main dl.facts > div, main .facts-table tr';
  var BLOCKS = 'h2, h3, h4, h5, h6, p, li, th, td, dt, dd, figcaption';
  var voice = null;
  var blocks = [];
  var at = -1;
  var state = 'idle'; // idle | speaking | paused
  // Bumped whenever reading stops or restarts, so the end events of a
  // cancelled utterance do not move on.
  var run = 0;

  function chinese(v) {
    return /^(zh|cmn)([-_]|$)/i.test(v.lang || '');
  }

  function pickVoice() {
    var voices = synth.getVoices() || [];
    var best = null;
    for (var i = 0; i < voices.length; i++) {
      if (!chinese(voices[i])) continue;
      if (/^(zh|cmn)([-_](hans[-_])?cn)?$/i.test(voices[i].lang)) { best = voices[i]; break; }
      if (!best) best = voices[i];
    }
    voice = best;
    box.hidden = !voice;
    if (!voice && state !== 'idle') end();
  }

  function norm(s) {
    return (s || '').replace(/\s+/g, ' ').trim();
  }

  // A fact row is read as "label：value".
  function text(el) {
    if (el.matches(FACTS)) {
      var parts = [];
      for (var i = 0; i < el.children.length; i++) parts.push(norm(el.children[i].textContent));
      return parts.join('：');
    }
    return norm(el.textContent);
  }

  function collect() {
    var out = [];
    var h1 = document.querySelector('main h1');
    if (h1 && text(h1)) out.push(h1);
    var facts = document.querySelectorAll(FACTS);
    for (var f = 0; f < facts.length; f++) if (text(facts[f])) out.push(facts[f]);
    var body = document.querySelector('main .doc-body');
    if (!body) return out;
    var els = body.querySelectorAll(BLOCKS);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.querySelector(BLOCKS) || el.closest('[aria-hidden="true"]') || !text(el)) continue;
      out.push(el);
    }
    return out;
  }

  function mark(i) {
    var old = document.querySelectorAll('.reading-now');
    for (var k = 0; k < old.length; k++) old[k].classList.remove('reading-now');
    if (i < 0 || !blocks[i]) return;
    blocks[i].classList.add('reading-now');
    var still = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    blocks[i].scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
  }

  function show() {
    play.textContent = state === 'speaking' ? '暂停' : state === 'paused' ? '继续' : '朗读';
    controls.hidden = state === 'idle';
  }

  function speak(i, token) {
    if (token !== run) return;
    if (i >= blocks.length) { end(); return; }
    at = i;
    var u = new window.SpeechSynthesisUtterance(text(blocks[i]));
    u.lang = voice && voice.lang ? voice.lang : 'zh-CN';
    if (voice) u.voice = voice;
    u.rate = RATES[window.anxuanPrefs ? window.anxuanPrefs.get('rate') : 'normal'] || 1;
    u.onend = function () { speak(i + 1, token); };
    u.onerror = function (e) {
      // Cancelling (stop, a new speed) is not a failure.
      if (e && (e.error === 'interrupted' || e.error === 'canceled')) return;
      speak(i + 1, token);
    };
    mark(i);
    synth.speak(u);
  }

  function start(from) {
    run++;
    synth.cancel();
    state = 'speaking';
    show();
    speak(from, run);
  }

  function end() {
    run++;
    synth.cancel();
    state = 'idle';
    at = -1;
    mark(-1);
    show();
  }

  play.addEventListener('click', function () {
    if (state === 'idle') {
      blocks = collect();
      start(0);
    } else if (state === 'speaking') {
      synth.pause();
      state = 'paused';
      show();
    } else {
      synth.resume();
      state = 'speaking';
      show();
    }
  });
  stop.addEventListener('click', function () {
    end();
    play.focus();
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && state !== 'idle') end();
  });
  // A new speed applies from the paragraph being read.
  document.addEventListener('anxuan:prefs', function (ev) {
    if (ev.detail && ev.detail.name === 'rate' && state === 'speaking') start(at);
  });
  // Leaving the page stops the voice (browsers keep speaking otherwise).
  window.addEventListener('pagehide', function () {
    if (state !== 'idle') end();
  });

  pickVoice();
  if (synth.addEventListener) synth.addEventListener('voiceschanged', pickVoice);
  else synth.onvoiceschanged = pickVoice;
})();
