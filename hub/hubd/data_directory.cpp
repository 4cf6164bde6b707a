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

std::string system_error(const std::string& what, const std::filesystem::path& path) {
  return what + " " + path.string() + ": " + std::strerror(errno);
}

void require_own(const std::filesystem::path& path, const struct stat& info) {
  if (info.st_uid == ::geteuid()) return;
  throw std::runtime_error(path.string() + " is owned by user " + std::to_string(info.st_uid) +
                           ", not by the user hubd runs as (" + std::to_string(::geteuid()) +
                           "): the data directory must be hubd's alone (chown -R it)");
}

void tighten(const std::filesystem::path& path, const struct stat& info, mode_t mode) {
  if ((info.st_mode & 07777) == mode) return;
  if (::chmod(path.c_str(), mode) != 0 && errno != ENOENT) {
    throw std::runtime_error(system_error("cannot make private (chmod)", path));
  }
}

// Other users must not be able to replace the data directory: its parent is
// not writable by them, or has the sticky bit (/tmp).
void require_safe_parent(const std::filesystem::path& parent) {
  struct stat info {};
  if (::stat(parent.c_str(), &info) != 0)
    throw std::runtime_error(system_error("cannot stat", parent));
  if ((info.st_mode & S_IWOTH) != 0 && (info.st_mode & S_ISVTX) == 0) {
    throw std::runtime_error(
        parent.string() +
        " (the data directory's parent) is writable by every user without the sticky bit: "
        "another user could replace the data directory; use another place or chmod o-w it");
  }
}

// Every directory under root 0700, every file 0600, each owned by us.
void tighten_tree(const std::filesystem::path& root) {
  std::error_code error;
  std::filesystem::recursive_directory_iterator it(root, std::filesystem::directory_options::none,
                                                   error);
  if (error) throw std::runtime_error("cannot list " + root.string() + ": " + error.message());
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    const std::filesystem::path& path = it->path();
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) {
      if (errno == ENOENT) continue;  // gone meanwhile (a running broker's temporary file)
      throw std::runtime_error(system_error("cannot stat", path));
    }
    if (S_ISLNK(info.st_mode)) continue;  // not followed; its target is not ours to change
    require_own(path, info);
    tighten(path, info, S_ISDIR(info.st_mode) ? 0700 : 0600);
  }
  if (error) throw std::runtime_error("cannot list " + root.string() + ": " + error.message());
}

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
  // Before anything is created: SQLite's -wal/-shm files, the journal, the
  // broker's files (it inherits the mask) are owner-only from the start.
  ::umask(077);
  if (!std::filesystem::exists(root_.parent_path())) {
    std::error_code error;
    std::filesystem::create_directories(root_.parent_path(), error);
    if (error) {
      throw std::runtime_error("cannot create " + root_.parent_path().string() + ": " +
                               error.message());
    }
  }
  require_safe_parent(root_.parent_path());
  make_private_directory(root_);
  struct stat info {};
  if (::stat(root_.c_str(), &info) != 0)
    throw std::runtime_error(system_error("cannot stat", root_));
  require_own(root_, info);
  tighten(root_, info, 0700);
  if (::stat(root_.c_str(), &info) != 0)
    throw std::runtime_error(system_error("cannot stat", root_));
  if ((info.st_mode & 0077) != 0) {
    throw std::runtime_error(root_.string() + " stays accessible to other users after chmod 0700 " +
                             "(a file system without Unix permissions?): use another place");
  }
  tighten_tree(root_);
  for (const auto& directory : {pki_dir(), broker_dir(), broker_persistence_dir()}) {
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

namespace {

// The first line of file, created with initial + "\n" if missing.
std::string load_or_create_line(const std::filesystem::path& file, const std::string& initial,
                                const char* when_empty) {
  if (!std::filesystem::exists(file)) write_private_file(file, initial + "\n");
  std::string text = read_text_file(file);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (text.empty()) throw std::runtime_error(file.string() + " is empty: " + when_empty);
  return text;
}

}  // namespace

std::string load_or_create_api_token(const std::filesystem::path& file) {
  return load_or_create_line(file, random_hex(32), "delete it to get a new token");
}

std::string site_id_or_stored(const std::string& given, const std::filesystem::path& file) {
  if (!given.empty()) return given;
  return load_or_create_line(file, "hub-" + random_hex(8),
                             "delete it to get a new site id (exported records then carry it)");
}

}  // namespace edgehub::hub
