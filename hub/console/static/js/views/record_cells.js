// How a stream record's parts are shown, shared by the tails, the dead
// letters and the audit: the payload as one line of text (JSON, or the raw
// text or base64 of a dead letter), the device as a link to its page.

import { enc } from "../api.js";
import { h } from "../dom.js";

export function payloadText(record) {
  if (record.payload !== undefined) return JSON.stringify(record.payload);
  if (record.payload_text !== undefined) return record.payload_text;
  return `base64 ${record.payload_base64}`;
}

export function deviceCell(record) {
  return h("td", {}, record.device ? h("a", { href: "#/devices/" + enc(record.device) }, record.device) : "—");
}

export function payloadCell(record) {
  const text = payloadText(record);
  return h("td", { class: "truncate mono", title: text }, text);
}
