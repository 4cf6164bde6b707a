// Behaviour every DeviceRegistry has: run against the SQLite registry and the
// in-memory one, so that tests of other modules using the in-memory one see
// what hubd will see.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "registry_fixtures.h"

using namespace edgehub;
using namespace edgehub::hub;
using edgehub::test::device_named;
using edgehub::test::fingerprint;

#define REGISTRY_FIXTURES edgehub::test::SqliteRegistryFixture, edgehub::test::MemoryRegistryFixture

TEST_CASE_TEMPLATE("an added device is found with every field it was added with", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  DeviceRecord device = device_named("boiler-1");
  device.role = DeviceRole::service;
  device.status = DeviceStatus::disabled;
  device.certificate_sha256 = fingerprint('7');
  device.created_at_ms = 1234;
  device.attributes_json = R"({"room": "cellar", "tags": ["heat", 1]})";

  const Result<DeviceRecord> added = f.registry->add(device);
  REQUIRE(added.ok());
  const Result<DeviceRecord> found = f.registry->find("boiler-1");
  REQUIRE(found.ok());
  CHECK(found->id == "boiler-1");
  CHECK(found->role == DeviceRole::service);
  CHECK(found->status == DeviceStatus::disabled);
  CHECK(found->certificate_sha256 == fingerprint('7'));
  CHECK(found->created_at_ms == 1234);
  CHECK(found->attributes_json == device.attributes_json);
}

TEST_CASE_TEMPLATE("add stamps created_at_ms from the clock when it is 0", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  f.clock.advance_ms(500);
  const Result<DeviceRecord> added = f.registry->add(device_named("d1"));
  REQUIRE(added.ok());
  CHECK(added->created_at_ms == f.clock.now_ms());
  CHECK(f.registry->find("d1")->created_at_ms == f.clock.now_ms());
}

TEST_CASE_TEMPLATE("adding an id twice is a conflict and keeps the first record", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("d1")).ok());
  DeviceRecord second = device_named("d1");
  second.certificate_sha256 = fingerprint('b');

  const Result<DeviceRecord> added = f.registry->add(second);
  REQUIRE_FALSE(added.ok());
  CHECK(added.error().code == ErrorCode::conflict);
  CHECK(added.error().message.find("d1") != std::string::npos);
  CHECK(f.registry->find("d1")->certificate_sha256 == fingerprint('a'));
}

TEST_CASE_TEMPLATE("add refuses ids that are not valid device ids", Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  const std::vector<std::string> invalid_ids = {"",    ".hidden", "-flag", "a/b",
                                                "a+b", "a#",      "a b",   std::string(65, 'x')};
  for (const std::string& id : invalid_ids) {
    CAPTURE(id);
    const Result<DeviceRecord> added = f.registry->add(device_named(id));
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == ErrorCode::invalid_argument);
  }
  CHECK(f.registry->list()->empty());
}

TEST_CASE_TEMPLATE("add refuses attributes that are not a JSON object", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  for (const char* attributes : {"", "[]", "42", "\"text\"", "{", "{\"a\": }", "null"}) {
    CAPTURE(attributes);
    DeviceRecord device = device_named("d1");
    device.attributes_json = attributes;
    const Result<DeviceRecord> added = f.registry->add(device);
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == ErrorCode::invalid_argument);
  }
  CHECK(f.registry->list()->empty());
}

TEST_CASE_TEMPLATE("add refuses a certificate fingerprint that is not 64 lower-case hex digits",
                   Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  for (const std::string& sha256 : {std::string(), std::string(63, 'a'), std::string(65, 'a'),
                                    std::string(64, 'A'), std::string(64, 'g')}) {
    CAPTURE(sha256);
    DeviceRecord device = device_named("d1");
    device.certificate_sha256 = sha256;
    const Result<DeviceRecord> added = f.registry->add(device);
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == ErrorCode::invalid_argument);
  }
}

TEST_CASE_TEMPLATE("operations on an unregistered device report not_found", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  const Result<DeviceRecord> found = f.registry->find("ghost");
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().code == ErrorCode::not_found);
  CHECK(found.error().message == "device 'ghost' is not registered");
  CHECK(f.registry->remove("ghost").error().code == ErrorCode::not_found);
  CHECK(f.registry->set_status("ghost", DeviceStatus::disabled).error().code ==
        ErrorCode::not_found);
  CHECK(f.registry->set_certificate("ghost", fingerprint('b')).error().code ==
        ErrorCode::not_found);
  CHECK(f.revoked_device_ids().empty());
}

TEST_CASE_TEMPLATE("list returns every device ordered by id", Fixture, REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->list().ok());
  CHECK(f.registry->list()->empty());
  for (const char* id : {"c", "a", "B", "b"}) REQUIRE(f.registry->add(device_named(id)).ok());

  const Result<std::vector<DeviceRecord>> listed = f.registry->list();
  REQUIRE(listed.ok());
  std::vector<std::string> ids;
  for (const DeviceRecord& device : *listed) ids.push_back(device.id);
  CHECK(ids == std::vector<std::string>{"B", "a", "b", "c"});
}

namespace {
std::vector<std::string> ids_of(const Result<std::vector<DeviceRecord>>& devices) {
  REQUIRE(devices.ok());
  std::vector<std::string> ids;
  for (const DeviceRecord& device : *devices) ids.push_back(device.id);
  return ids;
}
}  // namespace

TEST_CASE_TEMPLATE("list_page gives the devices after an id, in id order, at most limit", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  CHECK(ids_of(f.registry->list_page("", 10, std::nullopt)).empty());
  for (const char* id : {"d-3", "d-1", "d-5", "d-2", "d-4"}) {
    REQUIRE(f.registry->add(device_named(id)).ok());
  }
  using Ids = std::vector<std::string>;
  CHECK(ids_of(f.registry->list_page("", 2, std::nullopt)) == Ids{"d-1", "d-2"});
  CHECK(ids_of(f.registry->list_page("d-2", 2, std::nullopt)) == Ids{"d-3", "d-4"});
  CHECK(ids_of(f.registry->list_page("d-4", 2, std::nullopt)) == Ids{"d-5"});
  CHECK(ids_of(f.registry->list_page("d-5", 2, std::nullopt)).empty());
  // An id that is not registered is a position all the same.
  CHECK(ids_of(f.registry->list_page("d-25", 10, std::nullopt)) == Ids{"d-3", "d-4", "d-5"});
  CHECK(ids_of(f.registry->list_page("", 0, std::nullopt)).empty());
}

TEST_CASE_TEMPLATE("list_page with a status skips the devices without it", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  for (const char* id : {"a", "b", "c", "d", "e"}) REQUIRE(f.registry->add(device_named(id)).ok());
  REQUIRE(f.registry->set_status("b", DeviceStatus::disabled).ok());
  REQUIRE(f.registry->set_status("d", DeviceStatus::disabled).ok());
  using Ids = std::vector<std::string>;
  CHECK(ids_of(f.registry->list_page("", 10, DeviceStatus::disabled)) == Ids{"b", "d"});
  CHECK(ids_of(f.registry->list_page("b", 10, DeviceStatus::disabled)) == Ids{"d"});
  // The limit counts matching devices, not rows looked at.
  CHECK(ids_of(f.registry->list_page("", 2, DeviceStatus::enabled)) == Ids{"a", "c"});
  CHECK(ids_of(f.registry->list_page("c", 2, DeviceStatus::enabled)) == Ids{"e"});
}

TEST_CASE_TEMPLATE("remove forgets the device and records a revocation", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("d1")).ok());
  REQUIRE(f.registry->add(device_named("d2")).ok());

  REQUIRE(f.registry->remove("d1").ok());
  CHECK(f.registry->find("d1").error().code == ErrorCode::not_found);
  CHECK(f.registry->find("d2").ok());
  CHECK(f.revoked_device_ids() == std::vector<std::string>{"d1"});
  // The id is free again.
  CHECK(f.registry->add(device_named("d1")).ok());
}

TEST_CASE_TEMPLATE("disabling a device records a revocation, enabling does not", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("d1")).ok());

  REQUIRE(f.registry->set_status("d1", DeviceStatus::disabled).ok());
  CHECK(f.registry->find("d1")->status == DeviceStatus::disabled);
  CHECK(f.revoked_device_ids() == std::vector<std::string>{"d1"});

  REQUIRE(f.registry->set_status("d1", DeviceStatus::enabled).ok());
  CHECK(f.registry->find("d1")->status == DeviceStatus::enabled);
  CHECK(f.revoked_device_ids() == std::vector<std::string>{"d1"});
}

TEST_CASE_TEMPLATE("a new certificate replaces the old one and revokes it", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  REQUIRE(f.registry->add(device_named("svc")).ok());

  REQUIRE(f.registry->set_certificate("svc", fingerprint('c')).ok());
  CHECK(f.registry->find("svc")->certificate_sha256 == fingerprint('c'));
  CHECK(f.revoked_device_ids() == std::vector<std::string>{"svc"});

  SUBCASE("setting the same certificate again revokes nothing") {
    REQUIRE(f.registry->set_certificate("svc", fingerprint('c')).ok());
    CHECK(f.revoked_device_ids().size() == 1);
  }
  SUBCASE("a malformed fingerprint is refused and the registered one kept") {
    const Status set = f.registry->set_certificate("svc", "ABC");
    REQUIRE_FALSE(set.ok());
    CHECK(set.error().code == ErrorCode::invalid_argument);
    CHECK(f.registry->find("svc")->certificate_sha256 == fingerprint('c'));
  }
}

TEST_CASE_TEMPLATE("devices added from several threads are all registered", Fixture,
                   REGISTRY_FIXTURES) {
  Fixture f;
  constexpr int kThreads = 4;
  constexpr int kDevicesPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&f, t] {
      for (int i = 0; i < kDevicesPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        if (!f.registry->add(device_named(id)).ok()) return;
        if (!f.registry->find(id).ok()) return;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(f.registry->list()->size() == kThreads * kDevicesPerThread);
}
