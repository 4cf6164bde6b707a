#include "hubctl/hub_ca.h"

#include <filesystem>

#include "hubctl/api_token.h"

namespace edgehub::hubctl {

std::string resolve_hub_ca(const HubCaSources& sources) {
  if (sources.ca_option && !sources.ca_option->empty()) return *sources.ca_option;
  if (sources.ca_variable && !sources.ca_variable->empty()) return *sources.ca_variable;
  const std::filesystem::path local =
      std::filesystem::path(sources.data_directory.value_or(kDefaultDataDirectory)) / "pki" /
      "ca.pem";
  std::error_code error;
  if (std::filesystem::is_regular_file(local, error)) return local.string();
  return "";
}

}  // namespace edgehub::hubctl
