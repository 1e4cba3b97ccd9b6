// hyoka: progressive enhancement of the import page. Without this script
// the forms work the same (the browser shows its own progress).
//
// - Choosing files lists them with their sizes.
// - Sending shows "処理中" in a live region: the share of the upload sent,
//   then that the server is checking the files; the button is disabled so
//   that a second click does not send the files twice.
(function () {
  "use strict";

  function size(n) {
    if (n >= 1048576) {
      return (n / 1048576).toFixed(1) + " MB";
    }
    if (n >= 1024) {
      return (n / 1024).toFixed(1) + " KB";
    }
    return n + " バイト";
  }

  function busy(form, text) {
    var status = form.querySelector("#import-busy");
    if (status) {
      status.textContent = text;
    }
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.disabled = true;
    }
  }

  function replacePage(xhr) {
    // The check's result is its own page (?check=TOKEN): open it, so that
    // reloading it does not send the files again.
    if (xhr.status === 200 && xhr.responseURL && xhr.responseURL.indexOf("check=") !== -1) {
      window.location.assign(xhr.responseURL);
      return;
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  var upload = document.getElementById("import-upload");
  if (upload) {
    var input = upload.querySelector('input[type="file"]');
    var listing = document.getElementById("import-selected");
    input.addEventListener("change", function () {
      var total = 0;
      var names = [];
      for (var i = 0; i < input.files.length; i++) {
        total += input.files[i].size;
        names.push(input.files[i].name + "（" + size(input.files[i].size) + "）");
      }
      listing.textContent = input.files.length
        ? "選んだファイル " + input.files.length + " 個、合計 " + size(total) + ": " + names.join("、")
        : "";
    });
    upload.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData) {
        busy(upload, "処理中です。ファイルを送信して内容を確認しています。しばらくお待ちください。");
        return;
      }
      event.preventDefault();
      var data = new FormData(upload);
      var total = 0;
      for (var i = 0; i < input.files.length; i++) {
        total += input.files[i].size;
      }
      busy(upload, "処理中です。ファイル（合計 " + size(total) + "）を送信しています…");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.getAttribute("action"));
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          var pct = Math.floor((e.loaded / e.total) * 100);
          busy(upload, "処理中です。送信 " + pct + "%（" + size(e.loaded) + " / " + size(e.total) + "）");
        }
      });
      xhr.upload.addEventListener("load", function () {
        busy(upload, "処理中です。送信が終わりました。サーバーで内容を確認しています（大きなファイルは数十秒かかります）…");
      });
      xhr.addEventListener("load", function () {
        replacePage(xhr);
      });
      xhr.addEventListener("error", function () {
        busy(upload, "送信できませんでした。通信状態を確かめて、画面を開き直してからもう一度お試しください。");
      });
      xhr.send(data);
    });
  }

  var confirm = document.getElementById("import-confirm");
  if (confirm) {
    confirm.addEventListener("submit", function () {
      // Disabled after the submission has started, so the form is sent.
      window.setTimeout(function () {
        busy(confirm, "処理中です。取り込んでいます。画面を閉じずにお待ちください…");
      }, 0);
      // The rows compared and written so far, asked every second until
      // the result page replaces this one.
      var url = confirm.getAttribute("data-progress");
      if (url && window.fetch) {
        window.setInterval(function () {
          window
            .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (r) {
              return r.ok ? r.json() : null;
            })
            .then(function (p) {
              if (p && p.running) {
                busy(confirm, p.text);
              }
            })
            .catch(function () {});
        }, 1000);
      }
    });
  }
})();
