#include "hubd/data_directory.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

namespace edgehub::hub {
namespace {

void make_private_directory(const std::filesystem::path& directory) {
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create directory " + directory.string() + ": " +
                             std::strerror(errno));
  }
  if (!std::filesystem::is_directory(directory)) {
    throw std::runtime_error(directory.string() + " exists but is not a directory");
  }
}

std::string random_hex(std::size_t bytes) {
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  std::string raw(bytes, '\0');
  if (!urandom.read(raw.data(), static_cast<std::streamsize>(bytes))) {
    throw std::runtime_error("cannot read /dev/urandom");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : raw) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0F];
  }
  return hex;
}

}  // namespace

DataDirectory::DataDirectory(const std::filesystem::path& root)
    : root_(std::filesystem::absolute(root).lexically_normal()) {
  // "dir/" normalizes to "dir/" with an empty file name; keep one spelling.
  if (root_.has_relative_path() && root_.filename().empty()) root_ = root_.parent_path();
}

void DataDirectory::prepare() const {
  if (!std::filesystem::exists(root_.parent_path())) {
    std::error_code error;
    std::filesystem::create_directories(root_.parent_path(), error);
    if (error) {
      throw std::runtime_error("cannot create " + root_.parent_path().string() + ": " +
                               error.message());
    }
  }
  for (const auto& directory : {root_, pki_dir(), broker_dir(), broker_persistence_dir()}) {
    make_private_directory(directory);
  }
}

void write_private_file(const std::filesystem::path& file, std::string_view content,
                        unsigned mode) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  ::unlink(temporary.c_str());
  const int fd =
      ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t rc = ::write(fd, content.data() + written, content.size() - written);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) {
      const int error = errno;
      ::close(fd);
      throw std::runtime_error("cannot write " + temporary.string() + ": " + std::strerror(error));
    }
    written += static_cast<std::size_t>(rc);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
  }
}

std::string read_text_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string load_or_create_api_token(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) write_private_file(file, random_hex(32) + "\n");
  std::string token = read_text_file(file);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty())
    throw std::runtime_error(file.string() + " is empty: delete it to get a new token");
  return token;
}

}  // namespace edgehub::hub
