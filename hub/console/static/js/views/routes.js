// Routes: condition, projection, target stream and counters; admins add
// and delete them (the hub compiles the condition and says why it does
// not, which is shown as it is).

import { del, enc, get, post } from "../api.js";
import { badge, h, replace, time } from "../dom.js";
import { showError } from "../notice.js";
import { mayAdminister } from "../session.js";

export function routesView(main) {
  const body = h("tbody");
  const admin = mayAdminister();
  replace(main,
    h("div", { class: "title-row" }, h("h1", {}, "Routes")),
    admin ? addForm() : null,
    h("table", { id: "routes", class: "list" },
      h("thead", {}, h("tr", {}, ["Route", "Condition", "Projection", "Stream", "Matched", "Errors", "Created", admin ? "" : null]
        .filter((t) => t !== null).map((t) => h("th", {}, t)))),
      body));

  async function load() {
    const { routes } = await get("/api/v1/routes");
    replace(body, routes.length
      ? routes.map((r) => h("tr", { dataset: { route: r.name } },
        h("td", {}, r.name, r.disabled ? [" ", badge("disabled", "failed")] : null),
        h("td", { class: "mono" }, r.condition),
        h("td", { class: "mono" }, r.projection ?? "(the data as is)"),
        h("td", {}, h("a", { href: "#/streams/" + enc(r.stream) }, r.stream)),
        h("td", { class: "number" }, String(r.matched ?? 0)),
        h("td", { class: "number" }, String(r.errors ?? 0)),
        h("td", {}, time(r.created_at_ms)),
        admin ? h("td", {}, h("button", {
          type: "button", class: "quiet small danger",
          onclick: async () => {
            if (!confirm(`Delete route ${r.name}?`)) return;
            try {
              await del("/api/v1/routes/" + enc(r.name));
              await load();
            } catch (error) {
              showError(error, "Delete route " + r.name);
            }
          },
        }, "Delete")) : null))
      : h("tr", {}, h("td", { colspan: 8, class: "empty" }, "No routes.")));
  }

  function addForm() {
    const name = h("input", { id: "route-name", required: true, placeholder: "hot-boilers" });
    const condition = h("input", { id: "route-condition", required: true, placeholder: "$.temperature > 30" });
    const projection = h("input", { id: "route-projection", placeholder: "optional, e.g. json_object('t', $.temperature)" });
    const stream = h("input", { id: "route-stream", required: true, placeholder: "hot" });
    const error = h("p", { id: "route-error", class: "form-error", role: "alert" });
    const form = h("form", { id: "route-add", class: "panel row-form" },
      h("h2", {}, "Add a route"),
      h("label", {}, "Name", name), h("label", {}, "Condition (SQL)", condition),
      h("label", {}, "Projection", projection), h("label", {}, "Stream", stream),
      h("button", { type: "submit" }, "Add route"), error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      try {
        const route = { name: name.value.trim(), condition: condition.value, stream: stream.value.trim() };
        if (projection.value.trim()) route.projection = projection.value;
        await post("/api/v1/routes", route);
        form.reset();
        await load();
      } catch (failure) {
        error.textContent = failure.message;
      }
    });
    return form;
  }

  load().catch((error) => showError(error, "Routes"));
  const timer = setInterval(() => load().catch((error) => showError(error, "Routes")), 5000);
  return () => clearInterval(timer);
}
