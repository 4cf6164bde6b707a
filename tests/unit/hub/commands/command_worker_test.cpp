// The command worker (hub/commands/command_worker.h) with a slow broker: a
// fleet job's deliveries run in turns, so a device that subscribes meanwhile
// is not kept waiting behind the whole fleet.
#include "commands/command_worker.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "commands/fleet_jobs.h"
#include "commands/memory_command_store.h"
#include "mqtt/memory_broker_connection.h"
#include "presence/memory_device_presence.h"
#include "registry/memory_device_registry.h"
#include "streams/memory_stream_store.h"

using namespace edgehub;
using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

struct SlowBrokerHub {
  SlowBrokerHub() {
    // Every publish takes 10 ms, as a broker busy with a large fleet does.
    broker.on_publish([this](const PublishedMessage& message) {
      std::this_thread::sleep_for(10ms);
      std::lock_guard lock(mutex);
      topics.push_back(message.topic);
      publishing_threads.insert(std::this_thread::get_id());
    });
  }
  void add(const std::string& id, bool reachable) {
    DeviceRecord record;
    record.id = id;
    record.certificate_sha256 = std::string(64, 'a');
    REQUIRE(registry.add(record).ok());
    presence.set(id, reachable);
  }
  std::size_t published() {
    std::lock_guard lock(mutex);
    return topics.size();
  }

  SystemClock clock;
  MemoryDeviceRegistry registry{clock};
  MemoryStreamStore streams;
  MemoryBrokerConnection broker;
  MemoryDevicePresence presence;
  MemoryCommandStore store;
  CommandDispatcher commands{registry, broker, streams, clock,
                             [] {
                               static int next = 0;
                               return "c-" + std::to_string(++next);
                             },
                             store, presence};
  FleetJobs jobs{registry, commands, [] { return std::string("j-1"); }};
  std::mutex mutex;
  std::vector<std::string> topics;  // in the order they were published
  std::set<std::thread::id> publishing_threads;
};

}  // namespace

TEST_CASE("a fleet job is delivered in turns: a device that subscribes meanwhile gets its "
          "command before the job's last devices") {
  SlowBrokerHub hub;
  constexpr int kFleet = 60;  // 600 ms of publishing: three turns or more
  for (int i = 0; i < kFleet; ++i) hub.add("dev-" + std::to_string(100 + i), true);
  hub.add("a-late", false);
  CommandWorker worker(hub.commands);
  hub.commands.set_delivery_scheduler(
      [&worker](std::string_view device) { worker.device_ready(device); });
  worker.start();

  CommandSubmission queued;
  queued.device_id = "a-late";
  queued.name = "ping";
  queued.queue = true;
  REQUIRE(hub.commands.submit(queued).ok());  // not reachable: stays queued

  JobRequest request;
  request.selector.id_pattern = "dev-*";
  request.name = "set-interval";
  const auto started = std::chrono::steady_clock::now();
  auto created = hub.jobs.create(request);
  REQUIRE(created.ok());
  // The answer did not wait for the publishes (60 x 10 ms).
  CHECK(std::chrono::steady_clock::now() - started < 300ms);
  CHECK(created->progress.total == kFleet);

  // Once the job's first turn is under way, a-late subscribes.
  const auto first_publish = std::chrono::steady_clock::now() + 5s;
  while (hub.published() == 0 && std::chrono::steady_clock::now() < first_publish) {
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(hub.published() > 0);
  hub.presence.set("a-late", true);
  worker.device_ready("a-late");

  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (hub.published() < kFleet + 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  worker.stop();
  REQUIRE(hub.published() == kFleet + 1);
  std::lock_guard lock(hub.mutex);
  // Every publish ran on the worker: the request did not wait for them.
  CHECK(hub.publishing_threads.count(std::this_thread::get_id()) == 0);
  CHECK(hub.publishing_threads.size() == 1);
  const auto late = std::find(hub.topics.begin(), hub.topics.end(), "devices/a-late/commands");
  REQUIRE(late != hub.topics.end());
  // At most one turn (200 ms, about 20 publishes) ahead of it, not the fleet.
  CHECK(late - hub.topics.begin() < kFleet - 10);
  auto progress = hub.jobs.progress("j-1");
  REQUIRE(progress.ok());
  CHECK(progress->by_state.at("sent") == kFleet);
}
