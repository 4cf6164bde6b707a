// hubctl devices add | list | remove
#include <filesystem>

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/device_files.h"
#include "hubctl/device_hub_address.h"
#include "hubctl/output_format.h"

namespace edgehub::hubctl {
namespace {

const std::string* string_field(const nlohmann::json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return nullptr;
  return found->get_ptr<const std::string*>();
}

// The JSON printed by --json: the API's answer without the private key,
// which is in a file now and has no business in logs or terminals.
nlohmann::json without_private_key(nlohmann::json answer, const DeviceFiles& files) {
  answer.erase("private_key_pem");
  answer["private_key_file"] = files.private_key.string();
  answer["certificate_file"] = files.certificate.string();
  answer["ca_certificate_file"] = files.ca_certificate.string();
  return answer;
}

void print_added(Console& console, const DevicesAddOptions& options, const DeviceFiles& files,
                 const nlohmann::json& answer) {
  const nlohmann::json device = answer.value("device", nlohmann::json::object());
  const std::string* fingerprint = string_field(device, "certificate_sha256");
  console.out << "registered device '" << options.id << "'"
              << (fingerprint != nullptr ? " (certificate sha256 " + *fingerprint + ")" : "")
              << "\n"
              << "  certificate  " << files.certificate.string() << "\n"
              << "  private key  " << files.private_key.string()
              << "  (mode 0600, keep it secret)\n"
              << "  hub CA       " << files.ca_certificate.string() << "\n"
              << (options.hub_address
                      ? "  hub address  " + hub_conf_file(options.directory).string() + "\n"
                      : "")
              << "try it"
              << (options.hub_address ? ":\n"
                                      : " (" + std::to_string(options.mqtt_port) +
                                            " is hubd's default --mqtt-port):\n")
              << "  mosquitto_pub -h " << options.mqtt_host << " -p " << options.mqtt_port
              << " --cafile " << files.ca_certificate.string() << " --cert "
              << files.certificate.string() << " --key " << files.private_key.string() << " -i "
              << options.id << " -q 1 -t devices/" << options.id
              << "/telemetry -m '{\"seq\": 1, \"data\": {\"temperature\": 21.5}}'\n";
}

}  // namespace

ExitCode run_devices_add(HubApi& api, const DevicesAddOptions& options, Console& console) {
  if (auto valid = check_device_id(options.id); !valid) {
    return report_usage_error(console, valid.error());
  }
  auto attributes = parse_attributes(options.attributes);
  if (!attributes) return report_usage_error(console, attributes.error());
  const auto hub_address = optional_device_hub_address(options.hub_address);
  if (!hub_address) return report_usage_error(console, hub_address.error());
  if (auto ready = prepare_device_directory(options.directory); !ready) {
    return report_usage_error(console, ready.error());
  }

  const ApiResult added = api.add_device(options.id, attributes.value());
  if (!added.ok()) return report_api_failure(console, added.failure());

  const nlohmann::json& answer = added.body();
  const std::string* certificate = string_field(answer, "certificate_pem");
  const std::string* private_key = string_field(answer, "private_key_pem");
  const std::string* ca_certificate = string_field(answer, "ca_certificate_pem");
  if (certificate == nullptr || private_key == nullptr || ca_certificate == nullptr) {
    console.err << "hubctl: device '" << options.id
                << "' was registered, but the hub's answer lacks its certificate or key;"
                   " remove it (hubctl devices remove "
                << options.id << ") and add it again\n";
    return ExitCode::hub_error;
  }
  const DeviceFiles files = device_files_in(options.directory, options.id);
  if (auto written = write_device_files(files, *certificate, *private_key, *ca_certificate);
      !written) {
    console.err << "hubctl: device '" << options.id << "' was registered, but "
                << written.error().message
                << "; its private key is lost: remove the device (hubctl devices remove "
                << options.id << ") and add it again\n";
    return ExitCode::hub_error;
  }
  DevicesAddOptions shown = options;
  if (*hub_address) {
    if (auto written = write_hub_conf(options.directory, **hub_address); !written) {
      return report_usage_error(console, written.error());
    }
    shown.mqtt_host = (*hub_address)->host;
    shown.mqtt_port = (*hub_address)->port;
  }
  if (console.json) {
    nlohmann::json printed = without_private_key(answer, files);
    if (*hub_address) printed["hub_conf_file"] = hub_conf_file(options.directory).string();
    console.out << printed.dump(2) << "\n";
  } else {
    print_added(console, shown, files, answer);
  }
  return ExitCode::ok;
}

ExitCode run_devices_list(HubApi& api, const DevicesListOptions& options, Console& console) {
  const ApiResult listed =
      options.limit
          ? api.list_devices(device_page_query(*options.limit, options.after, options.state))
          : list_every_device(api, options);
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  const nlohmann::json& answer = listed.body();
  if (console.json) {
    console.out << answer.dump(2) << "\n";
    return ExitCode::ok;
  }
  const bool none = !answer.contains("devices") || answer["devices"].empty();
  console.out << (none && options.state ? "no " + *options.state + " devices\n"
                                        : format_devices(answer));
  if (const std::string* next = string_field(answer, "next_after")) {
    // On stderr: stdout stays the table a script reads.
    console.err << "more devices follow: hubctl devices list --limit " << *options.limit
                << " --after " << *next << (options.state ? " --state " + *options.state : "")
                << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_devices_remove(HubApi& api, const std::string& id, Console& console) {
  if (auto valid = check_device_id(id); !valid) return report_usage_error(console, valid.error());
  const ApiResult removed = api.remove_device(id);
  if (!removed.ok()) {
    if (removed.failure().http_status == 404) {
      console.err << "hubctl: device '" << id << "' is not registered\n";
      return ExitCode::not_found;
    }
    return report_api_failure(console, removed.failure());
  }
  if (!console.json) console.out << "removed device '" << id << "'\n";
  return ExitCode::ok;
}

}  // namespace edgehub::hubctl
