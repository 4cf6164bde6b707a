#include "device_folder.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace edgehub::example {
namespace {

namespace fs = std::filesystem;

struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using X509Pointer = std::unique_ptr<X509, X509Deleter>;

X509Pointer read_certificate(const std::string& file) {
  std::FILE* stream = std::fopen(file.c_str(), "r");
  if (stream == nullptr) return nullptr;
  X509Pointer certificate(PEM_read_X509(stream, nullptr, nullptr, nullptr));
  std::fclose(stream);
  return certificate;
}

std::string common_name_of(const X509& certificate) {
  const X509_NAME* subject = X509_get_subject_name(&certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return "";
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

// Device certificates in folder: every .pem but the hub's CA.
std::vector<std::string> device_certificates(const fs::path& folder) {
  std::vector<std::string> names;
  std::error_code ignored;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, ignored)) {
    const fs::path& path = entry.path();
    if (path.extension() == ".pem" && path.filename() != "ca.pem") {
      names.push_back(path.filename().string());
    }
  }
  return names;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::optional<DeviceIdentity> find_device_identity(const std::string& folder,
                                                   const std::string& certificate_name,
                                                   std::string& error) {
  const fs::path directory(folder);
  if (!fs::is_directory(directory)) {
    error = folder + " is not a directory (the folder `hubctl devices add --out` wrote)";
    return std::nullopt;
  }
  std::string chosen = certificate_name;
  if (chosen.empty()) {
    const std::vector<std::string> found = device_certificates(directory);
    if (found.size() != 1) {
      error = found.empty()
                  ? "no device certificate in " + folder +
                        " (expected <id>.pem and <id>.key beside ca.pem)"
                  : "several device certificates in " + folder + ": choose one with --certificate";
      return std::nullopt;
    }
    chosen = found.front();
  }
  DeviceIdentity identity;
  identity.files.certificate_file = (directory / chosen).string();
  identity.files.ca_file = (directory / "ca.pem").string();
  for (const std::string* file : {&identity.files.certificate_file, &identity.files.ca_file}) {
    if (!fs::is_regular_file(*file)) {
      error = "missing " + *file;
      return std::nullopt;
    }
  }
  const X509Pointer certificate = read_certificate(identity.files.certificate_file);
  if (!certificate) {
    error = identity.files.certificate_file + " is not a PEM certificate";
    return std::nullopt;
  }
  identity.device_id = common_name_of(*certificate);
  if (identity.device_id.empty()) {
    error = identity.files.certificate_file + " has no subject CN (the device id)";
    return std::nullopt;
  }
  // The key beside the certificate (<name>.key), else the device's key
  // <id>.key: a certificate enrolled from a CSR, also a rotated one
  // (<id>.<12 hex>.pem), belongs to the key the device made.
  const fs::path beside = (directory / chosen).replace_extension(".key");
  const fs::path device_key = directory / (identity.device_id + ".key");
  identity.files.private_key_file = (fs::exists(beside) ? beside : device_key).string();
  if (!fs::is_regular_file(identity.files.private_key_file)) {
    error = "no private key for " + identity.files.certificate_file + ": expected " +
            beside.string() + " or " + device_key.string();
    return std::nullopt;
  }
  return identity;
}

std::optional<HubAddress> read_hub_address(const std::string& folder, std::string& error) {
  HubAddress address;
  const fs::path file = fs::path(folder) / "hub.conf";
  std::ifstream input(file);
  if (!input) return address;  // no file: the command line says where
  std::string line;
  for (int number = 1; std::getline(input, line); ++number) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const auto equals = line.find('=');
    const std::string key = trim(line.substr(0, equals));
    const std::string value = equals == std::string::npos ? "" : trim(line.substr(equals + 1));
    if (key == "host" && !value.empty()) {
      address.host = value;
    } else if (key == "port" && !value.empty() &&
               value.find_first_not_of("0123456789") == std::string::npos && value.size() <= 5 &&
               std::stoul(value) >= 1 && std::stoul(value) <= 65535) {
      address.port = static_cast<std::uint16_t>(std::stoul(value));
    } else {
      error = file.string() + ":" + std::to_string(number) +
              ": expected `host = NAME` or `port = 1..65535`, found `" + line + "`";
      return std::nullopt;
    }
  }
  return address;
}

std::string validity_warning(const std::string& certificate_file) {
  const X509Pointer certificate = read_certificate(certificate_file);
  if (!certificate) return "";
  if (X509_cmp_current_time(X509_get0_notAfter(certificate.get())) < 0) {
    return certificate_file + " has expired: the hub refuses it (ask for a new one)";
  }
  if (X509_cmp_current_time(X509_get0_notBefore(certificate.get())) > 0) {
    return certificate_file + " is not valid yet: is this device's clock set?";
  }
  return "";
}

}  // namespace edgehub::example
