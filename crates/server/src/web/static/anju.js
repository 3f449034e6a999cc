// anju's only script, and an optional one: every page works without it.
// The language switch keeps the page's other query parameters (the round
// and application on the choose page, the filters of a list).
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-lang]");
  if (!a) return;
  var u = new URL(location.href);
  u.searchParams.set("lang", a.getAttribute("data-lang"));
  location.href = u.href;
  e.preventDefault();
});
// "Go back" on the error page returns to the form (without script: home).
document.addEventListener("click", function (e) {
  var a = e.target.closest && e.target.closest("a[data-back]");
  if (!a || history.length < 2) return;
  history.back();
  e.preventDefault();
});
