// Devices with live presence: the list, then the `lifecycle` stream's
// events (connected / disconnected) applied as they come; "last seen" ages
// every second. Admins may disable and enable a device.

import { enc, get, listDevices, post } from "../api.js";
import { ago, badge, h, replace, time } from "../dom.js";
import { showError } from "../notice.js";
import { mayAdminister } from "../session.js";
import { followEvents } from "../sse.js";
import { liveIndicator } from "./live.js";

export function deviceListView(main) {
  const controller = new AbortController();
  const body = h("tbody");
  const live = liveIndicator();
  const count = h("span", { class: "count" });
  replace(
    main,
    h("div", { class: "title-row" }, h("h1", {}, "Devices"), count, live.element),
    h(
      "table",
      { id: "devices", class: "list" },
      h("thead", {}, h("tr", {}, h("th", {}, "Device"), h("th", {}, "Presence"),
        h("th", {}, "Last seen"), h("th", {}, "Status"), h("th", {}, "Role"),
        h("th", {}, "Limit hits"), mayAdminister() ? h("th", {}, "") : null)),
      body,
    ),
  );
  const devices = new Map();

  function row(device) {
    const hits = Object.values(device.limit_hits || {}).reduce((a, b) => a + b, 0);
    return h(
      "tr",
      { dataset: { device: device.id, connection: device.connection } },
      h("td", {}, h("a", { href: "#/devices/" + enc(device.id) }, device.id)),
      h("td", { class: "connection" }, badge(device.connection)),
      // A connected device is seen now; last_seen_ms is then when it connected.
      device.connection === "connected"
        ? h("td", { title: "connected since " + time(device.last_seen_ms) }, "now")
        : h("td", { class: "last-seen", title: time(device.last_seen_ms), dataset: { ms: device.last_seen_ms ?? "" } },
          ago(device.last_seen_ms)),
      h("td", {}, badge(device.status)),
      h("td", {}, device.role),
      h("td", {}, String(hits)),
      mayAdminister() ? h("td", {}, enableButton(device)) : null,
    );
  }

  function enableButton(device) {
    const disable = device.status === "enabled";
    return h("button", {
      type: "button", class: "quiet small",
      onclick: async () => {
        try {
          await post(`/api/v1/devices/${enc(device.id)}/${disable ? "disable" : "enable"}`);
          await load();
        } catch (error) {
          showError(error, `${disable ? "Disable" : "Enable"} ${device.id}`);
        }
      },
    }, disable ? "Disable" : "Enable");
  }

  function render() {
    const sorted = [...devices.values()].sort((a, b) => a.id.localeCompare(b.id));
    replace(body, sorted.length ? sorted.map(row)
      : h("tr", {}, h("td", { colspan: 7, class: "empty" }, "No devices registered yet.")));
    const connected = sorted.filter((d) => d.connection === "connected").length;
    count.textContent = `${connected} of ${sorted.length} connected`;
  }

  async function load() {
    const list = await listDevices();
    devices.clear();
    for (const device of list) devices.set(device.id, device);
    render();
  }

  const ticker = setInterval(() => {
    for (const cell of body.querySelectorAll("td.last-seen")) {
      if (cell.dataset.ms) cell.textContent = ago(Number(cell.dataset.ms));
    }
  }, 1000);

  (async () => {
    try {
      const lifecycle = await get("/api/v1/streams/lifecycle");
      await load();
      followEvents("lifecycle", { from: lifecycle.next_offset }, {
        signal: controller.signal,
        onState: live.set,
        onRecord: (record) => {
          const event = record.payload && record.payload.event;
          const device = devices.get(record.device);
          if (!device) {
            load().catch((error) => showError(error, "Devices"));
            return;
          }
          if (event === "connected" || event === "disconnected") {
            device.connection = event;
            device.last_seen_ms = record.payload.at_ms ?? record.received_at_ms;
            render();
          }
        },
      });
    } catch (error) {
      showError(error, "Devices");
    }
  })();

  return () => {
    controller.abort();
    clearInterval(ticker);
  };
}
