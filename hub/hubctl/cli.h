// hubctl's command line: parses it (CLI11), resolves the hub URL and token,
// and runs one command. main.cpp gives it the real environment and HTTP;
// tests give it a fake transport and fake environment variables.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "hubctl/http_transport.h"

namespace edgehub::hubctl {

struct CliEnvironment {
  // Reads an environment variable (HUBCTL_URL, HUBCTL_TOKEN, HUBCTL_CA).
  std::function<std::optional<std::string>(const std::string& name)> variable;
  // Makes the transport for a validated base URL ("https://host:port") that
  // trusts ca_file ("" : the system's CAs).
  std::function<std::unique_ptr<HttpTransport>(const std::string& base_url,
                                               const std::string& ca_file)>
      make_transport;
};

// arguments: without the program name. Returns the process exit code.
int run_cli(const std::vector<std::string>& arguments, const CliEnvironment& environment,
            std::ostream& out, std::ostream& err);

}  // namespace edgehub::hubctl
