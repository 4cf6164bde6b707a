#include "api/stream_routes.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace edgehub::hub {
namespace {

constexpr const char* kNdjson = "application/x-ndjson";
// How long an event stream waits in one go: bounds how late it notices that
// the client left or the server stops.
constexpr std::chrono::milliseconds kEventWaitSlice{1000};
// A comment line this often keeps proxies and clients from timing out.
constexpr std::chrono::seconds kKeepAliveInterval{15};
constexpr std::size_t kEventBatch = 500;

// The state of one event stream between calls of httplib's content provider.
struct EventStream {
  std::string stream;
  std::optional<std::string> device;  // ?device=: that device's records only
  std::uint64_t next_offset = 0;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
  StreamHandlers::TailSlot slot;
};

void serve_events(const httplib::Request& request, httplib::Response& response,
                  StreamHandlers& streams, const std::atomic<bool>& stopping) {
  const std::string stream = request.matches[1].str();
  const auto from = query_parameter(request, "from");
  const auto from_time = query_parameter(request, "from_time");
  const auto group = query_parameter(request, "group");
  auto device = query_parameter(request, "device");
  if (device && device->empty()) {
    return reply(response, error_response(make_error(ErrorCode::invalid_argument,
                                                     "query parameter 'device' is empty")));
  }
  ReadStart start{as_view(from), as_view(from_time), as_view(group)};
  // A reconnecting EventSource continues after the last event it saw.
  std::optional<std::string> resume_from;
  if (request.has_header("Last-Event-ID") && !from && !from_time && !group) {
    try {
      resume_from = std::to_string(std::stoull(request.get_header_value("Last-Event-ID")) + 1);
      start.from = *resume_from;
    } catch (const std::exception&) {
      reply(response, error_response(make_error(ErrorCode::invalid_argument,
                                                "Last-Event-ID must be an offset")));
      return;
    }
  }
  auto first = streams.start_offset(stream, start);
  if (!first) return reply(response, error_response(first.error()));
  auto slot = streams.acquire_tail_slot();
  if (!slot) return reply(response, error_response(slot.error()));

  auto state = std::make_shared<EventStream>(EventStream{
      stream, std::move(device), *first, std::chrono::steady_clock::now(), std::move(*slot)});
  response.set_header("Cache-Control", "no-store");
  response.set_chunked_content_provider(
      "text/event-stream", [state, &streams, &stopping](std::size_t, httplib::DataSink& sink) {
        if (stopping || !sink.is_writable()) return false;
        auto batch =
            streams.read_batch(state->stream, state->next_offset, kEventBatch, as_view(state->device));
        if (!batch) {
          const std::string text = "event: error\ndata: " + batch.error().message + "\n\n";
          sink.write(text.data(), text.size());
          sink.done();
          return true;
        }
        // Records of other devices skipped (?device=) move the position too.
        const bool skipped = batch->next_offset != state->next_offset;
        state->next_offset = batch->next_offset;
        if (!batch->records.empty()) {
          std::string text;
          for (std::size_t i = 0; i < batch->records.size(); ++i) {
            text += server_sent_event(batch->offsets[i], batch->records[i]);
          }
          state->last_write = std::chrono::steady_clock::now();
          return sink.write(text.data(), text.size());
        }
        if (std::chrono::steady_clock::now() - state->last_write >= kKeepAliveInterval) {
          static constexpr std::string_view kKeepAlive = ": keep-alive\n\n";
          state->last_write = std::chrono::steady_clock::now();
          return sink.write(kKeepAlive.data(), kKeepAlive.size());
        }
        if (skipped) return true;  // read on at once: the batch may have been full
        streams.wait_for_records(state->stream, state->next_offset, kEventWaitSlice);
        return !stopping;
      });
}

// ?format=json|ndjson, else the Accept header: NDJSON when it names
// application/x-ndjson, else the JSON object. nullopt for an unknown format.
std::optional<bool> wants_ndjson(const httplib::Request& request) {
  if (request.has_param("format")) {
    const std::string format = request.get_param_value("format");
    if (format == "ndjson") return true;
    if (format == "json") return false;
    return std::nullopt;
  }
  return request.get_header_value("Accept").find(kNdjson) != std::string::npos;
}

void serve_records(const httplib::Request& request, httplib::Response& response,
                   StreamHandlers& streams, const std::atomic<bool>& stopping) {
  const auto from = query_parameter(request, "from");
  const auto from_time = query_parameter(request, "from_time");
  const auto group = query_parameter(request, "group");
  const auto limit = query_parameter(request, "limit");
  const auto wait_ms = query_parameter(request, "wait_ms");
  const ReadStart start{as_view(from), as_view(from_time), as_view(group)};
  const auto ndjson = wants_ndjson(request);
  if (!ndjson) {
    return reply(response, error_response(make_error(
                               ErrorCode::invalid_argument,
                               "query parameter 'format' must be \"json\" or \"ndjson\"")));
  }
  if (!*ndjson) {
    return reply(response,
                 streams.read(request.matches[1].str(), start, as_view(limit), as_view(wait_ms)));
  }
  auto records =
      streams.read_ndjson(request.matches[1].str(), start, as_view(limit), as_view(wait_ms));
  if (!records) return reply(response, error_response(records.error()));
  auto body = std::make_shared<NdjsonRecords>(std::move(*records));
  response.set_chunked_content_provider(kNdjson,
                                        [body, &stopping](std::size_t, httplib::DataSink& sink) {
                                          if (stopping) return false;
                                          const std::string part = body->next_part();
                                          if (part.empty()) {
                                            sink.done();
                                            return true;
                                          }
                                          return sink.write(part.data(), part.size());
                                        });
}

}  // namespace

std::string server_sent_event(std::uint64_t offset, std::string_view record_json) {
  std::string event = "id: " + std::to_string(offset) + "\nevent: record\ndata: ";
  for (char c : record_json) {
    if (c == '\n') {
      event += "\ndata: ";
    } else if (c != '\r') {
      event += c;
    }
  }
  event += "\n\n";
  return event;
}

void route_streams(ApiRouter& router, StreamHandlers& streams, const std::atomic<bool>& stopping) {
  router.get("/api/v1/streams", [&streams](const httplib::Request&, httplib::Response& response) {
    reply(response, streams.list());
  });
  router.post("/api/v1/streams",
              [&streams](const httplib::Request& request, httplib::Response& response) {
                reply(response, streams.create(request.body));
              });
  router.get(R"(/api/v1/streams/([^/]+))",
             [&streams](const httplib::Request& request, httplib::Response& response) {
               reply(response, streams.info(request.matches[1].str()));
             });
  router.patch(R"(/api/v1/streams/([^/]+))",
               [&streams](const httplib::Request& request, httplib::Response& response) {
                 reply(response, streams.configure(request.matches[1].str(), request.body));
               });
  router.get(R"(/api/v1/streams/([^/]+)/records)",
             [&streams, &stopping](const httplib::Request& request, httplib::Response& response) {
               serve_records(request, response, streams, stopping);
             });
  router.get(R"(/api/v1/streams/([^/]+)/events)",
             [&streams, &stopping](const httplib::Request& request, httplib::Response& response) {
               serve_events(request, response, streams, stopping);
             });
  router.get(R"(/api/v1/streams/([^/]+)/groups)",
             [&streams](const httplib::Request& request, httplib::Response& response) {
               reply(response, streams.groups(request.matches[1].str()));
             });
  router.post(R"(/api/v1/streams/([^/]+)/groups/([^/]+)/commit)",
              [&streams](const httplib::Request& request, httplib::Response& response) {
                reply(response, streams.commit(request.matches[1].str(), request.matches[2].str(),
                                               request.body));
              });
}

}  // namespace edgehub::hub
