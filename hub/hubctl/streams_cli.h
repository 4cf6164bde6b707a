// `hubctl streams ...`: the options of each streams command and their CLI11
// registration (cli.cpp adds them under "streams").
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "edgehub/common/result.h"
#include "hubctl/console.h"
#include "hubctl/exit_codes.h"
#include "hubctl/hub_api.h"

namespace edgehub::hubctl {

// Where reading starts: at most one of them.
struct StreamPosition {
  std::optional<std::uint64_t> from;     // offset
  std::optional<std::string> from_time;  // ms since the epoch or ISO-8601 UTC
  std::optional<std::string> group;      // consumer group: its committed offset
};

struct StreamLimitsOptions {
  std::string stream;
  std::optional<std::string> max_age;  // "90s", "15m", "2h", "7d" or milliseconds; "none"
  std::optional<std::string> max_bytes;    // bytes; "none"
  std::optional<std::string> max_records;  // count; "none"
  std::optional<std::string> when_full;    // reject | delete-oldest
};

struct StreamsTailOptions {
  std::string stream;
  StreamPosition position;  // default: only records appended from now on
  bool commit = false;      // with --group: commit after printing each batch
  std::optional<std::uint64_t> count;  // stop after this many records
  std::uint32_t wait_seconds = 10;     // long-poll per request
};

struct StreamsReadFullOptions {
  std::string stream;
  StreamPosition position;
  std::uint32_t limit = 100;
};

ExitCode run_streams_create(HubApi& api, const StreamLimitsOptions& options, Console& console);
ExitCode run_streams_config(HubApi& api, const StreamLimitsOptions& options, Console& console);
ExitCode run_streams_read_at(HubApi& api, const StreamsReadFullOptions& options,
                             Console& console);
ExitCode run_streams_tail(HubApi& api, const StreamsTailOptions& options, Console& console);
ExitCode run_streams_commit(HubApi& api, const std::string& stream, const std::string& group,
                            std::uint64_t offset, Console& console);
ExitCode run_streams_groups(HubApi& api, const std::string& stream, Console& console);

// "90s" / "15m" / "2h" / "7d" / "500ms" / "1500" (ms) -> milliseconds.
Result<std::int64_t> parse_duration_ms(std::string_view text);
// Milliseconds since the epoch, or "2024-11-26T14:27:14Z" / "...14.012Z".
Result<std::int64_t> parse_time_ms(std::string_view text);

// The streams subcommands, registered under `streams` and run if parsed.
class StreamsCommandLine {
 public:
  explicit StreamsCommandLine(CLI::App& streams);
  // The exit code if one of these commands was parsed.
  std::optional<ExitCode> run_if_parsed(HubApi& api, Console& console);

 private:
  void add_position(CLI::App* command, StreamPosition& position);

  CLI::App* list_ = nullptr;
  CLI::App* read_ = nullptr;
  CLI::App* tail_ = nullptr;
  CLI::App* create_ = nullptr;
  CLI::App* config_ = nullptr;
  CLI::App* commit_ = nullptr;
  CLI::App* groups_ = nullptr;
  StreamsReadFullOptions read_options_;
  StreamsTailOptions tail_options_;
  StreamLimitsOptions create_options_;
  StreamLimitsOptions config_options_;
  std::string commit_stream_;
  std::string commit_group_;
  std::uint64_t commit_offset_ = 0;
  std::string groups_stream_;
  // CLI11 fills plain values; "given or not" comes from the options' counts.
  struct Raw {
    std::uint64_t from = 0;
    std::string from_time;
    std::string group;
    CLI::Option* from_option = nullptr;
    CLI::Option* from_time_option = nullptr;
    CLI::Option* group_option = nullptr;
  };
  Raw read_raw_;
  Raw tail_raw_;
  std::uint64_t tail_count_ = 0;
  CLI::Option* tail_count_option_ = nullptr;
  struct RawLimits {
    std::string max_age, max_bytes, max_records, when_full;
    CLI::Option *max_age_option = nullptr, *max_bytes_option = nullptr,
                *max_records_option = nullptr, *when_full_option = nullptr;
  };
  RawLimits create_raw_;
  RawLimits config_raw_;
  void add_limits(CLI::App* command, StreamLimitsOptions& options, RawLimits& raw);
  static void collect(const Raw& raw, StreamPosition& position);
  static void collect(const RawLimits& raw, StreamLimitsOptions& options);
};

}  // namespace edgehub::hubctl
