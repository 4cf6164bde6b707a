#include "pki/private_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace edgehub::hub {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& file) {
  throw std::runtime_error("cannot " + what + " " + file.string() + ": " + std::strerror(errno));
}

void write_all(int descriptor, std::string_view content, const std::filesystem::path& file) {
  while (!content.empty()) {
    const ssize_t written = ::write(descriptor, content.data(), content.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) throw_errno("write", file);
    content.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace

void ensure_private_directory(const std::filesystem::path& directory) {
  std::error_code error;
  if (std::filesystem::is_directory(directory, error)) return;
  if (std::filesystem::exists(directory, error)) {
    throw std::runtime_error("cannot use " + directory.string() + ": not a directory");
  }
  if (directory.has_parent_path()) {
    std::filesystem::create_directories(directory.parent_path(), error);
    if (error) {
      throw std::runtime_error("cannot create " + directory.parent_path().string() + ": " +
                               error.message());
    }
  }
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    throw_errno("create directory", directory);
  }
}

std::string read_whole_file(const std::filesystem::path& file) {
  std::ifstream stream(file, std::ios::binary);
  if (!stream) throw_errno("read", file);
  std::ostringstream content;
  content << stream.rdbuf();
  if (stream.bad()) throw_errno("read", file);
  return content.str();
}

void write_file_atomically(const std::filesystem::path& file, std::string_view content,
                           mode_t mode) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  // A leftover from an interrupted run would keep its old permissions: start afresh.
  if (::unlink(temporary.c_str()) != 0 && errno != ENOENT) throw_errno("remove", temporary);
  const int descriptor =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (descriptor < 0) throw_errno("create", temporary);
  try {
    write_all(descriptor, content, temporary);
    if (::fsync(descriptor) != 0) throw_errno("sync", temporary);
  } catch (...) {
    ::close(descriptor);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::close(descriptor) != 0) throw_errno("close", temporary);
  if (::rename(temporary.c_str(), file.c_str()) != 0) throw_errno("rename into", file);
}

}  // namespace edgehub::hub
