// Twin limits: the pure decisions (twin_limits.h), and what the store and the
// service do when a report or a desired patch would cross them.
#include "twins/twin_limits.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"
#include "twins/twin_service.h"

using namespace edgehub;
using namespace edgehub::hub;
using nlohmann::json;

namespace {

constexpr std::string_view kReported = "devices/boiler-1/reported";

// {"k0":0,"k1":1,...}: n keys.
std::string object_with_keys(std::size_t n, std::size_t first = 0) {
  json object = json::object();
  for (std::size_t i = first; i < first + n; ++i) object["k" + std::to_string(i)] = i;
  return object.dump();
}

std::string report(std::uint64_t version, const std::string& reported) {
  return R"({"version":)" + std::to_string(version) + R"(,"reported":)" + reported + "}";
}

struct Fixture {
  explicit Fixture(TwinLimits twin_limits = {}) : limits(twin_limits) {
    DeviceRecord record;
    record.id = "boiler-1";
    record.certificate_sha256 = std::string(64, 'a');
    REQUIRE(registry.add(record).ok());
  }
  std::vector<StreamRecord> dead_letters() const {
    auto records = streams.read(kDeadLetterStream, 0, 100);
    return records ? *records : std::vector<StreamRecord>{};
  }
  TwinLimits limits;
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryDevicePresence presence;
  std::unique_ptr<TwinStore> store = TwinStore::open(":memory:", limits);
  TwinService twins{registry, *store, broker, presence, streams, clock, limits};
};

struct SmallLimits : Fixture {
  SmallLimits()
      : Fixture(TwinLimits{
            .max_report_bytes = 200, .max_document_bytes = 100, .max_document_keys = 5}) {}
};

}  // namespace

TEST_CASE("check_twin_report_size: at the limit passes, one byte over is too large") {
  const TwinLimits limits{.max_report_bytes = 10};
  CHECK(check_twin_report_size(10, limits).ok());
  const Status over = check_twin_report_size(11, limits);
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().code == ErrorCode::too_large);
  CHECK(over.error().message == "twin report too large: 11 bytes > 10");
}

TEST_CASE("check_twin_document counts bytes and keys at every level") {
  const TwinLimits limits{.max_document_bytes = 30, .max_document_keys = 3};
  CHECK(check_twin_document(R"({"a":{"b":{"c":1}}})", "doc", limits).ok());
  const Status keys = check_twin_document(R"({"a":{"b":{"c":1,"d":2}}})", "doc", limits);
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.error().code == ErrorCode::too_large);
  CHECK(keys.error().message == "doc would have 4 keys > 3");
  const Status bytes = check_twin_document(R"({"a":"0123456789012345678901234"})", "doc", limits);
  REQUIRE_FALSE(bytes.ok());
  CHECK(bytes.error().message == "doc would be 33 bytes > 30");
  // Colons in strings are not keys.
  CHECK(check_twin_document(R"({"t":"12:30:45:00"})", "doc", limits).ok());
}

TEST_CASE("the default limits: 32 KiB reports, 64 KiB and 1,000 keys per document") {
  const TwinLimits limits;
  CHECK(limits.max_report_bytes == 32 * 1024);
  CHECK(limits.max_document_bytes == 64 * 1024);
  CHECK(limits.max_document_keys == 1000);
}

TEST_CASE_FIXTURE(SmallLimits, "a report over the size limit is a dead letter, not parsed") {
  const std::string big = report(1, R"({"blob":")" + std::string(300, 'x') + R"("})");
  REQUIRE(twins.on_reported(kReported, big).ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "twin report too large: " + std::to_string(big.size()) + " bytes > 200");
  CHECK(dead[0].payload == big);
  CHECK(twins.get("boiler-1")->reported.version == 0);
}

TEST_CASE("a report nested 100,000 deep is a dead letter naming the depth") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  Fixture roomy(TwinLimits{.max_report_bytes = 1024 * 1024});
  REQUIRE(roomy.twins.on_reported(kReported, report(1, R"({"x":)" + deep + "}")).ok());
  const auto dead = roomy.dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "invalid twin report: JSON nested deeper than 32 levels");
  CHECK(roomy.twins.get("boiler-1")->reported.version == 0);
}

TEST_CASE_FIXTURE(SmallLimits,
                  "a report that would grow the document past the key limit is "
                  "refused; the stored twin is unchanged") {
  REQUIRE(twins.on_reported(kReported, report(1, object_with_keys(5))).ok());
  REQUIRE(dead_letters().empty());
  const Twin before = *twins.get("boiler-1");

  REQUIRE(twins.on_reported(kReported, report(2, object_with_keys(1, 5))).ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason == "reported properties of 'boiler-1' would have 6 keys > 5");
  const Twin after = *twins.get("boiler-1");
  CHECK(after.reported.version == before.reported.version);
  CHECK(after.reported.properties_json == before.reported.properties_json);

  // Replacing a key (not adding one) still fits; removing one makes room.
  REQUIRE(twins.on_reported(kReported, report(3, R"({"k0":"new"})")).ok());
  REQUIRE(twins.on_reported(kReported, report(4, R"({"k1":null,"k5":5})")).ok());
  CHECK(dead_letters().size() == 1);
  CHECK(twins.get("boiler-1")->reported.version == 4);
}

TEST_CASE_FIXTURE(SmallLimits, "a report that would make the document too big is refused") {
  REQUIRE(
      twins.on_reported(kReported, report(1, R"({"a":")" + std::string(60, 'x') + R"("})")).ok());
  REQUIRE(
      twins.on_reported(kReported, report(2, R"({"b":")" + std::string(60, 'y') + R"("})")).ok());
  const auto dead = dead_letters();
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].reason->find("reported properties of 'boiler-1' would be ") == 0);
  CHECK(dead[0].reason->find(" bytes > 100") != std::string::npos);
  CHECK(twins.get("boiler-1")->reported.version == 1);
}

TEST_CASE_FIXTURE(SmallLimits,
                  "desired patches: too many keys, too big, or too deep are refused "
                  "with the reason and change nothing") {
  REQUIRE(twins.patch_desired("boiler-1", object_with_keys(5), std::nullopt).ok());
  const auto keys = twins.patch_desired("boiler-1", object_with_keys(1, 5), std::nullopt);
  REQUIRE_FALSE(keys.ok());
  CHECK(keys.error().code == ErrorCode::too_large);
  CHECK(keys.error().message == "desired properties of 'boiler-1' would have 6 keys > 5");

  const std::string big_patch = R"({"k0":")" + std::string(120, 'x') + R"("})";
  const auto big = twins.patch_desired("boiler-1", big_patch, std::nullopt);
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code == ErrorCode::too_large);
  CHECK(big.error().message ==
        "desired patch too large: " + std::to_string(big_patch.size()) + " bytes > 100");

  const auto deep = twins.patch_desired(
      "boiler-1", R"({"k0":)" + std::string(40, '[') + std::string(40, ']') + "}", std::nullopt);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == ErrorCode::invalid_argument);
  CHECK(deep.error().message == "a twin patch: JSON nested deeper than 32 levels");

  const Twin twin = *twins.get("boiler-1");
  CHECK(twin.desired.version == 1);
  CHECK(json::parse(twin.desired.properties_json) == json::parse(object_with_keys(5)));
}

TEST_CASE_FIXTURE(Fixture, "a twin at the default limits is merged quickly") {
  // 1,000 keys of a few bytes each: about 16 KB.
  REQUIRE(twins.on_reported(kReported, report(1, object_with_keys(900))).ok());
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t version = 2; version < 52; ++version) {
    REQUIRE(twins.on_reported(kReported, report(version, R"({"k1":"changed"})")).ok());
  }
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(dead_letters().empty());
  CHECK(twins.get("boiler-1")->reported.version == 51);
  CHECK(took < std::chrono::seconds(1));  // 50 reports; about 1 ms each here
}
