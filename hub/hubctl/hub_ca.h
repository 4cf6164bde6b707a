// Which CA hubctl trusts for an https:// hub. The first that is given wins:
// --ca-file, HUBCTL_CA, the hub's own CA in its data directory
// (<--data-dir or ./hub-data>/pki/ca.pem) when that file exists, else the
// system's CAs (an operator's own --http-cert from a public CA).
#pragma once

#include <optional>
#include <string>

namespace edgehub::hubctl {

struct HubCaSources {
  std::optional<std::string> ca_option;       // --ca-file
  std::optional<std::string> ca_variable;     // HUBCTL_CA
  std::optional<std::string> data_directory;  // --data-dir
};

// The CA file to verify the hub's certificate with; "" for the system's CAs.
std::string resolve_hub_ca(const HubCaSources& sources);

}  // namespace edgehub::hubctl
