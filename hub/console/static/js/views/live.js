// The small "live" / "reconnecting" mark next to a view's title: whether
// its event stream is flowing, and why not.

import { h } from "../dom.js";

export function liveIndicator() {
  const element = h("span", { class: "live connecting", title: "connecting" }, "connecting…");
  return {
    element,
    set: (state, error) => {
      element.className = "live " + state;
      element.textContent = state === "live" ? "live" : "reconnecting…";
      element.title = error ? error.message : state;
    },
  };
}
