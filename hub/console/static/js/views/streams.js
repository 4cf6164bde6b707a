// Streams: offsets, size, retention and rejected appends; one stream's
// consumer groups with their lag and a live tail of its records.

import { enc, get, newestRecords } from "../api.js";
import { bytes, duration, h, panel, replace, time } from "../dom.js";
import { showError } from "../notice.js";
import { followEvents } from "../sse.js";
import { liveIndicator } from "./live.js";
import { deviceCell, payloadCell } from "./record_cells.js";

const TAIL_ROWS = 100;

function retention(r) {
  if (!r) return "—";
  const parts = [];
  if (r.max_age_ms != null) parts.push(`age ${duration(r.max_age_ms)}`);
  if (r.max_bytes != null) parts.push(`size ${bytes(r.max_bytes)}`);
  if (r.max_records != null) parts.push(`${r.max_records} records`);
  if (parts.length === 0) return "no limit";
  return parts.join(", ") + ` (${r.when_full || "delete-oldest"})`;
}

export function streamListView(main) {
  const body = h("tbody");
  replace(main,
    h("div", { class: "title-row" }, h("h1", {}, "Streams")),
    h("table", { id: "streams", class: "list" },
      h("thead", {}, h("tr", {}, ["Stream", "First offset", "Next offset", "Records", "Size", "Retention", "Rejected"]
        .map((title) => h("th", {}, title)))),
      body));
  async function load() {
    const { streams } = await get("/api/v1/streams");
    replace(body, streams.map((s) => h("tr", { dataset: { stream: s.name } },
      h("td", {}, h("a", { href: "#/streams/" + enc(s.name) }, s.name)),
      h("td", { class: "number" }, String(s.first_offset)),
      h("td", { class: "number" }, String(s.next_offset)),
      h("td", { class: "number" }, String(s.record_count)),
      h("td", { class: "number" }, bytes(s.total_bytes)),
      h("td", {}, retention(s.retention)),
      h("td", { class: "number" }, String(s.rejected ?? 0)))));
  }
  load().catch((error) => showError(error, "Streams"));
  const timer = setInterval(() => load().catch((error) => showError(error, "Streams")), 5000);
  return () => clearInterval(timer);
}

function recordRow(record) {
  return h("tr", { dataset: { offset: record.offset } },
    h("td", { class: "number" }, String(record.offset)),
    h("td", {}, time(record.received_at_ms)),
    deviceCell(record),
    payloadCell(record));
}

export function streamView(main, name) {
  const controller = new AbortController();
  const info = h("div", { id: "stream-info", class: "summary" }, "Loading…");
  const groups = h("tbody");
  const tail = h("tbody", { id: "stream-tail" });
  const live = liveIndicator();
  replace(main,
    h("p", { class: "crumbs" }, h("a", { href: "#/streams" }, "Streams"), " / ", name),
    h("div", { class: "title-row" }, h("h1", {}, name), info),
    panel("Consumer groups", {},
      h("table", { id: "stream-groups", class: "list compact" },
        h("thead", {}, h("tr", {}, ["Group", "Committed offset", "Lag", "Updated"].map((t) => h("th", {}, t)))),
        groups)),
    panel("Live tail", {},
      h("div", { class: "panel-tools" }, live.element,
        h("span", { class: "muted" }, `newest first, the last ${TAIL_ROWS}`)),
      h("table", { class: "list compact records" },
        h("thead", {}, h("tr", {}, ["Offset", "Received", "Device", "Payload"].map((t) => h("th", {}, t)))),
        tail)));

  async function load() {
    const [s, g] = await Promise.all([
      get("/api/v1/streams/" + enc(name)),
      get(`/api/v1/streams/${enc(name)}/groups`),
    ]);
    replace(info,
      h("span", {}, `offsets ${s.first_offset} – ${s.next_offset - 1}`),
      h("span", { class: "muted" }, ` · ${s.record_count} records · ${bytes(s.total_bytes)} · retention: ${retention(s.retention)} · rejected ${s.rejected ?? 0}`));
    replace(groups, g.groups.length
      ? g.groups.map((group) => h("tr", { dataset: { group: group.group } },
        h("td", {}, group.group),
        h("td", { class: "number" }, String(group.committed_offset)),
        h("td", { class: "number" }, String(group.lag)),
        h("td", {}, time(group.updated_at_ms))))
      : h("tr", {}, h("td", { colspan: 4, class: "empty" }, "No consumer group has committed yet.")));
  }

  (async () => {
    try {
      await load();
      const { records, next } = await newestRecords(name, 20);
      replace(tail, records.map(recordRow));
      followEvents(name, { from: next }, {
        signal: controller.signal,
        onState: live.set,
        onRecord: (record) => {
          tail.prepend(recordRow(record));
          while (tail.rows.length > TAIL_ROWS) tail.lastElementChild.remove();
        },
      });
    } catch (error) {
      if (error.status === 404) clearInterval(timer);
      showError(error, "Stream " + name);
    }
  })();
  // Offsets and lag are read again; a stream that does not exist stops it
  // (its message stays shown once).
  const timer = setInterval(() => load().catch((error) => {
    if (error.status === 404) clearInterval(timer);
    showError(error, "Stream " + name);
  }), 5000);
  return () => {
    controller.abort();
    clearInterval(timer);
  };
}
