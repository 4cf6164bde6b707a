#include "api/device_list_query.h"

#include <charconv>

#include "edgehub/protocol/topics.h"

namespace edgehub::hub {
namespace {

Error invalid_parameter(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

}  // namespace

Result<DeviceListQuery> parse_device_list_query(std::optional<std::string_view> limit,
                                                std::optional<std::string_view> after,
                                                std::optional<std::string_view> state) {
  DeviceListQuery query;
  if (limit) {
    std::size_t count = 0;
    const auto [end, error] = std::from_chars(limit->data(), limit->data() + limit->size(), count);
    if (limit->empty() || error != std::errc() || end != limit->data() + limit->size() ||
        count < 1 || count > kMaxDevicesPerPage) {
      return invalid_parameter(
          "query parameter 'limit' must be 1-" + std::to_string(kMaxDevicesPerPage) + " (default " +
          std::to_string(kDefaultDevicesPerPage) + "), not '" + std::string(*limit) + "'");
    }
    query.limit = count;
  }
  if (after) {
    // A device id, as next_after gave it: anything else cannot be a
    // position a client was given.
    if (!protocol::is_valid_device_id(*after)) {
      return invalid_parameter(
          "query parameter 'after' must be a device id (the 'next_after' of the "
          "previous page), not '" +
          std::string(*after) + "'");
    }
    query.after = std::string(*after);
  }
  if (state) {
    if (*state == "connected") {
      query.state = DeviceStateFilter::connected;
    } else if (*state == "offline") {
      query.state = DeviceStateFilter::offline;
    } else if (*state == "disabled") {
      query.state = DeviceStateFilter::disabled;
    } else {
      return invalid_parameter(
          "query parameter 'state' must be connected, offline or disabled, not '" +
          std::string(*state) + "'");
    }
  }
  return query;
}

}  // namespace edgehub::hub
