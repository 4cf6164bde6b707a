// One page of the device list (hub/api/device_page.h) over the in-memory
// registry and presence: pages in id order, where the next one starts, and
// the state filter combined with paging.
#include "api/device_page.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "clock/clock.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

struct Fleet {
  ManualClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryDevicePresence presence;  // never connected unless set

  void add(const std::string& id) {
    DeviceRecord device;
    device.id = id;
    device.certificate_sha256 = std::string(64, 'a');
    REQUIRE(registry.add(device).ok());
  }

  // "d-0000" .. : ids that sort as numbered.
  void add_numbered(int count) {
    for (int i = 0; i < count; ++i) {
      std::string number = std::to_string(i);
      add("d-" + std::string(4 - number.size(), '0') + number);
    }
  }

  DevicePage page(std::size_t limit, std::string after = "",
                  std::optional<DeviceStateFilter> state = std::nullopt) {
    auto read =
        read_device_page(registry, &presence, DeviceListQuery{limit, std::move(after), state});
    REQUIRE(read.ok());
    return std::move(read).value();
  }

  // Every page from the first, as a client walks them; the ids in order.
  std::vector<std::string> walk(std::size_t limit, std::optional<DeviceStateFilter> state,
                                int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string after;
    int count = 0;
    for (;;) {
      const DevicePage one = page(limit, after, state);
      ++count;
      for (const DeviceRecord& device : one.devices) ids.push_back(device.id);
      if (!one.next_after) break;
      REQUIRE(one.next_after == one.devices.back().id);
      after = *one.next_after;
      REQUIRE(count < 100000);
    }
    if (pages) *pages = count;
    return ids;
  }
};

std::vector<std::string> ids_of(const DevicePage& page) {
  std::vector<std::string> ids;
  for (const DeviceRecord& device : page.devices) ids.push_back(device.id);
  return ids;
}

}  // namespace

TEST_CASE("read_device_page_gives_limit_devices_in_id_order_and_where_the_next_page_starts") {
  Fleet fleet;
  for (const char* id : {"c", "a", "e", "b", "d"}) fleet.add(id);
  using Ids = std::vector<std::string>;
  const DevicePage first = fleet.page(2);
  CHECK(ids_of(first) == Ids{"a", "b"});
  CHECK(first.next_after == "b");
  const DevicePage second = fleet.page(2, "b");
  CHECK(ids_of(second) == Ids{"c", "d"});
  CHECK(second.next_after == "d");
  const DevicePage last = fleet.page(2, "d");
  CHECK(ids_of(last) == Ids{"e"});
  CHECK_FALSE(last.next_after.has_value());
}

TEST_CASE("read_device_page_has_no_next_page_when_the_page_ends_exactly_at_the_last_device") {
  Fleet fleet;
  for (const char* id : {"a", "b", "c", "d"}) fleet.add(id);
  const DevicePage first = fleet.page(2);
  CHECK(first.next_after == "b");
  const DevicePage second = fleet.page(2, "b");
  CHECK(ids_of(second) == std::vector<std::string>{"c", "d"});
  CHECK_FALSE(second.next_after.has_value());  // no empty page to ask for
  CHECK(fleet.page(10).devices.size() == 4);
  CHECK_FALSE(fleet.page(10).next_after.has_value());
  Fleet empty;
  CHECK(empty.page(10).devices.empty());
  CHECK_FALSE(empty.page(10).next_after.has_value());
}

TEST_CASE("read_device_page_walks_a_fleet_giving_every_device_exactly_once") {
  Fleet fleet;
  fleet.add_numbered(1234);
  int pages = 0;
  const auto ids = fleet.walk(100, std::nullopt, &pages);
  CHECK(pages == 13);
  REQUIRE(ids.size() == 1234);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 1234);
  CHECK(std::is_sorted(ids.begin(), ids.end()));
}

TEST_CASE("read_device_page_filters_by_connection_state_across_many_devices") {
  // Connected devices far apart: each page must read past thousands of
  // offline ones (more than one read of the registry) and still be full.
  Fleet fleet;
  fleet.add_numbered(5000);
  std::vector<std::string> connected;
  for (int i = 7; i < 5000; i += 613) {
    std::string number = std::to_string(i);
    const std::string id = "d-" + std::string(4 - number.size(), '0') + number;
    fleet.presence.set(id, true);
    connected.push_back(id);
  }
  REQUIRE(connected.size() == 9);
  fleet.presence.set("d-0008", false);  // disconnected again: offline

  int pages = 0;
  CHECK(fleet.walk(4, DeviceStateFilter::connected, &pages) == connected);
  CHECK(pages == 3);
  const DevicePage first = fleet.page(4, "", DeviceStateFilter::connected);
  CHECK(ids_of(first) == std::vector<std::string>(connected.begin(), connected.begin() + 4));
  CHECK(first.next_after == connected[3]);

  const auto offline = fleet.walk(500, DeviceStateFilter::offline);
  CHECK(offline.size() == 5000 - connected.size());
  for (const std::string& id : connected) {
    CHECK(std::find(offline.begin(), offline.end(), id) == offline.end());
  }
}

TEST_CASE("read_device_page_counts_disabled_devices_only_as_disabled") {
  Fleet fleet;
  for (const char* id : {"a", "b", "c", "d"}) fleet.add(id);
  REQUIRE(fleet.registry.set_status("b", DeviceStatus::disabled).ok());
  // Still connected for a moment before the broker drops it: disabled all the same.
  fleet.presence.set("b", true);
  fleet.presence.set("c", true);
  using Ids = std::vector<std::string>;
  CHECK(fleet.walk(1, DeviceStateFilter::disabled) == Ids{"b"});
  CHECK(fleet.walk(1, DeviceStateFilter::connected) == Ids{"c"});
  CHECK(fleet.walk(1, DeviceStateFilter::offline) == Ids{"a", "d"});
  CHECK(fleet.walk(1, std::nullopt) == Ids{"a", "b", "c", "d"});
}

TEST_CASE("read_device_page_without_presence_counts_no_device_as_connected") {
  Fleet fleet;
  for (const char* id : {"a", "b"}) fleet.add(id);
  const DeviceListQuery connected{10, "", DeviceStateFilter::connected};
  CHECK(read_device_page(fleet.registry, nullptr, connected)->devices.empty());
  const DeviceListQuery offline{10, "", DeviceStateFilter::offline};
  CHECK(read_device_page(fleet.registry, nullptr, offline)->devices.size() == 2);
}

TEST_CASE("read_device_page_continues_after_a_device_removed_between_pages") {
  Fleet fleet;
  for (const char* id : {"a", "b", "c", "d", "e"}) fleet.add(id);
  const DevicePage first = fleet.page(2);
  REQUIRE(first.next_after == "b");
  REQUIRE(fleet.registry.remove("b").ok());  // the position need not exist any more
  fleet.add("bb");                           // added after the position: still seen
  CHECK(ids_of(fleet.page(2, "b")) == std::vector<std::string>{"bb", "c"});
}
