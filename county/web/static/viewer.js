// Zoom and rotate a receipt image beside its fields. No framework, no network.
"use strict";
document.querySelectorAll("[data-viewer]").forEach(function (viewer) {
  var img = viewer.querySelector("img");
  var state = { zoom: 1, turn: 0 };
  function apply() {
    img.style.transform = "scale(" + state.zoom + ") rotate(" + state.turn + "deg)";
    viewer.classList.toggle("zoomed", state.zoom > 1);
  }
  viewer.querySelectorAll("button[data-act]").forEach(function (button) {
    button.addEventListener("click", function () {
      var act = button.getAttribute("data-act");
      if (act === "zoom-in") { state.zoom = Math.min(state.zoom * 1.25, 6); }
      if (act === "zoom-out") { state.zoom = Math.max(state.zoom / 1.25, 0.5); }
      if (act === "rotate") { state.turn = (state.turn + 90) % 360; }
      if (act === "reset") { state.zoom = 1; state.turn = 0; }
      apply();
    });
  });
  img.addEventListener("wheel", function (event) {
    if (!event.ctrlKey) { return; }
    event.preventDefault();
    state.zoom = Math.min(Math.max(state.zoom * (event.deltaY < 0 ? 1.1 : 0.9), 0.5), 6);
    apply();
  });
});
