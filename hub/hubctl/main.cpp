// hubctl: the operator's command line for an edgehub hub (README.md).
#include <cstdlib>
#include <iostream>

#include "hubctl/cli.h"
#include "hubctl/httplib_transport.h"

int main(int argc, char** argv) {
  using namespace edgehub::hubctl;
  CliEnvironment environment;
  environment.variable = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  environment.make_transport = [](const std::string& base_url,
                                  const std::string& ca_file) -> std::unique_ptr<HttpTransport> {
    return std::make_unique<HttplibTransport>(base_url, ca_file);
  };
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  return run_cli(arguments, environment, std::cout, std::cerr);
}
