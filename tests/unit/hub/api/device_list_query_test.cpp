// The query of GET /api/v1/devices (hub/api/device_list_query.h).
#include "api/device_list_query.h"

#include <doctest/doctest.h>

#include <string>

using namespace edgehub;
using namespace edgehub::hub;

namespace {
std::string refusal(std::optional<std::string_view> limit, std::optional<std::string_view> after,
                    std::optional<std::string_view> state) {
  const auto query = parse_device_list_query(limit, after, state);
  REQUIRE_FALSE(query.ok());
  CHECK(query.error().code == ErrorCode::invalid_argument);
  return query.error().message;
}
}  // namespace

TEST_CASE("parse_device_list_query_without_parameters_gives_the_first_page_of_500") {
  const auto query = parse_device_list_query(std::nullopt, std::nullopt, std::nullopt);
  REQUIRE(query.ok());
  CHECK(query->limit == 500);
  CHECK(query->after.empty());
  CHECK_FALSE(query->state.has_value());
}

TEST_CASE("parse_device_list_query_takes_limit_after_and_state") {
  const auto query = parse_device_list_query("5000", "boiler-17", "connected");
  REQUIRE(query.ok());
  CHECK(query->limit == kMaxDevicesPerPage);
  CHECK(query->after == "boiler-17");
  CHECK(query->state == DeviceStateFilter::connected);
  CHECK(parse_device_list_query("1", std::nullopt, "offline")->state == DeviceStateFilter::offline);
  CHECK(parse_device_list_query(std::nullopt, std::nullopt, "disabled")->state ==
        DeviceStateFilter::disabled);
}

TEST_CASE("parse_device_list_query_refuses_a_limit_out_of_range_or_not_a_number") {
  for (const char* limit : {"0", "5001", "-1", "", "ten", "10 ", "1e3", "99999999999999999999"}) {
    INFO(limit);
    const std::string message = refusal(limit, std::nullopt, std::nullopt);
    CHECK(message.find("'limit' must be 1-5000") != std::string::npos);
  }
}

TEST_CASE("parse_device_list_query_refuses_an_after_that_cannot_be_a_device_id") {
  for (const std::string& after :
       {std::string(), std::string("a/b"), std::string("-x"), std::string(65, 'a')}) {
    INFO(after);
    CHECK(refusal(std::nullopt, after, std::nullopt).find("'after' must be a device id") !=
          std::string::npos);
  }
}

TEST_CASE("parse_device_list_query_refuses_an_unknown_state_and_names_the_known_ones") {
  CHECK(refusal(std::nullopt, std::nullopt, "online") ==
        "query parameter 'state' must be connected, offline or disabled, not 'online'");
  CHECK_FALSE(parse_device_list_query(std::nullopt, std::nullopt, "Connected").ok());
}
