/*! anxuan reading preferences: 大字模式, 高对比度 and the article 字号.
 * Loaded synchronously in <head> (a file, so it works under a strict CSP
 * without 'unsafe-inline'): the saved choices are applied to <html> before
 * the first paint, so a page never flashes in the default look. The
 * buttons are wired once the document is parsed. */
(function () {
  'use strict';
  var KEY = 'anxuan-prefs';
  var root = document.documentElement;
  var prefs = {};
  try {
    prefs = JSON.parse(localStorage.getItem(KEY) || '{}') || {};
  } catch (e) {
    prefs = {};
  }
  var SIZES = { s: 'font-s', m: '', l: 'font-l' };

  function apply() {
    root.classList.toggle('large-text', !!prefs.large);
    root.classList.toggle('high-contrast', !!prefs.contrast);
    root.classList.remove('font-s', 'font-l');
    if (SIZES[prefs.size]) root.classList.add(SIZES[prefs.size]);
  }

  function save() {
    try {
      localStorage.setItem(KEY, JSON.stringify(prefs));
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
  }

  function sync() {
    var buttons = document.querySelectorAll('[data-pref]');
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var pref = b.getAttribute('data-pref');
      var on = pref === 'size' ? (prefs.size || 'm') === b.getAttribute('data-value') : !!prefs[pref];
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  root.classList.add('js');
  apply();

  document.addEventListener('DOMContentLoaded', function () {
    sync();
    document.addEventListener('click', function (ev) {
      var b = ev.target.closest ? ev.target.closest('[data-pref]') : null;
      if (!b) return;
      var pref = b.getAttribute('data-pref');
      if (pref === 'size') prefs.size = b.getAttribute('data-value');
      else prefs[pref] = !prefs[pref];
      save();
      apply();
      sync();
    });
  });
})();
