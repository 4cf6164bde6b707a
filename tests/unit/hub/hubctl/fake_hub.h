// hubctl run as a user runs it (run_cli), against a FakeTransport.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "fake_transport.h"
#include "hubctl/cli.h"

namespace edgehub::hubctl::testing {

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class FakeHub {
 public:
  FakeTransport transport;
  std::map<std::string, std::string> variables;
  std::string used_base_url;
  std::string used_ca_file;

  Run run(const std::vector<std::string>& arguments) {
    CliEnvironment environment;
    environment.variable = [this](const std::string& name) -> std::optional<std::string> {
      const auto found = variables.find(name);
      if (found == variables.end()) return std::nullopt;
      return found->second;
    };
    environment.make_transport = [this](const std::string& base_url, const std::string& ca_file) {
      used_base_url = base_url;
      used_ca_file = ca_file;
      return std::unique_ptr<HttpTransport>(new ForwardingTransport(transport));
    };
    std::ostringstream out;
    std::ostringstream err;
    Run result;
    result.exit_code = run_cli(arguments, environment, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

 private:
  struct ForwardingTransport final : HttpTransport {
    explicit ForwardingTransport(FakeTransport& target) : target_(target) {}
    TransportResult send(const HttpRequest& request) override { return target_.send(request); }
    FakeTransport& target_;
  };
};

}  // namespace edgehub::hubctl::testing
