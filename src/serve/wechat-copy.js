// anxuan serve: the 复制到公众号 button of item pages (served at
// /__anxuan/wechat-copy.js in the preview only and loaded by
// livereload.js; the published site never has it). The button joins the
// page tools of every page that has a 公众号 export (articles, notices,
// documents, drills, cases; the tools name the export's file). It fetches the export (wechat.html beside
// the page), takes its [data-wechat] part — inline styles only, which the
// 公众号 editor keeps — and puts it on the clipboard as text/html (with
// plain text beside it), then says so in its status. No inline script or
// style: a strict CSP holds.
(function () {
  "use strict";

  function copyWithSelection(html) {
    // For a preview opened over the LAN (not a secure context, so no
    // Clipboard API): copy a selection of the rendered export.
    var box = document.createElement("div");
    box.setAttribute("contenteditable", "true");
    box.setAttribute("aria-hidden", "true");
    box.style.position = "fixed";
    box.style.left = "-10000px";
    box.style.top = "0";
    box.innerHTML = html;
    document.body.appendChild(box);
    var range = document.createRange();
    range.selectNodeContents(box);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    sel.removeAllRanges();
    box.remove();
    if (!ok) throw new Error("浏览器不允许写入剪贴板");
  }

  function addButton() {
    var tools = document.querySelector(".page-tools[data-wechat-export]");
    if (!tools || tools.querySelector("[data-wechat-copy]")) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "wechat-copy";
    b.setAttribute("data-wechat-copy", tools.getAttribute("data-wechat-export"));
    b.textContent = "复制到公众号";
    var status = document.createElement("span");
    status.className = "wechat-copy-status";
    status.setAttribute("role", "status");
    status.setAttribute("data-wechat-status", "");
    tools.appendChild(b);
    tools.appendChild(status);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButton);
  else addButton();

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest ? ev.target.closest("[data-wechat-copy]") : null;
    if (!b) return;
    var status = document.querySelector("[data-wechat-status]");
    var say = function (t) {
      if (status) status.textContent = t;
    };
    say("正在准备……");
    var url = new URL(b.getAttribute("data-wechat-copy"), location.href);
    fetch(url, { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) throw new Error("导出文件 " + url.pathname + " 无法打开（" + r.status + "）");
        return r.text();
      })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var part = doc.querySelector("[data-wechat]");
        if (!part) throw new Error("导出文件中没有正文");
        var html = part.outerHTML;
        var plain = part.textContent.replace(/\n{3,}/g, "\n\n").trim();
        if (navigator.clipboard && window.ClipboardItem && window.isSecureContext) {
          return navigator.clipboard.write([
            new ClipboardItem({
              "text/html": new Blob([html], { type: "text/html" }),
              "text/plain": new Blob([plain], { type: "text/plain" }),
            }),
          ]);
        }
        copyWithSelection(html);
      })
      .then(
        function () {
          say("已复制到剪贴板，请在公众号编辑器中粘贴；图片需另行上传（见导出页末尾的图片清单）");
        },
        function (e) {
          say("复制失败：" + e.message + "。也可打开 " + url.pathname + " 全选复制");
        }
      );
  });
})();
