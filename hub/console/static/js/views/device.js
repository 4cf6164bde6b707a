// One device: presence (live), a live chart of its telemetry (numeric
// fields, one line each; the hub's event stream filtered to this device),
// its twin (desired, reported, versions; operators edit desired) and its
// commands (operators send one and see the answer; the history with states).

import { enc, get, patch, post } from "../api.js";
import { ago, badge, h, json, panel, replace, time } from "../dom.js";
import { showError } from "../notice.js";
import { mayOperate } from "../session.js";
import { followEvents } from "../sse.js";
import { LiveChart } from "../chart.js";
import { liveIndicator } from "./live.js";

const CHART_HISTORY_MS = 2 * 60 * 1000;

export function deviceView(main, id) {
  const controller = new AbortController();
  const timers = [];
  const path = "/api/v1/devices/" + enc(id);

  const summary = h("div", { id: "device-summary", class: "summary" }, "Loading…");
  const live = liveIndicator();
  const canvas = h("canvas", { id: "telemetry-chart", class: "chart", dataset: { points: "0" } });
  const legend = h("div", { id: "chart-legend", class: "legend" });
  const latest = h("pre", { id: "last-telemetry", class: "json small" }, "—");
  const twin = h("div", { id: "twin" }, "Loading…");
  const answer = h("div", { id: "command-answer", class: "answer", "aria-live": "polite" });
  const history = h("tbody");

  replace(
    main,
    h("p", { class: "crumbs" }, h("a", { href: "#/devices" }, "Devices"), " / ", id),
    h("div", { class: "title-row" }, h("h1", { id: "device-id" }, id), summary),
    panel("Telemetry", { id: "telemetry-panel" },
      h("div", { class: "panel-tools" }, live.element, legend),
      canvas,
      h("details", {}, h("summary", {}, "Last record"), latest)),
    h("div", { class: "columns" },
      panel("Twin", { id: "twin-panel" }, twin, mayOperate() ? twinEditor() : null),
      panel("Commands", { id: "commands-panel" },
        mayOperate() ? commandForm() : null,
        answer,
        h("h3", {}, "History"),
        h("table", { id: "command-history", class: "list compact" },
          h("thead", {}, h("tr", {}, h("th", {}, "Sent"), h("th", {}, "Command"), h("th", {}, "State"),
            h("th", {}, "Status"), h("th", {}, "Answer"))),
          history))),
  );

  const chart = new LiveChart(canvas, legend);

  async function loadDevice() {
    const device = await get(path);
    replace(summary,
      h("span", { id: "device-connection" }, badge(device.connection)),
      h("span", { class: "muted" }, device.connection === "connected" ? " since " : " last seen ",
        h("span", { title: time(device.last_seen_ms) }, ago(device.last_seen_ms))),
      " ", badge(device.status),
      Object.keys(device.attributes || {}).length
        ? h("span", { class: "muted" }, " attributes ", h("code", {}, JSON.stringify(device.attributes)))
        : null);
  }

  let twinVersion = null;
  async function loadTwin() {
    const current = await get(path + "/twin");
    twinVersion = current.desired.version;
    replace(twin,
      h("div", { class: "twin-side" },
        h("h3", {}, "Desired ", h("span", { id: "twin-desired-version", class: "version" }, `v${current.desired.version}`)),
        h("pre", { id: "twin-desired", class: "json" }, json(current.desired.properties)),
        h("p", { class: "muted small" }, "updated ", time(current.desired.updated_at_ms),
          ", device applied ", h("span", { id: "twin-acknowledged" }, `v${current.desired_acknowledged_version ?? "—"}`))),
      h("div", { class: "twin-side" },
        h("h3", {}, "Reported ", h("span", { id: "twin-reported-version", class: "version" }, `v${current.reported.version}`)),
        h("pre", { id: "twin-reported", class: "json" }, json(current.reported.properties)),
        h("p", { class: "muted small" }, "updated ", time(current.reported.updated_at_ms))));
  }

  function twinEditor() {
    const text = h("textarea", { id: "twin-patch", rows: 3, spellcheck: "false" }, '{"interval_ms": 1000}');
    const error = h("p", { id: "twin-error", class: "form-error", role: "alert" });
    const form = h("form", { id: "twin-edit", class: "inline-form" },
      h("label", { for: "twin-patch" }, "Change desired (JSON merge patch; null removes a key)"),
      text,
      h("button", { type: "submit", id: "twin-save" }, "Save desired"),
      error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      let change;
      try {
        change = JSON.parse(text.value);
      } catch (parse) {
        error.textContent = "Not JSON: " + parse.message;
        return;
      }
      try {
        // The version seen: a change someone else made meanwhile is refused (409), not overwritten.
        await patch(path + "/twin", { desired: change, version: twinVersion });
        await loadTwin();
      } catch (failure) {
        error.textContent = failure.message;
      }
    });
    return form;
  }

  function commandForm() {
    const name = h("input", { id: "command-name", value: "ping", required: true, autocomplete: "off" });
    const payload = h("textarea", { id: "command-payload", rows: 2, spellcheck: "false" }, "{}");
    const timeout = h("input", { id: "command-timeout", type: "number", min: 1, max: 300000, value: 10000 });
    const button = h("button", { type: "submit", id: "command-submit" }, "Send command");
    const form = h("form", { id: "command-send", class: "inline-form" },
      h("label", { for: "command-name" }, "Command"), name,
      h("label", { for: "command-payload" }, "Payload (JSON)"), payload,
      h("label", { for: "command-timeout" }, "Wait for the answer (ms)"), timeout,
      button);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      let body;
      try {
        body = { name: name.value.trim(), payload: JSON.parse(payload.value || "{}"), timeout_ms: Number(timeout.value) };
      } catch (parse) {
        replace(answer, h("p", { class: "form-error" }, "Payload is not JSON: " + parse.message));
        return;
      }
      button.disabled = true;
      replace(answer, h("p", { class: "muted" }, `Sent ${body.name}, waiting for ${id}…`));
      try {
        const result = await post(path + "/commands", body);
        answer.dataset.status = String(result.status);
        replace(answer,
          h("p", {}, badge(result.state), ` ${result.name} answered `,
            h("strong", { id: "command-status" }, String(result.status)), ` in ${result.latency_ms} ms`),
          h("pre", { id: "command-result", class: "json" }, json(result.payload)));
      } catch (failure) {
        delete answer.dataset.status;
        replace(answer, h("p", { class: "form-error", id: "command-error" }, failure.message));
      } finally {
        button.disabled = false;
        loadCommands().catch((error) => showError(error, "Commands"));
      }
    });
    return form;
  }

  async function loadCommands() {
    const { commands } = await get(`/api/v1/commands?device=${enc(id)}&limit=20`);
    replace(history, commands.length
      ? commands.map((c) => h("tr", { dataset: { command: c.id, state: c.state } },
        h("td", { title: c.id }, time(c.created_at_ms)),
        h("td", {}, c.name, c.job ? h("span", { class: "muted" }, ` (job ${c.job})`) : null),
        h("td", {}, badge(c.state)),
        h("td", {}, c.response ? String(c.response.status) : "—"),
        h("td", { class: "truncate" }, c.response ? JSON.stringify(c.response.payload) : "")))
      : h("tr", {}, h("td", { colspan: 5, class: "empty" }, "No commands yet.")));
  }

  // A device that does not exist (or was removed) stops the re-reading.
  const reportErrors = (context) => (error) => {
    if (error.status === 404) timers.forEach(clearInterval);
    showError(error, context);
  };
  loadDevice().catch(reportErrors("Device"));
  loadTwin().catch(reportErrors("Twin"));
  loadCommands().catch(reportErrors("Commands"));
  // The twin's reported side and the command history change on the device's
  // side; there is no event stream of them, so they are read again (and the
  // device, whose "since" ages).
  timers.push(setInterval(() => {
    loadDevice().catch(reportErrors("Device"));
    loadTwin().catch(reportErrors("Twin"));
    loadCommands().catch(reportErrors("Commands"));
  }, 5000));

  followEvents("telemetry", { from_time: Date.now() - CHART_HISTORY_MS, device: id }, {
    signal: controller.signal,
    onState: live.set,
    onRecord: (record) => {
      chart.addRecord(record);
      latest.textContent = json(record);
    },
  });
  // Presence: the device's lifecycle events from now on (the stream's end).
  get("/api/v1/streams/lifecycle")
    .then((lifecycle) =>
      followEvents("lifecycle", { from: lifecycle.next_offset, device: id }, {
        signal: controller.signal,
        onRecord: () => loadDevice().catch(reportErrors("Device")),
      }))
    .catch(reportErrors("Presence"));

  return () => {
    controller.abort();
    timers.forEach(clearInterval);
    chart.destroy();
  };
}
