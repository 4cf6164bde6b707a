// The files `hubctl devices add` leaves for the operator: <id>.pem, <id>.key
// (mode 0600 from the moment it exists) and ca.pem in one directory.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "edgehub/common/result.h"

namespace edgehub::hubctl {

inline constexpr const char* kDefaultDeviceDirectory = "./devices";

struct DeviceFiles {
  std::filesystem::path certificate;     // <dir>/<id>.pem
  std::filesystem::path private_key;     // <dir>/<id>.key
  std::filesystem::path ca_certificate;  // <dir>/ca.pem
};

DeviceFiles device_files_in(const std::filesystem::path& directory, std::string_view device_id);

// Creates the directory if needed and checks it is writable, so that a device
// is not registered when its private key could not be saved.
Status prepare_device_directory(const std::filesystem::path& directory);

// Writes the three files (existing ones are replaced; the key file is
// created with mode 0600 and set to 0600 if it existed).
Status write_device_files(const DeviceFiles& files, std::string_view certificate_pem,
                          std::string_view private_key_pem, std::string_view ca_certificate_pem);

// Writes a file readable by all (a certificate), replacing an existing one.
Status write_public_file(const std::filesystem::path& path, std::string_view content);

// Writes a file only its owner can read (a private key), mode 0600.
Status write_private_file(const std::filesystem::path& path, std::string_view content);

}  // namespace edgehub::hubctl
