// hyoka: progressive enhancement of the sheet form. Without this script
// the form works the same; judgements and the execution rate are then
// computed when the sheet is saved.
//
// - Indicator rows (tr[data-judge]): as the target, actual or override
//   changes, the server computes the judgement (POST /m/CODE/judge) and the
//   answer is written into the row's live region.
// - The budget table (table[data-budget]): the execution rate is
//   recomputed as amounts are typed, half-up to one decimal, settlement
//   divided by the final budget (the initial one when there is none).
// - The consistency checks (#draft-checks): a moment after the person
//   stops typing, the whole form is posted to data-checks-url, which
//   answers the flags of the sheet as it would be saved (nothing is
//   written); they replace those of the stored sheet.
(function () {
  "use strict";

  var form = document.getElementById("sheet-form");
  if (!form) {
    return;
  }
  var url = form.getAttribute("data-judge-url");
  var csrfField = form.querySelector('input[name="_csrf"]');
  var csrf = csrfField ? csrfField.value : "";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () {
        fn.apply(null, args);
      }, ms);
    };
  }

  function value(row, role) {
    var el = row.querySelector('[data-role="' + role + '"]');
    return el ? el.value : null;
  }

  function judgeRow(row) {
    var output = row.querySelector('output[data-role="computed"]');
    if (!output || !url) {
      return;
    }
    var target = value(row, "target");
    var actual = value(row, "actual");
    // A row without inputs shows a stored judgement; nothing to compute.
    if (target === null && actual === null) {
      return;
    }
    var targetCell = row.querySelector('[data-role="target"]');
    var params = new URLSearchParams();
    params.set("direction", row.getAttribute("data-direction") || "");
    params.set("vocabulary", row.getAttribute("data-vocabulary") || "");
    params.set("target", target !== null ? target : targetCell ? targetCell.textContent : "");
    params.set("actual", actual !== null ? actual : "");
    var reference = row.getAttribute("data-reference");
    if (reference) {
      params.set("reference", reference);
    }
    var stated = value(row, "stated");
    if (stated) {
      params.set("stated", stated);
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "x-csrf-token": csrf },
      body: params.toString(),
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (answer) {
        if (!answer) {
          return;
        }
        var text = answer.computed || "";
        if (answer.warning) {
          text = (text ? text + "（" : "（") + "注意: " + answer.warning + "）";
        }
        output.textContent = text;
        row.classList.toggle("warn", Boolean(answer.warning));
      })
      .catch(function () {
        // Offline or signed out: the judgement is computed on save.
      });
  }

  var rows = form.querySelectorAll("tr[data-judge]");
  Array.prototype.forEach.call(rows, function (row) {
    var later = debounce(judgeRow, 300);
    row.addEventListener("input", function () {
      later(row);
    });
    row.addEventListener("change", function () {
      later(row);
    });
  });

  // Amounts as typed: digits with commas, full-width digits, an optional
  // 円 for an exact amount. Returns whole yen, or null.
  function yen(text, factor) {
    if (!text) {
      return null;
    }
    var s = text.replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
    s = s.replace(/[,，\s]/g, "").replace(/^△/, "-");
    var exact = /円$/.test(s) && !/千円$/.test(s);
    s = s.replace(/千円$|円$/, "");
    if (!/^-?\d+$/.test(s)) {
      return null;
    }
    var n = parseInt(s, 10);
    return exact ? n : n * factor;
  }

  function rate(settlement, budget) {
    if (settlement === null || budget === null || budget <= 0) {
      return "";
    }
    var scaled = settlement * 1000;
    var q = Math.floor(scaled / budget);
    var r = scaled - q * budget;
    if (2 * r >= budget) {
      q += 1;
    }
    return Math.floor(q / 10) + "." + (q % 10) + "%";
  }

  var budget = form.querySelector("table[data-budget]");
  var rateOut = document.getElementById("budget-rate");
  if (budget && rateOut) {
    var factor = parseInt(budget.getAttribute("data-factor") || "1", 10);
    var field = function (name) {
      var el = budget.querySelector('[data-budget-field="' + name + '"]');
      return el ? yen(el.value, factor) : null;
    };
    budget.addEventListener("input", function () {
      var finalBudget = field("final");
      var base = finalBudget !== null ? finalBudget : field("initial");
      rateOut.textContent = rate(field("settlement"), base);
    });
  }

  var checksUrl = form.getAttribute("data-checks-url");
  var checksBox = document.getElementById("draft-checks");
  if (checksUrl && checksBox && window.FormData && window.URLSearchParams) {
    var asked = 0;
    var recheck = debounce(function () {
      var mine = ++asked;
      fetch(checksUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "x-csrf-token": csrf },
        body: new URLSearchParams(new FormData(form)).toString(),
      })
        .then(function (r) {
          return r.ok ? r.text() : null;
        })
        .then(function (html) {
          // Only the answer to the latest input is shown.
          if (html !== null && mine === asked) {
            checksBox.innerHTML = html;
          }
        })
        .catch(function () {
          // Offline or signed out: the checks show after saving.
        });
    }, 700);
    form.addEventListener("input", recheck);
    form.addEventListener("change", recheck);
  }
})();
