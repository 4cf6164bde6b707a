// Stream reads as a client sees them: the JSON object of a page and the NDJSON
// body (one record per line, then {"next_offset":N}), without a socket.
#include "api/ndjson_records.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "api/stream_handlers.h"
#include "clock/clock.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

NewRecord new_record(std::string stream, std::uint64_t seq) {
  NewRecord record;
  record.stream = std::move(stream);
  record.received_at_ms = 1000 + static_cast<std::int64_t>(seq);
  record.device_id = "d1";
  record.seq = seq;
  record.topic = "devices/d1/telemetry";
  record.payload = "{\"n\":" + std::to_string(seq) + "}";
  return record;
}

std::string line_of(std::uint64_t offset, std::uint64_t seq) {
  return "{\"offset\":" + std::to_string(offset) +
         ",\"received_at_ms\":" + std::to_string(1000 + seq) +
         ",\"device\":\"d1\",\"seq\":" + std::to_string(seq) +
         ",\"topic\":\"devices/d1/telemetry\",\"payload\":{\"n\":" + std::to_string(seq) + "}}\n";
}

struct Fixture {
  MemoryStreamStore store;
  ManualClock clock{5000};
  StreamHandlers handlers{store, clock};

  void append(std::string_view stream, std::uint64_t count) {
    std::vector<NewRecord> records;
    for (std::uint64_t seq = 0; seq < count; ++seq) {
      records.push_back(new_record(std::string(stream), seq));
    }
    REQUIRE(store.append_batch(records).ok());
  }
};

// The whole body, and how many parts it came in.
struct Body {
  std::string text;
  int parts = 0;
};

Body body_of(NdjsonRecords& records) {
  Body body;
  for (std::string part = records.next_part(); !part.empty(); part = records.next_part()) {
    body.text += part;
    ++body.parts;
  }
  return body;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  CHECK(start == text.size());  // every line ends with a newline
  return lines;
}

// A store whose reads fail after the first one (the database went away).
class FailingStore final : public StreamStore {
 public:
  explicit FailingStore(StreamStore& inner) : inner_(inner) {}
  Result<AppendResult> append(const NewRecord& record) override { return inner_.append(record); }
  Result<std::vector<AppendResult>> append_batch(std::span<const NewRecord> records) override {
    return inner_.append_batch(records);
  }
  Result<std::vector<StreamRecord>> read(std::string_view stream, std::uint64_t from,
                                         std::size_t limit) const override {
    if (++reads_ > 1) return make_error(ErrorCode::internal, "disk gone");
    return inner_.read(stream, from, limit);
  }
  Result<std::vector<StreamInfo>> list() const override { return inner_.list(); }
  Result<StreamInfo> stream_info(std::string_view stream) const override {
    return inner_.stream_info(stream);
  }

 private:
  StreamStore& inner_;
  mutable int reads_ = 0;
};

}  // namespace

TEST_CASE("a page as a JSON object: the records, then where to continue") {
  Fixture f;
  f.append("alerts", 3);
  std::string_view from = "1";
  const ApiResponse page = f.handlers.read("alerts", {from, {}, {}}, {}, {});
  REQUIRE(page.status == 200);
  std::string first = line_of(1, 1), second = line_of(2, 2);
  first.pop_back();
  second.pop_back();
  CHECK(page.body ==
        "{\"stream\":\"alerts\",\"records\":[" + first + "," + second + "],\"next_offset\":3}");
  std::string_view beyond = "7";
  CHECK(f.handlers.read("alerts", {beyond, {}, {}}, {}, {}).body ==
        R"({"stream":"alerts","records":[],"next_offset":7})");
}

TEST_CASE("an NDJSON read gives one line per record, then the next offset") {
  Fixture f;
  f.append("alerts", 3);
  std::string_view limit = "2";
  auto records = f.handlers.read_ndjson("alerts", {}, limit, {});
  REQUIRE(records.ok());
  CHECK(body_of(*records).text == line_of(0, 0) + line_of(1, 1) + "{\"next_offset\":2}\n");
}

TEST_CASE("an empty NDJSON read is only the next offset") {
  Fixture f;
  auto telemetry = f.handlers.read_ndjson("telemetry", {}, {}, {});
  REQUIRE(telemetry.ok());
  CHECK(body_of(*telemetry).text == "{\"next_offset\":0}\n");
  f.append("alerts", 2);
  std::string_view from = "5";
  auto past_the_end = f.handlers.read_ndjson("alerts", {from, {}, {}}, {}, {});
  REQUIRE(past_the_end.ok());
  CHECK(body_of(*past_the_end).text == "{\"next_offset\":5}\n");
}

TEST_CASE("a large NDJSON read comes in parts, every record once, up to the limit") {
  Fixture f;
  const std::uint64_t stored = 2 * kRecordsPerNdjsonPart + 345;
  f.append("alerts", stored);
  for (const std::uint64_t limit : {stored - 345, stored, stored + 1000}) {
    CAPTURE(limit);
    const std::string limit_text = std::to_string(limit);
    auto records = f.handlers.read_ndjson("alerts", {}, std::string_view(limit_text), {});
    REQUIRE(records.ok());
    const Body body = body_of(*records);
    CHECK(body.parts >= 2);
    const auto lines = lines_of(body.text);
    const std::uint64_t expected = std::min(limit, stored);
    REQUIRE(lines.size() == expected + 1);
    for (std::uint64_t offset = 0; offset < expected; ++offset) {
      REQUIRE(json::parse(lines[offset]).at("offset") == offset);
    }
    CHECK(lines.back() == "{\"next_offset\":" + std::to_string(expected) + "}");
  }
}

TEST_CASE("bad NDJSON reads are refused before anything is sent") {
  Fixture f;
  f.append("alerts", 1);
  const auto code = [&](std::optional<std::string_view> limit,
                        std::optional<std::string_view> wait_ms, std::string_view stream) {
    auto records = f.handlers.read_ndjson(stream, {}, limit, wait_ms);
    return records.ok() ? std::optional<ErrorCode>() : records.error().code;
  };
  CHECK(code("0", {}, "alerts") == ErrorCode::invalid_argument);
  CHECK(code("1000001", {}, "alerts") == ErrorCode::invalid_argument);
  CHECK(code("1000000", {}, "alerts") == std::nullopt);
  CHECK(code({}, "60001", "alerts") == ErrorCode::invalid_argument);
  CHECK(code({}, {}, "missing") == ErrorCode::not_found);
  // The JSON object keeps its own limit.
  std::string_view big = "10001";
  CHECK(f.handlers.read("alerts", {}, big, {}).status == 400);
}

TEST_CASE("a failure after the first part ends the NDJSON body with an error line") {
  MemoryStreamStore memory;
  FailingStore store(memory);
  ManualClock clock{5000};
  StreamHandlers handlers(store, clock);
  std::vector<NewRecord> batch;
  for (std::uint64_t seq = 0; seq < kRecordsPerNdjsonPart + 1; ++seq) {
    batch.push_back(new_record("alerts", seq));
  }
  REQUIRE(store.append_batch(batch).ok());
  std::string_view limit = "100000";
  auto records = handlers.read_ndjson("alerts", {}, limit, {});
  REQUIRE(records.ok());
  const auto lines = lines_of(body_of(*records).text);
  REQUIRE(lines.size() == kRecordsPerNdjsonPart + 1);
  CHECK(json::parse(lines[kRecordsPerNdjsonPart - 1]).at("offset") == kRecordsPerNdjsonPart - 1);
  CHECK(json::parse(lines.back()) ==
        json{{"error", {{"code", "internal"}, {"message", "disk gone"}}}});
}

TEST_CASE("an NDJSON long-poll answers as soon as a record arrives") {
  Fixture f;
  f.append("alerts", 1);
  std::string_view from = "1", wait = "20000";
  const auto started = std::chrono::steady_clock::now();
  std::thread appender([&] {
    std::this_thread::sleep_for(50ms);
    REQUIRE(f.store.append(new_record("alerts", 1)).ok());
  });
  auto records = f.handlers.read_ndjson("alerts", {from, {}, {}}, {}, wait);
  appender.join();
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  REQUIRE(records.ok());
  CHECK(body_of(*records).text == line_of(1, 1) + "{\"next_offset\":2}\n");
}
