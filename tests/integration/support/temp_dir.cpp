#include "support/temp_dir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/diagnostics.h"

namespace edgehub::itest {
namespace {

bool keep_files_always() {
  const char* keep = std::getenv("EDGEHUB_ITEST_KEEP_FILES");
  return keep != nullptr && std::string(keep) == "1";
}

}  // namespace

TempDir::TempDir(const std::string& purpose) {
  std::string name =
      (std::filesystem::temp_directory_path() / ("edgehub-itest-" + purpose + "-XXXXXX")).string();
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + name + ": " + std::strerror(errno));
  }
  path_ = buffer.data();
}

TempDir::~TempDir() {
  if (current_test_failed() || keep_files_always()) {
    std::cout << "kept the test's files in " << path_.string() << "\n" << std::flush;
    return;
  }
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace edgehub::itest
