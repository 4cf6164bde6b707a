#include "mosquitto-plugin/revocation_poller.h"

#include <doctest/doctest.h>

#include "fake_registry_reader.h"

using namespace edgehub::hub;
using namespace edgehub::hub::mosquitto_auth;
using namespace std::chrono_literals;
using testing::FakeRegistryReader;

namespace {
const RevocationPoller::Clock::time_point kStart{};
}

TEST_CASE("revocations newer than the last seen one are reported once, oldest first") {
  FakeRegistryReader registry;
  registry.revoke("old-device");
  RevocationPoller poller(registry, 500ms, registry.last_revocation_id().value());
  registry.revoke("boiler-1");
  registry.revoke("boiler-2");

  const auto first = poller.poll_if_due(kStart);
  CHECK(first.revoked == std::vector<std::string>{"boiler-1", "boiler-2"});
  CHECK_FALSE(first.error.has_value());
  CHECK(poller.last_seen_id() == 3);

  const auto second = poller.poll_if_due(kStart + 500ms);
  CHECK(second.revoked.empty());
}

TEST_CASE("the registry is asked at most once per interval however often the broker ticks") {
  FakeRegistryReader registry;
  RevocationPoller poller(registry, 500ms, 0);
  for (auto at = 0ms; at < 1000ms; at += 100ms) (void)poller.poll_if_due(kStart + at);
  CHECK(registry.polls == 2);  // at 0 ms and at 500 ms
}

TEST_CASE("a revocation written between polls is reported within one interval") {
  FakeRegistryReader registry;
  RevocationPoller poller(registry, 500ms, 0);
  (void)poller.poll_if_due(kStart);
  registry.revoke("boiler-1");
  CHECK(poller.poll_if_due(kStart + 499ms).revoked.empty());
  CHECK(poller.poll_if_due(kStart + 500ms).revoked == std::vector<std::string>{"boiler-1"});
}

TEST_CASE("a failed poll is reported and retried without losing revocations") {
  FakeRegistryReader registry;
  RevocationPoller poller(registry, 500ms, 0);
  registry.revoke("boiler-1");
  registry.failure = "database is locked";
  const auto failed = poller.poll_if_due(kStart);
  CHECK(failed.error == "database is locked");
  CHECK(failed.revoked.empty());

  registry.failure.reset();
  CHECK(poller.poll_if_due(kStart + 500ms).revoked == std::vector<std::string>{"boiler-1"});
}
