// A Copy button above every code block. The renderer wraps each highlighted block in a
// .code-block region; this adds a bar before it with the button and a live region that says
// "Copied". Without JavaScript, or without a clipboard (an address that is not https), the code
// is there to select as before. Swapped-in content gets its buttons after each htmx swap.
(function () {
  if (!(navigator.clipboard && navigator.clipboard.writeText)) return;

  function copyBar(block) {
    var bar = document.createElement("div");
    bar.className = "code-tools";
    var status = document.createElement("span");
    status.className = "code-copy-status";
    status.setAttribute("aria-live", "polite");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary code-copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy code");
    var clear = null;
    button.addEventListener("click", function () {
      var code = block.querySelector("pre");
      var text = (code ? code.textContent : block.textContent).replace(/\n$/, "");
      navigator.clipboard.writeText(text).then(
        function () { say("Copied"); },
        function () { say("Could not copy: select the code instead"); }
      );
    });
    function say(words) {
      clearTimeout(clear);
      status.textContent = words;
      clear = setTimeout(function () { status.textContent = ""; }, 2500);
    }
    bar.appendChild(status);
    bar.appendChild(button);
    return bar;
  }

  function addCopyButtons() {
    document.querySelectorAll(".code-block").forEach(function (block) {
      var before = block.previousElementSibling;
      if (before && before.classList.contains("code-tools")) return;
      block.parentNode.insertBefore(copyBar(block), block);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addCopyButtons);
  } else {
    addCopyButtons();
  }
  document.addEventListener("htmx:afterSettle", addCopyButtons);
})();
