// Server-Sent Events over fetch(): EventSource cannot send the
// Authorization header, a fetch() with a ReadableStream body can. The parser
// is the text/event-stream format (id, event, data lines; comments and
// blank-line dispatch); followEvents() reconnects with Last-Event-ID.

import { ApiError, errorFrom, token } from "./api.js";

export class EventParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    this.reset();
  }
  reset() {
    this.id = null;
    this.event = "message";
    this.data = [];
  }
  push(text) {
    this.buffer += text;
    let newline;
    while ((newline = this.buffer.search(/\r\n|\n|\r/)) >= 0) {
      // A CR at the end may be the first half of a CRLF split across chunks.
      if (newline === this.buffer.length - 1 && this.buffer[newline] === "\r") break;
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith("\r\n", newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      this.line(line);
    }
  }
  line(line) {
    if (line === "") {
      if (this.data.length > 0) {
        this.onEvent({ id: this.id, event: this.event, data: this.data.join("\n") });
      }
      this.reset();
      return;
    }
    if (line.startsWith(":")) return; // keep-alive comment
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id") this.id = value;
    else if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
  }
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

// Follows GET /api/v1/streams/{stream}/events with the query `position`
// ({from} | {from_time}, and optionally {device}) until `signal` aborts.
// onRecord(record) for each record; onState("live" | "reconnecting", error).
// After a lost connection it continues after the last event seen.
export async function followEvents(stream, position, { signal, onRecord, onState = () => {} }) {
  let lastId = null;
  let delay = 500;
  while (!signal.aborted) {
    const query = new URLSearchParams();
    if (position.device) query.set("device", position.device);
    const headers = { Authorization: "Bearer " + (token() || ""), Accept: "text/event-stream" };
    if (lastId !== null) {
      headers["Last-Event-ID"] = lastId;
    } else {
      if (position.from !== undefined) query.set("from", String(position.from));
      if (position.from_time !== undefined) query.set("from_time", String(position.from_time));
    }
    try {
      const response = await fetch(
        `/api/v1/streams/${encodeURIComponent(stream)}/events?${query}`,
        { headers, signal, cache: "no-store" },
      );
      if (!response.ok) throw await errorFrom(response);
      onState("live");
      delay = 500;
      let streamError = null;
      const parser = new EventParser((event) => {
        if (event.id !== null) lastId = event.id;
        if (event.event === "record") onRecord(JSON.parse(event.data));
        else if (event.event === "error") streamError = new ApiError(500, "internal", event.data);
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.push(value);
        if (streamError) throw streamError;
      }
      if (!signal.aborted) onState("reconnecting", new Error("the hub ended the event stream"));
    } catch (error) {
      if (signal.aborted) return;
      onState("reconnecting", error);
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return;
    }
    await sleep(delay, signal);
    delay = Math.min(delay * 2, 10000);
  }
}
