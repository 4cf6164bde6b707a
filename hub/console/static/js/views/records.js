// The newest records of a stream, then new ones as they come: dead letters
// (with the reason each was refused) and the audit stream (who did what).

import { enc, newestRecords } from "../api.js";
import { badge, h, replace, time } from "../dom.js";
import { showError } from "../notice.js";
import { followEvents } from "../sse.js";
import { liveIndicator } from "./live.js";
import { deviceCell, payloadCell } from "./record_cells.js";

const ROWS = 200;

function recordsView(main, { stream, title, id, columns, row, empty }) {
  const controller = new AbortController();
  const body = h("tbody");
  const live = liveIndicator();
  replace(main,
    h("div", { class: "title-row" }, h("h1", {}, title), live.element,
      h("a", { class: "muted", href: "#/streams/" + enc(stream) }, `stream ${stream}`)),
    h("table", { id, class: "list records" },
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))),
      body));
  const placeholder = h("tr", { class: "placeholder" }, h("td", { colspan: columns.length, class: "empty" }, empty));
  (async () => {
    try {
      const { records, next } = await newestRecords(stream, 50);
      replace(body, records.length ? records.map(row) : placeholder);
      followEvents(stream, { from: next }, {
        signal: controller.signal,
        onState: live.set,
        onRecord: (record) => {
          placeholder.remove();
          body.prepend(row(record));
          while (body.rows.length > ROWS) body.lastElementChild.remove();
        },
      });
    } catch (error) {
      showError(error, title);
    }
  })();
  return () => controller.abort();
}

export function deadLettersView(main) {
  return recordsView(main, {
    stream: "deadletter", title: "Dead letters", id: "deadletters",
    columns: ["Offset", "Received", "Device", "Topic", "Reason", "Payload"],
    empty: "No dead letters: everything the hub received was accepted.",
    row: (r) => h("tr", { dataset: { offset: r.offset } },
      h("td", { class: "number" }, String(r.offset)),
      h("td", {}, time(r.received_at_ms)),
      deviceCell(r),
      h("td", { class: "mono" }, r.topic || "—"),
      h("td", { class: "reason" }, r.reason || "—"),
      payloadCell(r)),
  });
}

export function auditView(main) {
  return recordsView(main, {
    stream: "audit", title: "Audit", id: "audit",
    columns: ["When", "Operator", "Role", "Request", "Target", "Result"],
    empty: "No writes through the API yet.",
    row: (r) => {
      const a = r.payload || {};
      const ok = a.status >= 200 && a.status < 300;
      return h("tr", { dataset: { offset: r.offset } },
        h("td", {}, time(a.at_ms ?? r.received_at_ms)),
        h("td", {}, a.operator),
        h("td", {}, a.role),
        h("td", { class: "mono" }, `${a.method} ${a.route}`),
        h("td", { class: "mono" }, a.target || "—"),
        h("td", {}, badge(String(a.status), ok ? "ok" : "failed")));
    },
  });
}
