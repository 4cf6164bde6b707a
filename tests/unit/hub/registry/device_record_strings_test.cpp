#include "registry/device_record_strings.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("roles and statuses read back from their stored text") {
  for (DeviceRole role : {DeviceRole::device, DeviceRole::service}) {
    CHECK(parse_device_role(to_string(role)) == role);
  }
  for (DeviceStatus status : {DeviceStatus::enabled, DeviceStatus::disabled}) {
    CHECK(parse_device_status(to_string(status)) == status);
  }
  CHECK(std::string_view(to_string(DeviceRole::service)) == "service");
  CHECK(std::string_view(to_string(DeviceStatus::disabled)) == "disabled");
}

TEST_CASE("unknown role and status text is not parsed") {
  CHECK_FALSE(parse_device_role("Device").has_value());
  CHECK_FALSE(parse_device_role("").has_value());
  CHECK_FALSE(parse_device_status("on").has_value());
}
