#include "hubctl/device_listing.h"

namespace edgehub::hubctl {

std::string device_page_query(std::uint32_t limit, const std::optional<std::string>& after,
                              const std::optional<std::string>& state) {
  std::string query = "limit=" + std::to_string(limit);
  if (after) query += "&after=" + encode_path_segment(*after);
  if (state) query += "&state=" + encode_path_segment(*state);
  return query;
}

ApiResult list_every_device(HubApi& api, const DevicesListOptions& options) {
  nlohmann::json devices = nlohmann::json::array();
  std::optional<std::string> after = options.after;
  for (;;) {
    ApiResult page =
        api.list_devices(device_page_query(kDevicesPerWalkedPage, after, options.state));
    if (!page.ok()) return page;
    const nlohmann::json& body = page.body();
    const auto listed = body.find("devices");
    if (listed == body.end() || !listed->is_array()) {
      return ApiFailure{ApiFailure::Kind::bad_answer, 200, "",
                        "the device list has no \"devices\""};
    }
    for (const nlohmann::json& device : *listed) devices.push_back(device);
    const auto next = body.find("next_after");
    if (next == body.end()) break;
    if (!next->is_string() || (after && next->get<std::string>() <= *after)) {
      return ApiFailure{ApiFailure::Kind::bad_answer, 200, "",
                        "the hub's \"next_after\" does not move forward: " + next->dump()};
    }
    after = next->get<std::string>();
  }
  return nlohmann::json{{"devices", std::move(devices)}};
}

}  // namespace edgehub::hubctl
