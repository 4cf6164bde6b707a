// The background deleter of released journal segments, on real files.
#include "journal/segment_remover.h"

#include <doctest/doctest.h>

#include <fstream>
#include <mutex>
#include <string>
#include <vector>

#include "edgehub/test/temp_directory.h"

using namespace edgehub;
using namespace edgehub::hub;

namespace {

void make_file(const std::filesystem::path& file) { std::ofstream(file) << "frames"; }

struct Reports {
  std::mutex mutex;
  std::vector<std::pair<std::string, std::error_code>> done;
  SegmentRemover::Done handler() {
    return [this](const SegmentRemoval& removal, std::error_code error) {
      std::lock_guard lock(mutex);
      done.emplace_back(removal.file.filename().string(), error);
    };
  }
};

}  // namespace

TEST_CASE("removals are carried out in order, renames keep the file under its new name") {
  test::TempDirectory dir;
  make_file(dir.path() / "a.journal");
  make_file(dir.path() / "b.journal");
  Reports reports;
  SegmentRemover remover(reports.handler());
  remover.submit({{dir.path() / "a.journal", std::nullopt},
                  {dir.path() / "b.journal", dir.path() / "b.journal.corrupt"}});
  remover.wait_idle();
  CHECK_FALSE(std::filesystem::exists(dir.path() / "a.journal"));
  CHECK_FALSE(std::filesystem::exists(dir.path() / "b.journal"));
  CHECK(std::filesystem::exists(dir.path() / "b.journal.corrupt"));
  REQUIRE(reports.done.size() == 2);
  CHECK(reports.done[0].first == "a.journal");
  CHECK_FALSE(reports.done[0].second);
  CHECK(reports.done[1].first == "b.journal");
  CHECK_FALSE(reports.done[1].second);
}

TEST_CASE("a file gone already is done; one that cannot be set aside is reported") {
  test::TempDirectory dir;
  make_file(dir.path() / "c.journal");
  Reports reports;
  SegmentRemover remover(reports.handler());
  remover.submit({{dir.path() / "missing.journal", std::nullopt},
                  {dir.path() / "c.journal", dir.path() / "no-such-dir" / "c.journal.corrupt"}});
  remover.wait_idle();
  REQUIRE(reports.done.size() == 2);
  CHECK_FALSE(reports.done[0].second);
  CHECK(reports.done[1].second);  // ENOENT of the target directory: not "gone already"
  CHECK(std::filesystem::exists(dir.path() / "c.journal"));
}

TEST_CASE("what is queued at destruction is carried out") {
  test::TempDirectory dir;
  std::vector<SegmentRemoval> removals;
  for (int i = 0; i < 50; ++i) {
    make_file(dir.path() / (std::to_string(i) + ".journal"));
    removals.push_back({dir.path() / (std::to_string(i) + ".journal"), std::nullopt});
  }
  {
    SegmentRemover remover(nullptr);
    remover.submit(std::move(removals));
  }
  CHECK(std::filesystem::is_empty(dir.path()));
}
