// anxuan serve: live reload and the error overlay; it also loads the
// editors' preview tools (wechat-copy.js).
// Served as /__anxuan/livereload.js only by `anxuan serve`; `anxuan build`
// output never links it. No inline script or style attribute is used, so a
// strict Content-Security-Policy holds (styles are set through the CSSOM).
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script && script.src
    ? script.src.replace(/livereload\.js(\?.*)?$/, "")
    : "/__anxuan/";
  // The live-reload WebSocket: unlike an event stream it does not take one
  // of the six HTTP connections a browser opens to a host, so any number of
  // tabs of the preview stay connected.
  var eventsUrl = new URL(base + "events", location.href);
  eventsUrl.protocol = eventsUrl.protocol === "https:" ? "wss:" : "ws:";
  var state = { connected: false, id: null, version: null, reloads: 0 };
  window.__anxuan = state;
  var overlay = null;

  function css(el, props) {
    for (var k in props) {
      if (Object.prototype.hasOwnProperty.call(props, k)) {
        el.style[k] = props[k];
      }
    }
    return el;
  }

  function clearErrors() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function showErrors(errors) {
    clearErrors();
    if (!errors || !errors.length) {
      return;
    }
    overlay = document.createElement("div");
    overlay.id = "anxuan-error-overlay";
    overlay.setAttribute("role", "alert");
    css(overlay, {
      position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "60vh",
      overflow: "auto", zIndex: "2147483647", background: "#2b0a0a",
      color: "#fff", font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      padding: "12px 16px", boxShadow: "0 -4px 16px rgba(0, 0, 0, 0.4)"
    });
    var head = document.createElement("div");
    css(head, { display: "flex", justifyContent: "space-between", alignItems: "center",
      fontWeight: "bold", marginBottom: "8px", fontFamily: "system-ui, sans-serif" });
    var title = document.createElement("span");
    title.textContent = "构建失败（" + errors.length + " 个问题）：下面仍显示上一次成功构建的页面；改正文件并保存后会自动刷新。";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "关闭";
    css(close, { marginLeft: "12px", cursor: "pointer" });
    close.addEventListener("click", clearErrors);
    head.appendChild(title);
    head.appendChild(close);
    overlay.appendChild(head);
    var list = document.createElement("ol");
    css(list, { margin: "0", paddingLeft: "1.5em" });
    errors.forEach(function (e) {
      var li = document.createElement("li");
      css(li, { marginBottom: "6px", whiteSpace: "pre-wrap" });
      var where = document.createElement("strong");
      where.textContent = e.location ? e.location + ": " : "";
      li.appendChild(where);
      li.appendChild(document.createTextNode(e.message));
      if (e.help) {
        var help = document.createElement("div");
        css(help, { color: "#ffd27f" });
        help.textContent = "提示：" + e.help;
        li.appendChild(help);
      }
      list.appendChild(li);
    });
    overlay.appendChild(list);
    (document.body || document.documentElement).appendChild(overlay);
  }

  // Stylesheets have content-hashed names (css/site.<hash>.css), so the old
  // URL is gone after an edit: read the new names from the page itself and
  // swap each link once the new sheet has loaded (no flash of unstyled page).
  function reloadCss() {
    fetch(location.href, { cache: "no-store" })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelectorAll('link[rel="stylesheet"]');
        var links = document.querySelectorAll('link[rel="stylesheet"]');
        if (fresh.length !== links.length) {
          location.reload();
          return;
        }
        Array.prototype.forEach.call(links, function (link, i) {
          var href = new URL(fresh[i].getAttribute("href"), location.href).href;
          if (href === link.href) {
            return;
          }
          var next = link.cloneNode();
          next.href = href;
          next.addEventListener("load", function () { link.remove(); });
          next.addEventListener("error", function () { location.reload(); });
          link.after(next);
        });
      })
      .catch(function () { location.reload(); });
  }

  var handlers = {
    hello: function (d) {
      // A different server (restarted) or a build we have not seen: reload.
      if (state.id !== null && (d.id !== state.id || d.version !== state.version)) {
        location.reload();
        return;
      }
      state.id = d.id;
      state.version = d.version;
      state.connected = true;
      showErrors(d.errors);
    },
    reload: function (d) {
      state.version = d.version;
      state.reloads += 1;
      clearErrors();
      if (d.css_only) {
        reloadCss();
      } else {
        location.reload();
      }
    },
    errors: function (d) {
      showErrors(d.errors);
    },
    clear: function () {
      clearErrors();
    }
  };

  function connect() {
    var socket = new WebSocket(eventsUrl.href);
    socket.onmessage = function (ev) {
      var m = JSON.parse(ev.data);
      if (Object.prototype.hasOwnProperty.call(handlers, m.event)) {
        handlers[m.event](m.data);
      }
    };
    socket.onclose = function () {
      // The server stopped or restarted: try again until it is back.
      state.connected = false;
      setTimeout(connect, 1000);
    };
  }

  connect();

  // The preview's tools for editors (the 复制到公众号 button): loaded from
  // here, so a served page differs from the built one by this script only.
  var tools = document.createElement("script");
  tools.src = base + "wechat-copy.js";
  tools.defer = true;
  document.head.appendChild(tools);
})();
