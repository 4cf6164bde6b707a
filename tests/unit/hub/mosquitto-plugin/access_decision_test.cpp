#include "mosquitto-plugin/access_decision.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;
using namespace edgehub::hub::mosquitto_auth;

namespace {
constexpr std::optional<DeviceRole> kDevice = DeviceRole::device;
constexpr std::optional<DeviceRole> kService = DeviceRole::service;
constexpr std::optional<DeviceRole> kNotAdmitted = std::nullopt;
}  // namespace

TEST_CASE("a device may publish its own telemetry and responses, nothing else") {
  CHECK(may_access(kDevice, "boiler-1", TopicAccess::publish, "devices/boiler-1/telemetry"));
  CHECK(may_access(kDevice, "boiler-1", TopicAccess::publish, "devices/boiler-1/responses"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::publish, "devices/boiler-2/telemetry"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::publish, "devices/boiler-1/commands"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::publish, "$SYS/broker/uptime"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::publish, "anything"));
}

TEST_CASE("a device may subscribe only to its own command topic, without wildcards") {
  CHECK(may_access(kDevice, "boiler-1", TopicAccess::subscribe, "devices/boiler-1/commands"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::subscribe, "devices/boiler-2/commands"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::subscribe, "devices/+/commands"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::subscribe, "devices/boiler-1/#"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::subscribe, "#"));
  CHECK_FALSE(
      may_access(kDevice, "boiler-1", TopicAccess::subscribe, "devices/boiler-1/telemetry"));
}

TEST_CASE("a device receives only its own commands") {
  CHECK(may_access(kDevice, "boiler-1", TopicAccess::receive, "devices/boiler-1/commands"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::receive, "devices/boiler-2/commands"));
  CHECK_FALSE(may_access(kDevice, "boiler-1", TopicAccess::receive, "devices/boiler-2/telemetry"));
}

TEST_CASE("a device may always unsubscribe") {
  CHECK(may_access(kDevice, "boiler-1", TopicAccess::unsubscribe, "devices/boiler-2/commands"));
}

TEST_CASE("a service may publish, subscribe and receive anything") {
  for (TopicAccess access : {TopicAccess::publish, TopicAccess::subscribe, TopicAccess::receive,
                             TopicAccess::unsubscribe}) {
    CAPTURE(to_string(access));
    CHECK(may_access(kService, "hubd", access, "devices/boiler-1/commands"));
    CHECK(may_access(kService, "hubd", access, "devices/+/telemetry"));
  }
}

TEST_CASE("a client the plugin did not admit may do nothing") {
  for (TopicAccess access : {TopicAccess::publish, TopicAccess::subscribe, TopicAccess::receive,
                             TopicAccess::unsubscribe}) {
    CAPTURE(to_string(access));
    CHECK_FALSE(may_access(kNotAdmitted, "boiler-1", access, "devices/boiler-1/commands"));
  }
}
