#include "hubctl/identity_cli.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"
#include "hubctl/device_files.h"
#include "hubctl/device_hub_address.h"

namespace edgehub::hubctl {
namespace {

Result<std::string> read_text_file(const std::string& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    return make_error(ErrorCode::invalid_argument, "cannot read " + file);
  }
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

// The request body's certificate fields for --csr / --certificate.
Result<nlohmann::json> certificate_body(const CertificateInput& input) {
  nlohmann::json body = nlohmann::json::object();
  if (!input.request_file.empty()) {
    auto text = read_text_file(input.request_file);
    if (!text) return text.error();
    body["csr_pem"] = *text;
  } else if (!input.certificate_file.empty()) {
    auto text = read_text_file(input.certificate_file);
    if (!text) return text.error();
    body["certificate_pem"] = *text;
  }
  return body;
}

std::string string_of(const nlohmann::json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : "";
}

std::string utc_text(const nlohmann::json& ms) {
  if (!ms.is_number_integer()) return "-";
  const std::time_t seconds = static_cast<std::time_t>(ms.get<std::int64_t>() / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts));
}

ExitCode checked_id(const std::string& id, Console& console, bool& ok) {
  auto valid = check_device_id(id);
  ok = valid.ok();
  return ok ? ExitCode::ok : report_usage_error(console, valid.error());
}

}  // namespace

ExitCode run_devices_enroll(HubApi& api, const EnrollOptions& options, Console& console) {
  bool ok = false;
  if (ExitCode refused = checked_id(options.id, console, ok); !ok) return refused;
  auto attributes = parse_attributes(options.attributes);
  if (!attributes) return report_usage_error(console, attributes.error());
  auto body = certificate_body(options.input);
  if (!body) return report_usage_error(console, body.error());
  const auto hub_address = optional_device_hub_address(options.hub_address);
  if (!hub_address) return report_usage_error(console, hub_address.error());
  if (auto ready = prepare_device_directory(options.directory); !ready) {
    return report_usage_error(console, ready.error());
  }
  (*body)["id"] = options.id;
  (*body)["attributes"] = *attributes;
  const ApiResult enrolled = api.enroll_device(*body);
  if (!enrolled.ok()) return report_api_failure(console, enrolled.failure());
  const DeviceFiles files = device_files_in(options.directory, options.id);
  const std::string certificate = string_of(enrolled.body(), "certificate_pem");
  for (const auto& [file, content] :
       {std::pair{files.certificate, certificate},
        std::pair{files.ca_certificate, string_of(enrolled.body(), "ca_certificate_pem")}}) {
    if (auto written = write_public_file(file, content); !written) {
      return report_usage_error(console, written.error());
    }
  }
  if (*hub_address) {
    if (auto written = write_hub_conf(options.directory, **hub_address); !written) {
      return report_usage_error(console, written.error());
    }
  }
  if (console.json) {
    nlohmann::json printed = enrolled.body();
    if (*hub_address) printed["hub_conf_file"] = hub_conf_file(options.directory).string();
    console.out << printed.dump(2) << "\n";
    return ExitCode::ok;
  }
  const nlohmann::json device = enrolled.body().value("device", nlohmann::json::object());
  console.out << "registered device '" << options.id << "' (certificate sha256 "
              << string_of(device, "certificate_sha256") << ")\n"
              << "  certificate  " << files.certificate.string() << "\n"
              << "  hub CA       " << files.ca_certificate.string() << "\n"
              << (*hub_address
                      ? "  hub address  " + hub_conf_file(options.directory).string() + "\n"
                      : "")
              << "the device keeps its own private key; it connects with client id " << options.id
              << "\n";
  return ExitCode::ok;
}

ExitCode run_devices_set_enabled(HubApi& api, const std::string& id, bool enabled,
                                 Console& console) {
  bool ok = false;
  if (ExitCode refused = checked_id(id, console, ok); !ok) return refused;
  const ApiResult changed = api.set_device_enabled(id, enabled);
  if (!changed.ok()) return report_api_failure(console, changed.failure());
  if (console.json) {
    console.out << changed.body().dump(2) << "\n";
  } else {
    console.out << (enabled ? "enabled" : "disabled") << " device '" << id << "'"
                << (enabled ? "" : " (disconnected if it was connected)") << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_certificates_list(HubApi& api, const std::string& id, Console& console) {
  bool ok = false;
  if (ExitCode refused = checked_id(id, console, ok); !ok) return refused;
  const ApiResult listed = api.list_certificates(id);
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  if (console.json) {
    console.out << listed.body().dump(2) << "\n";
    return ExitCode::ok;
  }
  console.out << "SHA256                                                            STATE"
                 "          NOT AFTER             ENDED\n";
  for (const auto& certificate : listed.body().value("certificates", nlohmann::json::array())) {
    std::string state = string_of(certificate, "state");
    state.resize(std::max<std::size_t>(state.size(), 14), ' ');
    console.out << string_of(certificate, "certificate_sha256") << "  " << state << " "
                << utc_text(certificate.value("not_after_ms", nlohmann::json())) << "  "
                << utc_text(certificate.value("ended_at_ms", nlohmann::json())) << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_certificates_add(HubApi& api, const CertificateAddOptions& options, Console& console) {
  bool ok = false;
  if (ExitCode refused = checked_id(options.id, console, ok); !ok) return refused;
  auto body = certificate_body(options.input);
  if (!body) return report_usage_error(console, body.error());
  if (auto ready = prepare_device_directory(options.directory); !ready) {
    return report_usage_error(console, ready.error());
  }
  const ApiResult added = api.add_certificate(options.id, *body);
  if (!added.ok()) return report_api_failure(console, added.failure());
  const std::string sha256 = string_of(added.body(), "certificate_sha256");
  // Named by fingerprint: the certificate the device uses now stays where it is.
  const std::filesystem::path base =
      std::filesystem::path(options.directory) / (options.id + "." + sha256.substr(0, 12));
  const std::filesystem::path certificate_file = base.string() + ".pem";
  if (auto written =
          write_public_file(certificate_file, string_of(added.body(), "certificate_pem"));
      !written) {
    return report_usage_error(console, written.error());
  }
  const std::string key = string_of(added.body(), "private_key_pem");
  const std::filesystem::path key_file = base.string() + ".key";
  if (!key.empty()) {
    if (auto written = write_private_file(key_file, key); !written) {
      return report_usage_error(console, written.error());
    }
  }
  if (console.json) {
    nlohmann::json shown = added.body();
    shown.erase("private_key_pem");
    shown["certificate_file"] = certificate_file.string();
    if (!key.empty()) shown["private_key_file"] = key_file.string();
    console.out << shown.dump(2) << "\n";
    return ExitCode::ok;
  }
  console.out << "added a certificate to device '" << options.id << "' (sha256 " << sha256 << ")\n"
              << "  certificate  " << certificate_file.string() << "\n";
  if (!key.empty()) console.out << "  private key  " << key_file.string() << "  (mode 0600)\n";
  console.out << "both certificates are accepted until you end the old one:\n"
              << "  hubctl devices certificates end " << options.id << " <old sha256>\n";
  return ExitCode::ok;
}

ExitCode run_certificates_end(HubApi& api, const std::string& id, const std::string& sha256,
                              Console& console) {
  bool ok = false;
  if (ExitCode refused = checked_id(id, console, ok); !ok) return refused;
  const ApiResult ended = api.end_certificate(id, sha256);
  if (!ended.ok()) return report_api_failure(console, ended.failure());
  if (console.json) {
    console.out << ended.body().dump(2) << "\n";
  } else {
    console.out << "ended certificate " << sha256 << " of device '" << id
                << "' (refused from now on)\n";
  }
  return ExitCode::ok;
}

ExitCode run_cas_add(HubApi& api, const std::string& file, Console& console) {
  auto pem = read_text_file(file);
  if (!pem) return report_usage_error(console, pem.error());
  const ApiResult added = api.add_authority(*pem);
  if (!added.ok()) return report_api_failure(console, added.failure());
  if (console.json) {
    console.out << added.body().dump(2) << "\n";
  } else {
    console.out << "trusted CA " << string_of(added.body(), "subject") << " (sha256 "
                << string_of(added.body(), "certificate_sha256") << ", until "
                << utc_text(added.body().value("not_after_ms", nlohmann::json())) << ")\n";
  }
  return ExitCode::ok;
}

ExitCode run_cas_list(HubApi& api, Console& console) {
  const ApiResult listed = api.list_authorities();
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  if (console.json) {
    console.out << listed.body().dump(2) << "\n";
    return ExitCode::ok;
  }
  for (const auto& authority : listed.body().value("cas", nlohmann::json::array())) {
    console.out << string_of(authority, "certificate_sha256") << "  until "
                << utc_text(authority.value("not_after_ms", nlohmann::json())) << "  "
                << authority.value("device_certificates", nlohmann::json(0)).dump()
                << " device certificate(s)  " << string_of(authority, "subject") << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_cas_remove(HubApi& api, const std::string& sha256, Console& console) {
  const ApiResult removed = api.remove_authority(sha256);
  if (!removed.ok()) return report_api_failure(console, removed.failure());
  if (!console.json) console.out << "removed trusted CA " << sha256 << "\n";
  return ExitCode::ok;
}

IdentityCommandLine::IdentityCommandLine(CLI::App& app, CLI::App& devices) {
  enroll_options_.directory = kDefaultDeviceDirectory;
  add_options_.directory = kDefaultDeviceDirectory;

  enroll_ = devices.add_subcommand(
      "enroll",
      "register a device that keeps its own key: by its CSR, or by its certificate "
      "from a trusted CA (hubctl cas)");
  enroll_->add_option("id", enroll_options_.id, "device id (the CN of the CSR or certificate)")
      ->required();
  CLI::Option* csr = enroll_->add_option("--csr", enroll_options_.input.request_file,
                                         "the device's certificate signing request (PEM)");
  CLI::Option* own = enroll_->add_option("--certificate", enroll_options_.input.certificate_file,
                                         "the device's own certificate (PEM)");
  csr->excludes(own);
  enroll_->add_option("--out", enroll_options_.directory,
                      "directory for <id>.pem and ca.pem (default ./devices)");
  enroll_->add_option("--attr", enroll_options_.attributes, "attribute key=value (repeatable)");
  enroll_->add_option("--hub-address", enroll_options_.hub_address,
                      "HOST[:PORT] the device connects to (a name in the broker's "
                      "certificate; port default 8883): written to <out>/hub.conf");
  enroll_->callback([csr, own] {
    if (csr->count() == 0 && own->count() == 0) {
      throw CLI::ValidationError("--csr or --certificate", "one of them is required");
    }
  });

  disable_ = devices.add_subcommand(
      "disable", "refuse a device's connections (disconnects it now); its certificates stay");
  disable_->add_option("id", id_, "device id")->required();
  enable_ = devices.add_subcommand("enable", "let a disabled device connect again");
  enable_->add_option("id", id_, "device id")->required();

  CLI::App* certificates =
      devices.add_subcommand("certificates", "a device's certificates: list, add (rotate), end");
  certificates->require_subcommand(1);
  certificates_list_ = certificates->add_subcommand("list", "list a device's certificates");
  certificates_list_->add_option("id", id_, "device id")->required();
  certificates_add_ = certificates->add_subcommand(
      "add",
      "add a certificate (from --csr, --certificate, or a new hub-made key); both old "
      "and new are accepted until the old one is ended");
  certificates_add_->add_option("id", add_options_.id, "device id")->required();
  CLI::Option* add_csr =
      certificates_add_->add_option("--csr", add_options_.input.request_file,
                                    "certificate signing request from the device (PEM)");
  CLI::Option* add_own = certificates_add_->add_option(
      "--certificate", add_options_.input.certificate_file, "the device's new certificate (PEM)");
  add_csr->excludes(add_own);
  certificates_add_->add_option(
      "--out", add_options_.directory,
      "directory for <id>.<sha256 prefix>.pem (and .key) (default ./devices)");
  certificates_end_ = certificates->add_subcommand(
      "end", "stop accepting a certificate (a device connected with it is disconnected)");
  certificates_end_->add_option("id", id_, "device id")->required();
  certificates_end_->add_option("sha256", sha256_, "the certificate's sha256")->required();

  CLI::App* cas = app.add_subcommand(
      "cas", "certificate authorities trusted to issue device certificates (besides the hub's)");
  cas->require_subcommand(1);
  cas_add_ = cas->add_subcommand("add", "trust a CA (a self-signed root certificate, PEM)");
  cas_add_->add_option("file", file_, "the CA certificate (PEM)")->required();
  cas_list_ = cas->add_subcommand("list", "list trusted CAs");
  cas_remove_ = cas->add_subcommand(
      "remove", "stop trusting a CA (refused while device certificates from it are accepted)");
  cas_remove_->add_option("sha256", sha256_, "the CA certificate's sha256")->required();
}

std::optional<ExitCode> IdentityCommandLine::run_if_parsed(HubApi& api, Console& console) {
  if (enroll_->parsed()) return run_devices_enroll(api, enroll_options_, console);
  if (disable_->parsed()) return run_devices_set_enabled(api, id_, false, console);
  if (enable_->parsed()) return run_devices_set_enabled(api, id_, true, console);
  if (certificates_list_->parsed()) return run_certificates_list(api, id_, console);
  if (certificates_add_->parsed()) return run_certificates_add(api, add_options_, console);
  if (certificates_end_->parsed()) return run_certificates_end(api, id_, sha256_, console);
  if (cas_add_->parsed()) return run_cas_add(api, file_, console);
  if (cas_list_->parsed()) return run_cas_list(api, console);
  if (cas_remove_->parsed()) return run_cas_remove(api, sha256_, console);
  return std::nullopt;
}

}  // namespace edgehub::hubctl
