/*! anxuan reading preferences: 大字模式, 高对比度, the article 字号 and
 * the 朗读 speed (read by js/page-tools.js through window.anxuanPrefs);
 * and, as the header is wired here, the current column kept in view in
 * the phone's one-row navigation.
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
  // Preferences with a value (buttons with data-value) and their defaults;
  // the others are on/off.
  var DEFAULTS = { size: 'm', rate: 'normal' };

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
      var on = b.hasAttribute('data-value')
        ? (prefs[pref] || DEFAULTS[pref]) === b.getAttribute('data-value')
        : !!prefs[pref];
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    }
  }

  root.classList.add('js');
  apply();
  window.anxuanPrefs = {
    get: function (name) {
      return prefs[name] || DEFAULTS[name];
    }
  };

  // On a phone the columns are one row that scrolls sideways: the current
  // one is brought into that row's view (the page itself does not move).
  function showCurrentColumn() {
    var nav = document.querySelector('.site-nav');
    var cur = nav && nav.querySelector('[aria-current]');
    if (!cur || nav.scrollWidth <= nav.clientWidth) return;
    var n = nav.getBoundingClientRect();
    var c = cur.getBoundingClientRect();
    if (c.left < n.left || c.right > n.right) {
      nav.scrollLeft += c.left - n.left - (n.width - c.width) / 2;
    }
  }

  document.addEventListener('DOMContentLoaded', function () {
    sync();
    showCurrentColumn();
    document.addEventListener('click', function (ev) {
      var b = ev.target.closest ? ev.target.closest('[data-pref]') : null;
      if (!b) return;
      var pref = b.getAttribute('data-pref');
      if (b.hasAttribute('data-value')) prefs[pref] = b.getAttribute('data-value');
      else prefs[pref] = !prefs[pref];
      save();
      apply();
      sync();
      document.dispatchEvent(new CustomEvent('anxuan:prefs', { detail: { name: pref } }));
    });
  });
})();
