// anju's only script, and an optional one: every page works without it.
// The language switch keeps the page's other query parameters (the round
// and application on the choose page, the filters of a list).
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-lang]");
  if (!a) return;
  // Built from location.search by hand: the URL constructor is missing or
  // not constructible in some phone browsers ("URL is not a constructor").
  // Every parameter stays as it was; only `lang` is replaced.
  var kept = location.search.replace(/^\?/, "").split("&").filter(function (p) {
    return p !== "" && p.split("=")[0] !== "lang";
  });
  kept.push("lang=" + encodeURIComponent(a.getAttribute("data-lang")));
  location.href = location.pathname + "?" + kept.join("&") + location.hash;
  e.preventDefault();
});
// "Go back" on the error page returns to the form (without script: home).
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-back]");
  if (!a || history.length < 2) return;
  history.back();
  e.preventDefault();
});
// A print button (printable pages); without script, the browser's own print.
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-print]");
  if (!b) return;
  window.print();
  e.preventDefault();
});
// "Select this page" in a list with a batch action: ticks or clears every
// row's box of the same name. Without script each row is ticked by hand.
document.addEventListener("change", function (e) {
  var all = e.target.closest && e.target.closest("input[data-check-all]");
  if (!all || !all.form) return;
  var boxes = all.form.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-check-all") + '"]');
  for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
});
