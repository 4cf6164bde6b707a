#include "registration.h"

#include <fcntl.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "edgehub/protocol/json_limits.h"

namespace edgehub::sim {
namespace {

// Writes a file atomically (temporary + rename) with the given mode.
void write_file(const std::filesystem::path& path, const std::string& content, mode_t mode) {
  const std::filesystem::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
  }
  ::fchmod(fd, mode);  // regardless of the umask
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t result = ::write(fd, content.data() + written, content.size() - written);
    if (result < 0) {
      const int error = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(error));
    }
    written += static_cast<std::size_t>(result);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
  }
  std::filesystem::rename(temporary, path);
}

std::string trim(std::string text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  return text;
}

// The hub's answer as JSON; discarded when it is not, or is nested deeper
// than any answer of the hub (nlohmann's dump and copy recurse per level).
nlohmann::json parse_answer(const std::string& body) {
  if (!protocol::check_json_depth(body, protocol::kReadBackMaxJsonDepth)) {
    return nlohmann::json::value_t::discarded;
  }
  return nlohmann::json::parse(body, nullptr, false);
}

// The hub's error message ({"error": {"message": ...}}), or the raw body.
std::string error_message(const std::string& body) {
  const auto parsed = parse_answer(body);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object() &&
      parsed["error"].contains("message") && parsed["error"]["message"].is_string()) {
    return parsed["error"]["message"].get<std::string>();
  }
  return body.empty() ? "(no body)" : body;
}

std::string require_string(const nlohmann::json& body, const char* field) {
  if (!body.contains(field) || !body[field].is_string()) {
    throw std::runtime_error(std::string("hub answer lacks \"") + field + "\"");
  }
  return body[field].get<std::string>();
}

}  // namespace

std::string resolve_api_token(const std::string& token, const std::string& data_dir) {
  if (!token.empty()) return token;
  if (data_dir.empty()) throw std::runtime_error("--register needs --token or --data-dir");
  const std::filesystem::path path = std::filesystem::path(data_dir) / "api-token";
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read the API token from " + path.string());
  std::stringstream content;
  content << file.rdbuf();
  std::string result = trim(content.str());
  if (result.empty()) throw std::runtime_error(path.string() + " is empty");
  return result;
}

std::filesystem::path certificate_path(const std::filesystem::path& dir, const std::string& id) {
  return dir / (id + ".pem");
}

std::filesystem::path private_key_path(const std::filesystem::path& dir, const std::string& id) {
  return dir / (id + ".key");
}

std::filesystem::path hub_ca_in(const std::string& data_dir) {
  if (data_dir.empty()) return {};
  const std::filesystem::path ca = std::filesystem::path(data_dir) / "pki" / "ca.pem";
  std::error_code error;
  return std::filesystem::is_regular_file(ca, error) ? ca : std::filesystem::path();
}

std::filesystem::path registration_ca(const std::string& ca_option, const std::string& data_dir) {
  if (!ca_option.empty()) return ca_option;
  if (std::filesystem::path in_data_dir = hub_ca_in(data_dir); !in_data_dir.empty()) {
    return in_data_dir;
  }
  const char* from_environment = std::getenv("HUBCTL_CA");
  return from_environment != nullptr ? std::filesystem::path(from_environment)
                                     : std::filesystem::path();
}

std::size_t register_missing_devices(const RegistrationSettings& settings,
                                     const std::vector<std::string>& ids) {
  std::filesystem::create_directories(settings.cert_dir);
  httplib::Client client(settings.hub_url);
  client.enable_server_certificate_verification(true);
  if (!settings.ca_file.empty()) client.set_ca_cert_path(settings.ca_file.c_str());
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  client.set_bearer_token_auth(settings.token.c_str());

  std::size_t registered = 0;
  for (const auto& id : ids) {
    if (std::filesystem::exists(certificate_path(settings.cert_dir, id))) continue;
    const std::string request = nlohmann::json{{"id", id}}.dump();
    const auto response = client.Post("/api/v1/devices", request, "application/json");
    if (!response) {
      throw std::runtime_error("cannot reach the hub at " + settings.hub_url + " to register '" +
                               id + "': " + httplib::to_string(response.error()) +
                               " error (is hubd running there?)");
    }
    if (response->status == 409) {
      throw std::runtime_error(
          "device '" + id + "' is already registered at the hub, but its certificate " +
          certificate_path(settings.cert_dir, id).string() +
          " is missing here: copy its credentials into --cert-dir, or remove the device at the "
          "hub (hubctl devices remove " +
          id + ") and register it again");
    }
    if (response->status != 201) {
      throw std::runtime_error("registering '" + id + "' failed: HTTP " +
                               std::to_string(response->status) + ": " +
                               error_message(response->body));
    }
    const auto body = parse_answer(response->body);
    if (!body.is_object()) throw std::runtime_error("hub answer for '" + id + "' is not JSON");
    // The key first: a certificate file always has its key next to it.
    write_file(private_key_path(settings.cert_dir, id), require_string(body, "private_key_pem"),
               0600);
    write_file(settings.cert_dir / "ca.pem", require_string(body, "ca_certificate_pem"), 0644);
    write_file(certificate_path(settings.cert_dir, id), require_string(body, "certificate_pem"),
               0644);
    spdlog::info("registered device {} at {}", id, settings.hub_url);
    ++registered;
  }
  return registered;
}

}  // namespace edgehub::sim
