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

  // A path's roadmap after a tick (progress.views.set_studied sends the "roadmap" event): the
  // steps all studied are marked done, and the follower's "You are here" moves to the first step
  // with something left. The page drawn afresh says the same (templates/topics/path_detail.html).
  document.addEventListener("roadmap", function (event) {
    var state = event.detail || {};
    var done = state.done || [];
    document.querySelectorAll(".steps.roadmap > .roadmap-step").forEach(function (step) {
      var id = Number(step.id.replace("step-", ""));
      var current = id === state.current;
      step.classList.toggle("is-done", done.indexOf(id) !== -1);
      step.classList.toggle("is-current", current);
      if (current) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
      var here = step.querySelector(".roadmap-here");
      var link = step.querySelector(".section-header h2 a");
      if (current && !here && link) {
        here = document.createElement("span");
        here.className = "roadmap-here";
        here.textContent = "You are here";
        link.after(" ", here);
      } else if (!current && here) {
        if (here.previousSibling && here.previousSibling.nodeType === Node.TEXT_NODE) here.previousSibling.remove();
        here.remove();
      }
    });
  });
})();
