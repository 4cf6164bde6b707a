// A fresh directory under $TMPDIR (or /tmp), removed when the test ends, kept
// (and its path printed) when the test failed, so its logs and databases can
// be inspected. EDGEHUB_ITEST_KEEP_FILES=1 keeps it always.
#pragma once

#include <filesystem>
#include <string>

namespace edgehub::itest {

class TempDir {
 public:
  // `purpose` becomes part of the name: /tmp/edgehub-itest-<purpose>-XXXXXX.
  explicit TempDir(const std::string& purpose);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (replacing it), creating parent directories.
void write_text_file(const std::filesystem::path& path, const std::string& text);
std::string read_text_file(const std::filesystem::path& path);

}  // namespace edgehub::itest
