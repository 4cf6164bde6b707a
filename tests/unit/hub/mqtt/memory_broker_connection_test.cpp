#include "mqtt/memory_broker_connection.h"

#include <doctest/doctest.h>

#include <vector>

using namespace edgehub;
using namespace edgehub::hub;

TEST_CASE("what the hub publishes is recorded in order") {
  MemoryBrokerConnection broker;
  REQUIRE(broker.publish("devices/a/commands", "one", 1).ok());
  REQUIRE(broker.publish("devices/b/commands", "two", 0).ok());
  const auto published = broker.published();
  REQUIRE(published.size() == 2);
  CHECK(published[0].topic == "devices/a/commands");
  CHECK(published[0].payload == "one");
  CHECK(published[0].qos == 1);
  CHECK(published[1].topic == "devices/b/commands");
  CHECK(published[1].qos == 0);
}

TEST_CASE("publishing while disconnected is unavailable and records nothing") {
  MemoryBrokerConnection broker(/*connected=*/false);
  CHECK_FALSE(broker.is_connected());
  CHECK_FALSE(broker.wait_until_connected(std::chrono::milliseconds(1)));
  const auto published = broker.publish("devices/a/commands", "x", 1);
  REQUIRE_FALSE(published.ok());
  CHECK(published.error().code == ErrorCode::unavailable);
  CHECK(broker.published().empty());
  broker.set_connected(true);
  CHECK(broker.publish("devices/a/commands", "x", 1).ok());
}

TEST_CASE("delivered messages reach the handler as the broker sent them") {
  MemoryBrokerConnection broker;
  std::vector<IncomingMessage> received;
  broker.set_message_handler([&](const IncomingMessage& message) { received.push_back(message); });
  broker.deliver("devices/a/telemetry", std::string("\x00\x01", 2), 1);
  REQUIRE(received.size() == 1);
  CHECK(received[0].topic == "devices/a/telemetry");
  CHECK(received[0].payload == std::string("\x00\x01", 2));
  CHECK(received[0].qos == 1);
}

TEST_CASE("an observer sees each publish, as a fake device would") {
  MemoryBrokerConnection broker;
  std::vector<std::string> seen;
  broker.on_publish([&](const PublishedMessage& message) { seen.push_back(message.topic); });
  REQUIRE(broker.publish("devices/a/commands", "x", 1).ok());
  CHECK(seen == std::vector<std::string>{"devices/a/commands"});
}
