#include "mosquitto-plugin/presence_announcer.h"

#include <doctest/doctest.h>

using namespace edgehub::hub::mosquitto_auth;

TEST_CASE(
    "the plugin announces each device connection once, and its end, with numbers that "
    "tell a takeover apart") {
  PresenceAnnouncer announcer(/*broker_run=*/77, /*first_seq=*/1000);
  int old_connection = 0;
  int new_connection = 0;
  const auto first = announcer.admitted("d1", &old_connection, 5);
  REQUIRE(first.has_value());
  CHECK(first->topic == "$hub/presence/d1");
  CHECK(first->payload ==
        R"({"event":"connected","at_ms":5,"broker_run":77,"seq":1000,"connection":1})");
  CHECK_FALSE(announcer.admitted("d1", &old_connection, 6).has_value());  // SIGHUP re-check
  const auto takeover = announcer.admitted("d1", &new_connection, 7);
  REQUIRE(takeover.has_value());
  CHECK(takeover->payload.find("\"connection\":2") != std::string::npos);
  const auto old_end = announcer.disconnected(&old_connection, 8);
  REQUIRE(old_end.has_value());
  CHECK(old_end->payload ==
        R"({"event":"disconnected","at_ms":8,"broker_run":77,"seq":1002,"connection":1})");
  CHECK_FALSE(announcer.disconnected(&old_connection, 9).has_value());
  int refused = 0;
  CHECK_FALSE(announcer.disconnected(&refused, 9).has_value());  // never admitted: no event
  CHECK(announcer.broker_started(10).topic == "$hub/broker");
}

TEST_CASE(
    "a device subscribing to its command topic is announced as ready for commands, only "
    "for a connection that was announced") {
  PresenceAnnouncer announcer(/*broker_run=*/3, /*first_seq=*/10);
  int connection = 0;
  int unknown = 0;
  REQUIRE(announcer.admitted("d1", &connection, 1).has_value());
  const auto subscribed = announcer.subscribed(&connection, "commands", 2);
  REQUIRE(subscribed.has_value());
  CHECK(subscribed->topic == "$hub/presence/d1");
  CHECK(
      subscribed->payload ==
      R"({"event":"subscribed","at_ms":2,"broker_run":3,"seq":11,"connection":1,"topic":"commands"})");
  CHECK_FALSE(announcer.subscribed(&unknown, "desired", 3).has_value());
  REQUIRE(announcer.disconnected(&connection, 4).has_value());
  CHECK_FALSE(announcer.subscribed(&connection, "commands", 5).has_value());
}

TEST_CASE("a limit report goes to the device's presence topic, or $hub/broker without a device") {
  PresenceAnnouncer announcer(/*broker_run=*/9, /*first_seq=*/50);
  const auto device = announcer.limited(
      LimitReport{"d1", DeviceLimit::messages_per_second, "over 200 \"messages\"/s", 3}, 70);
  CHECK(device.topic == "$hub/presence/d1");
  CHECK(device.payload ==
        R"({"event":"limited","at_ms":70,"broker_run":9,"seq":50,"limit":"messages_per_second",)"
        R"("reason":"over 200 \"messages\"/s","hits":3})");
  const auto broker =
      announcer.limited(LimitReport{"", DeviceLimit::connect_timeout, "no CONNECT", 1}, 71);
  CHECK(broker.topic == "$hub/broker");
  CHECK(broker.payload.find(R"("limit":"connect_timeout")") != std::string::npos);
}
