#include "hubctl/device_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace edgehub::hubctl {
namespace {

Status write_file(const std::filesystem::path& path, std::string_view content, mode_t mode) {
  const int descriptor =
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  auto failure = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    if (descriptor >= 0) ::close(descriptor);
    return make_error(ErrorCode::internal,
                      std::string("cannot ") + what + " " + path.string() + ": " + reason);
  };
  if (descriptor < 0) return failure("create");
  // An existing file keeps its old mode through O_CREAT: set it explicitly.
  if (::fchmod(descriptor, mode) != 0) return failure("set the mode of");
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t result = ::write(descriptor, content.data() + written, content.size() - written);
    if (result < 0) {
      if (errno == EINTR) continue;
      return failure("write");
    }
    written += static_cast<std::size_t>(result);
  }
  if (::close(descriptor) != 0) {
    return make_error(ErrorCode::internal,
                      "cannot write " + path.string() + ": " + std::strerror(errno));
  }
  return ok_status();
}

}  // namespace

DeviceFiles device_files_in(const std::filesystem::path& directory, std::string_view device_id) {
  const std::string id(device_id);
  return DeviceFiles{directory / (id + ".pem"), directory / (id + ".key"), directory / "ca.pem"};
}

Status prepare_device_directory(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return make_error(ErrorCode::invalid_argument,
                      "cannot create " + directory.string() + ": " + error.message());
  }
  if (!std::filesystem::is_directory(directory)) {
    return make_error(ErrorCode::invalid_argument, directory.string() + " is not a directory");
  }
  if (::access(directory.c_str(), W_OK) != 0) {
    return make_error(ErrorCode::invalid_argument,
                      "cannot write into " + directory.string() + ": " + std::strerror(errno));
  }
  return ok_status();
}

Status write_device_files(const DeviceFiles& files, std::string_view certificate_pem,
                          std::string_view private_key_pem, std::string_view ca_certificate_pem) {
  if (auto written = write_file(files.private_key, private_key_pem, 0600); !written) {
    return written;
  }
  if (auto written = write_file(files.certificate, certificate_pem, 0644); !written) {
    return written;
  }
  return write_file(files.ca_certificate, ca_certificate_pem, 0644);
}

Status write_public_file(const std::filesystem::path& path, std::string_view content) {
  return write_file(path, content, 0644);
}

Status write_private_file(const std::filesystem::path& path, std::string_view content) {
  return write_file(path, content, 0600);
}

}  // namespace edgehub::hubctl
