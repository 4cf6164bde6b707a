// Device identities in hubctl (docs/protocol.md section 1.3):
//   devices enroll <id> --csr FILE | --certificate FILE [--out DIR] [--attr k=v]
//   devices disable <id> | devices enable <id>
//   devices certificates list <id>
//   devices certificates add <id> [--csr FILE | --certificate FILE] [--out DIR]
//   devices certificates end <id> <sha256>
//   cas add FILE | cas list | cas remove <sha256>
// cli.cpp registers it.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

// Where a device's certificate comes from: its CSR, its own certificate, or
// (neither) a key and certificate the hub makes.
struct CertificateInput {
  std::string request_file;      // --csr
  std::string certificate_file;  // --certificate
};

struct EnrollOptions {
  std::string id;
  CertificateInput input;
  std::string directory;  // where <id>.pem and ca.pem go
  std::vector<std::string> attributes;
  std::optional<std::string> hub_address;  // --hub-address: written to <directory>/hub.conf
};

struct CertificateAddOptions {
  std::string id;
  CertificateInput input;
  std::string directory;  // where <id>.<sha256 prefix>.pem (and .key) go
};

ExitCode run_devices_enroll(HubApi& api, const EnrollOptions& options, Console& console);
ExitCode run_devices_set_enabled(HubApi& api, const std::string& id, bool enabled,
                                 Console& console);
ExitCode run_certificates_list(HubApi& api, const std::string& id, Console& console);
ExitCode run_certificates_add(HubApi& api, const CertificateAddOptions& options, Console& console);
ExitCode run_certificates_end(HubApi& api, const std::string& id, const std::string& sha256,
                              Console& console);
ExitCode run_cas_add(HubApi& api, const std::string& file, Console& console);
ExitCode run_cas_list(HubApi& api, Console& console);
ExitCode run_cas_remove(HubApi& api, const std::string& sha256, Console& console);

class IdentityCommandLine {
 public:
  // devices: the "devices" subcommand the device commands go under.
  IdentityCommandLine(CLI::App& app, CLI::App& devices);
  std::optional<ExitCode> run_if_parsed(HubApi& api, Console& console);

 private:
  CLI::App* enroll_ = nullptr;
  CLI::App* disable_ = nullptr;
  CLI::App* enable_ = nullptr;
  CLI::App* certificates_list_ = nullptr;
  CLI::App* certificates_add_ = nullptr;
  CLI::App* certificates_end_ = nullptr;
  CLI::App* cas_add_ = nullptr;
  CLI::App* cas_list_ = nullptr;
  CLI::App* cas_remove_ = nullptr;
  EnrollOptions enroll_options_;
  CertificateAddOptions add_options_;
  std::string id_;
  std::string sha256_;
  std::string file_;
};

}  // namespace edgehub::hubctl
