// The console's entry: sign-in, the header, and the router from the URL's
// hash (#/devices, #/devices/<id>, #/streams, #/streams/<name>, #/routes,
// #/deadletters, #/audit) to the views. A view is a function(main, params)
// that fills `main` and returns a cleanup (stopping its live streams).

import { ApiError, clearToken, get, setToken, token, whenUnauthorized } from "./api.js";
import { h, replace } from "./dom.js";
import { session } from "./session.js";
import { showError, clearError } from "./notice.js";
import { deviceListView } from "./views/devices.js";
import { deviceView } from "./views/device.js";
import { streamListView, streamView } from "./views/streams.js";
import { routesView } from "./views/routes.js";
import { deadLettersView, auditView } from "./views/records.js";

const main = document.getElementById("main");
let cleanup = () => {};

const ROUTES = [
  [/^#\/devices\/(.+)$/, "devices", (m) => deviceView(main, decodeURIComponent(m[1]))],
  [/^#\/devices$/, "devices", () => deviceListView(main)],
  [/^#\/streams\/(.+)$/, "streams", (m) => streamView(main, decodeURIComponent(m[1]))],
  [/^#\/streams$/, "streams", () => streamListView(main)],
  [/^#\/routes$/, "routes", () => routesView(main)],
  [/^#\/deadletters$/, "deadletters", () => deadLettersView(main)],
  [/^#\/audit$/, "audit", () => auditView(main)],
];

function route() {
  cleanup();
  cleanup = () => {};
  clearError();
  if (!session.role) return;
  const hash = location.hash || "#/devices";
  for (const [pattern, section, view] of ROUTES) {
    const match = hash.match(pattern);
    if (!match) continue;
    for (const link of document.querySelectorAll("#nav a")) {
      link.classList.toggle("current", link.dataset.section === section);
    }
    const stop = view(match);
    cleanup = typeof stop === "function" ? stop : () => {};
    return;
  }
  location.hash = "#/devices";
}

function showSignIn(message) {
  cleanup();
  cleanup = () => {};
  session.name = session.role = null;
  document.getElementById("nav").hidden = true;
  document.getElementById("who").hidden = true;
  const input = h("input", {
    id: "token", type: "password", autocomplete: "off", required: true,
    placeholder: "operator token (64 hex digits)", "aria-label": "Operator token",
  });
  const error = h("p", { id: "sign-in-error", class: "form-error", role: "alert" }, message || "");
  const form = h(
    "form",
    { id: "sign-in", class: "sign-in panel" },
    h("h1", {}, "Sign in"),
    h("p", { class: "hint" },
      "Paste an operator token (", h("code", {}, "hubctl operators add <name> --role viewer|operator|admin"),
      " prints one). It is kept in this tab only."),
    input,
    h("button", { type: "submit", id: "sign-in-submit" }, "Sign in"),
    error,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    setToken(input.value.trim());
    try {
      await signIn();
    } catch (failure) {
      clearToken();
      error.textContent =
        failure instanceof ApiError && failure.status === 401
          ? "This token is not valid: it is unknown, revoked or mistyped."
          : failure.message;
    }
  });
  replace(main, form);
  input.focus();
}

async function signIn() {
  const me = await get("/api/v1/whoami");
  session.name = me.name;
  session.role = me.role;
  document.getElementById("whoami").textContent = `${me.name} (${me.role})`;
  document.getElementById("who").hidden = false;
  document.getElementById("nav").hidden = false;
  document.body.dataset.role = me.role;
  route();
}

function signOut(message) {
  clearToken();
  delete document.body.dataset.role;
  showSignIn(message);
}

// Only for a signed-in session: a wrong token at sign-in is the form's message.
whenUnauthorized(() => {
  if (session.role) signOut("The hub no longer accepts this token (revoked?): sign in again.");
});
document.getElementById("sign-out").addEventListener("click", () => signOut());
window.addEventListener("hashchange", route);

if (token()) {
  signIn().catch((failure) => {
    if (failure instanceof ApiError && failure.status === 401) {
      clearToken();
      showSignIn("The hub no longer accepts the token of this tab (revoked?): sign in again.");
      return;
    }
    showSignIn();
    showError(failure);
  });
} else {
  showSignIn();
}
