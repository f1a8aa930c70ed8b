// List pages, as a progressive enhancement: every link and disclosure here works without it.
(function () {
  // The "Sections" link in the sticky counter jumps to the tools above the list; open the section
  // index on the way, so the jump lands on the list of sections rather than on its folded summary.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.sticky-jump");
    if (!link) return;
    var index = document.getElementById("section-index");
    if (index && index.tagName === "DETAILS") index.open = true;
  });
})();
