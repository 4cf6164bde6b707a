#include "support/diagnostics.h"

#include <doctest/doctest.h>

#include <deque>
#include <exception>
#include <fstream>
#include <iostream>
#include <utility>

namespace edgehub::itest {
namespace {

bool g_current_test_failed = false;

// Only observes: doctest's own reporter does the reporting.
class FailureListener : public doctest::IReporter {
 public:
  explicit FailureListener(const doctest::ContextOptions&) {}

  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { g_current_test_failed = false; }
  void test_case_reenter(const doctest::TestCaseData&) override { g_current_test_failed = false; }
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {
    g_current_test_failed = true;
  }
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData& data) override {
    if (data.m_failed) g_current_test_failed = true;
  }
  void log_message(const doctest::MessageData& data) override {
    if ((data.m_severity & doctest::assertType::is_warn) == 0) g_current_test_failed = true;
  }
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

DOCTEST_REGISTER_LISTENER("edgehub-failure-listener", 1, FailureListener);

}  // namespace

bool current_test_failed() { return g_current_test_failed || std::uncaught_exceptions() > 0; }

std::string tail_of_file(const std::filesystem::path& path, std::size_t lines) {
  std::ifstream in(path);
  if (!in) return "";
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(std::move(line));
    if (last.size() > lines) last.pop_front();
  }
  std::string text;
  for (const auto& line : last) text += line + "\n";
  return text;
}

void print_log_tail(const std::string& label, const std::filesystem::path& path,
                    std::size_t lines) {
  std::cout << "----- last " << lines << " lines of " << label << " (" << path.string()
            << ") -----\n"
            << tail_of_file(path, lines) << "----- end of " << label << " -----\n"
            << std::flush;
}

LogWatch::LogWatch(std::string label, std::filesystem::path path)
    : label_(std::move(label)), path_(std::move(path)) {}

LogWatch::~LogWatch() { report_if_failed(); }

LogWatch::LogWatch(LogWatch&& other) noexcept
    : label_(std::move(other.label_)), path_(std::move(other.path_)), reported_(other.reported_) {
  other.reported_ = true;
}

LogWatch& LogWatch::operator=(LogWatch&& other) noexcept {
  if (this != &other) {
    report_if_failed();
    label_ = std::move(other.label_);
    path_ = std::move(other.path_);
    reported_ = other.reported_;
    other.reported_ = true;
  }
  return *this;
}

void LogWatch::report_if_failed() {
  if (reported_ || path_.empty()) return;
  if (current_test_failed()) {
    reported_ = true;
    print_log_tail(label_, path_);
  }
}

}  // namespace edgehub::itest
