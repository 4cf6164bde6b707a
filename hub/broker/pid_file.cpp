#include "broker/pid_file.h"

#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace edgehub::hub {

std::optional<pid_t> read_pid_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  long long value = 0;
  if (!(in >> value) || value <= 0 || value > 0x7fffffff) return std::nullopt;
  return static_cast<pid_t>(value);
}

void write_pid_file(const std::filesystem::path& file, pid_t pid) {
  std::filesystem::path temporary = file;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << pid << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::error_code error;
  std::filesystem::rename(temporary, file, error);
  if (error) throw std::runtime_error("cannot write " + file.string() + ": " + error.message());
}

void remove_pid_file(const std::filesystem::path& file) noexcept {
  std::error_code ignored;
  std::filesystem::remove(file, ignored);
}

}  // namespace edgehub::hub
