// Telemetry a device sends is stored in the `telemetry` stream, exactly once,
// with its content intact, readable through the REST API and hubctl.
#include <doctest/doctest.h>

#include <set>
#include <sstream>

#include "support/firmware_sim.h"
#include "support/hub_under_test.h"
#include "support/mqtt_cli.h"
#include "support/stream_records.h"
#include "support/text.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// hubctl --json prints either one object {"records": [...]} or one record per line.
std::vector<json> records_printed_by_hubctl(const std::string& output) {
  auto whole = json::parse(output, nullptr, false);
  if (!whole.is_discarded()) {
    if (whole.is_object() && whole.contains("records"))
      return whole.at("records").get<std::vector<json>>();
    if (whole.is_array()) return whole.get<std::vector<json>>();
  }
  std::vector<json> records;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    auto record = json::parse(line, nullptr, false);
    if (!record.is_discarded() && record.is_object() && record.contains("offset"))
      records.push_back(record);
  }
  return records;
}

}  // namespace

TEST_CASE(
    "a simulated device's telemetry is in the telemetry stream once per message, gap-free, in "
    "order") {
  HubUnderTest hub({.name = "telemetry-sim"});
  const auto started_ms = now_ms();
  constexpr int kMessages = 25;
  SimulatorOptions options{.devices = 1,
                           .id_prefix = "tel-",
                           .interval_ms = 20,
                           .count = kMessages,
                           .ack_log = hub.work_dir() / "acks.log"};
  const std::string device = simulator_device_ids(options).front();
  Process simulator = start_firmware_sim(hub, options);

  const auto exit = simulator.wait_for_exit(60s);
  REQUIRE_MESSAGE(exit.has_value(),
                  "firmware-sim did not finish " << kMessages << " messages within 60 s");
  CHECK_MESSAGE(exit->exited_with(0), "firmware-sim " << exit->describe());
  const auto acknowledged = read_ack_log(*options.ack_log);
  REQUIRE(acknowledged.size() == kMessages);

  std::vector<json> records;
  const bool all_stored = wait_until(
      [&] {
        records = hub.read_stream("telemetry");
        return records.size() >= kMessages;
      },
      15s, 100ms);
  INFO("telemetry records: " << json(records).dump());
  REQUIRE_MESSAGE(all_stored,
                  "only " << records.size() << " of " << kMessages << " messages were stored");

  CHECK(records.size() == kMessages);
  CHECK(offset_gap_problem(records) == "");
  std::set<std::uint64_t> acknowledged_seqs;
  for (const auto& [id, seq] : acknowledged) {
    CHECK(id == device);
    acknowledged_seqs.insert(seq);
  }
  std::set<std::uint64_t> stored_seqs;
  std::uint64_t previous_seq = 0;
  for (const auto& record : records) {
    CAPTURE(record.dump());
    CHECK(record.value("device", "") == device);
    CHECK(record.value("topic", "") == "devices/" + device + "/telemetry");
    REQUIRE(record.contains("seq"));
    const auto seq = record.at("seq").get<std::uint64_t>();
    CHECK(seq > previous_seq);  // one device, one connection: stored in sending order
    previous_seq = seq;
    stored_seqs.insert(seq);
    REQUIRE(record.contains("payload"));
    // The simulator's readings (firmware-sim/src/sensor_model.h) arrive whole.
    const auto& data = record.at("payload");
    REQUIRE(data.is_object());
    for (const char* sensor : {"temperature", "humidity", "battery"}) {
      CAPTURE(sensor);
      CHECK(data.contains(sensor));
      CHECK(data.value(sensor, json()).is_number());
    }
    const auto received_at = record.value("received_at_ms", std::int64_t{0});
    CHECK(received_at >= started_ms - 1000);
    CHECK(received_at <= now_ms() + 1000);
  }
  CHECK(stored_seqs == acknowledged_seqs);
}

TEST_CASE("telemetry content is stored exactly as the device sent it") {
  HubUnderTest hub({.name = "telemetry-content"});
  const auto device = hub.register_device("content-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  const std::string topic = "devices/content-1/telemetry";

  // data is "any JSON value, stored as is": nesting, unicode, escapes, numbers
  // a double cannot hold, and non-object values.
  const std::vector<std::string> sent_data = {
      R"({"temperature":21.5,"unit":"°C","ok":true,"none":null})",
      R"({"nested":{"list":[1,2,{"deep":[[]]}],"empty":{}},"text":"quote \" backslash \\ tab \t line\n","emoji":"😀"})",
      R"({"exact":9007199254740993,"negative":-42,"small":1e-7,"max":18446744073709551615})",
      R"([1,"two",3.25])",
      R"("just a string")",
      R"(0)",
  };
  std::uint64_t seq = 1000;
  for (const auto& data : sent_data) {
    const auto result = mqtt_publish(connection, topic, telemetry_payload(++seq, data));
    INFO(result.describe());
    REQUIRE(result.exited_with(0));
  }
  // An envelope without the optional ts is accepted too.
  const auto without_ts = mqtt_publish(connection, topic, R"({"seq":2000,"data":{"no_ts":true}})");
  INFO(without_ts.describe());
  REQUIRE(without_ts.exited_with(0));

  const std::size_t expected = sent_data.size() + 1;
  std::vector<json> records;
  REQUIRE(wait_until(
      [&] {
        records = hub.read_stream("telemetry");
        return records.size() >= expected;
      },
      15s, 100ms));
  INFO("telemetry records: " << json(records).dump());
  REQUIRE(records.size() == expected);
  CHECK(offset_gap_problem(records) == "");
  for (std::size_t i = 0; i < sent_data.size(); ++i) {
    CAPTURE(sent_data[i]);
    CHECK(records[i].value("device", "") == "content-1");
    CHECK(records[i].value("seq", std::uint64_t{0}) == 1001 + i);
    CHECK(records[i].at("payload") == json::parse(sent_data[i]));
  }
  CHECK(records.back().value("seq", std::uint64_t{0}) == 2000);
  CHECK(records.back().at("payload") == json::parse(R"({"no_ts":true})"));
  CHECK(hub.record_count("deadletter") == 0);
}

TEST_CASE("a message redelivered with a seq already stored is not stored again") {
  HubUnderTest hub({.name = "telemetry-dedup"});
  const auto device = hub.register_device("dedup-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  const std::string topic = "devices/dedup-1/telemetry";
  for (std::uint64_t seq : {1, 2, 2, 3, 1}) {
    const auto result = mqtt_publish(
        connection, topic, telemetry_payload(seq, R"({"n":)" + std::to_string(seq) + "}"));
    INFO(result.describe());
    REQUIRE(result.exited_with(0));
  }
  // A later, new seq proves the earlier messages were all processed.
  REQUIRE(mqtt_publish(connection, topic, telemetry_payload(4, R"({"n":4})")).exited_with(0));
  std::vector<json> records;
  REQUIRE(wait_until(
      [&] {
        records = hub.read_stream("telemetry");
        return !records.empty() && records.back().value("seq", std::uint64_t{0}) == 4;
      },
      15s, 100ms));
  INFO("telemetry records: " << json(records).dump());
  std::vector<std::uint64_t> seqs;
  for (const auto& record : records) seqs.push_back(record.value("seq", std::uint64_t{0}));
  CHECK(seqs == std::vector<std::uint64_t>{1, 2, 3, 4});
}

TEST_CASE("hubctl streams read and streams list show the stored telemetry") {
  HubUnderTest hub({.name = "telemetry-hubctl"});
  const auto device = hub.register_device("cli-1");
  const MqttConnection connection{.port = hub.mqtt_port(), .credentials = device};
  for (std::uint64_t seq = 1; seq <= 5; ++seq) {
    REQUIRE(mqtt_publish(connection, "devices/cli-1/telemetry",
                         telemetry_payload(seq, R"({"reading":)" + std::to_string(seq * 10) + "}"))
                .exited_with(0));
  }
  REQUIRE(wait_until([&] { return hub.record_count("telemetry") >= 5; }, 15s, 100ms));

  SUBCASE("--json output carries the records, and --from/--limit select a window") {
    const auto all = hub.hubctl({"--json", "streams", "read", "telemetry"});
    INFO(all.describe());
    REQUIRE(all.exited_with(0));
    const auto records = records_printed_by_hubctl(all.out);
    REQUIRE(records.size() == 5);
    for (std::size_t i = 0; i < records.size(); ++i) {
      CHECK(records[i].value("offset", std::uint64_t{99}) == i);
      CHECK(records[i].value("device", "") == "cli-1");
      CHECK(records[i].value("seq", std::uint64_t{0}) == i + 1);
      CHECK(records[i].at("payload") == json{{"reading", (i + 1) * 10}});
    }

    const auto window =
        hub.hubctl({"--json", "streams", "read", "telemetry", "--from", "2", "--limit", "2"});
    INFO(window.describe());
    REQUIRE(window.exited_with(0));
    const auto selected = records_printed_by_hubctl(window.out);
    REQUIRE(selected.size() == 2);
    CHECK(selected[0].value("offset", std::uint64_t{99}) == 2);
    CHECK(selected[1].value("offset", std::uint64_t{99}) == 3);
  }

  SUBCASE("the human-readable output names the device and shows the data") {
    const auto read = hub.hubctl({"streams", "read", "telemetry"});
    INFO(read.describe());
    REQUIRE(read.exited_with(0));
    CHECK(read.out.find("cli-1") != std::string::npos);
    CHECK(read.out.find("reading") != std::string::npos);
    CHECK(read.out.find("50") != std::string::npos);
  }

  SUBCASE("streams list shows the telemetry stream and its record count") {
    const auto list = hub.hubctl({"--json", "streams", "list"});
    INFO(list.describe());
    REQUIRE(list.exited_with(0));
    auto listed = json::parse(list.out, nullptr, false);
    REQUIRE_FALSE(listed.is_discarded());
    const json streams = listed.is_object() ? listed.value("streams", json::array()) : listed;
    bool found = false;
    for (const auto& stream : streams) {
      if (stream.value("name", "") != "telemetry") continue;
      found = true;
      CHECK(stream.value("record_count", std::uint64_t{0}) == 5);
      CHECK(stream.value("next_offset", std::uint64_t{0}) == 5);
    }
    CHECK(found);
  }
}
