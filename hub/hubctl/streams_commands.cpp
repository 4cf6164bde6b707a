// hubctl streams list | read | tail | create | config | commit | groups
#include <time.h>

#include <charconv>
#include <iostream>

#include "hubctl/command_arguments.h"
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/output_format.h"
#include "hubctl/streams_cli.h"

namespace edgehub::hubctl {
namespace {

constexpr std::uint32_t kTailBatch = 1000;
// A page as one JSON object holds at most this many records; a read as
// NDJSON up to kMaxReadLimit (docs/protocol.md section 6).
constexpr std::uint32_t kMaxPageLimit = 10000;
constexpr std::uint32_t kMaxReadLimit = 1000000;

Error invalid(std::string message) {
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

Result<std::uint64_t> parse_unsigned(std::string_view text, std::string_view what) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return invalid(std::string(what) + " must be an unsigned integer, not '" + std::string(text) +
                   "'");
  }
  return value;
}

// The query string for a start position (at most one is set).
Result<std::string> position_query(const StreamPosition& position) {
  if (position.from) return "from=" + std::to_string(*position.from);
  if (position.from_time) {
    auto at = parse_time_ms(*position.from_time);
    if (!at) return at.error();
    return "from_time=" + std::to_string(*at);
  }
  if (position.group) {
    if (Status valid = check_device_id(*position.group); !valid) {
      return invalid("invalid consumer group name '" + *position.group +
                     "' (1-64 of [A-Za-z0-9._-])");
    }
    return "group=" + *position.group;
  }
  return std::string();
}

// --max-age / --max-bytes / --max-records / --when-full as a JSON request.
Result<nlohmann::json> limits_json(const StreamLimitsOptions& options) {
  nlohmann::json request = nlohmann::json::object();
  const auto limit = [&](const std::optional<std::string>& given, const char* field,
                         bool duration) -> Status {
    if (!given) return ok_status();
    if (*given == "none") {
      request[field] = nullptr;
      return ok_status();
    }
    if (duration) {
      auto parsed = parse_duration_ms(*given);
      if (!parsed) return parsed.error();
      request[field] = *parsed;
      return ok_status();
    }
    auto parsed = parse_unsigned(*given, std::string("--") + field);
    if (!parsed) return parsed.error();
    request[field] = *parsed;
    return ok_status();
  };
  if (Status done = limit(options.max_age, "max_age_ms", true); !done) return done.error();
  if (Status done = limit(options.max_bytes, "max_bytes", false); !done) return done.error();
  if (Status done = limit(options.max_records, "max_records", false); !done) return done.error();
  if (options.when_full) {
    if (*options.when_full != "reject" && *options.when_full != "delete-oldest") {
      return invalid("--when-full must be reject or delete-oldest");
    }
    request["when_full"] = *options.when_full;
  }
  return request;
}

std::string limit_text(const nlohmann::json& retention, const char* field) {
  const auto found = retention.find(field);
  if (found == retention.end() || found->is_null()) return "-";
  return found->dump();
}

void print_stream(const nlohmann::json& info, Console& console) {
  if (console.json) {
    console.out << info.dump(2) << "\n";
    return;
  }
  const nlohmann::json retention = info.value("retention", nlohmann::json::object());
  console.out << info.value("name", "?") << ": offsets " << info.value("first_offset", 0)
              << ".." << info.value("next_offset", 0) << ", " << info.value("record_count", 0)
              << " records, " << info.value("total_bytes", 0) << " bytes; max_age_ms="
              << limit_text(retention, "max_age_ms")
              << " max_bytes=" << limit_text(retention, "max_bytes")
              << " max_records=" << limit_text(retention, "max_records")
              << " when_full=" << retention.value("when_full", "?") << "\n";
}

void print_records(const nlohmann::json& answer, Console& console) {
  const auto records = answer.find("records");
  if (records == answer.end() || !records->is_array()) return;
  for (const nlohmann::json& record : *records) {
    console.out << (console.json ? record.dump() : format_record(record)) << "\n";
  }
  console.out.flush();
}

std::uint64_t next_offset_of(const nlohmann::json& answer, std::uint64_t otherwise) {
  const auto next = answer.find("next_offset");
  return next != answer.end() && next->is_number_unsigned() ? next->get<std::uint64_t>()
                                                           : otherwise;
}

}  // namespace

Result<std::int64_t> parse_duration_ms(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    std::int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"ms", 1},         {"s", 1000},       {"m", 60'000},
                                    {"h", 3'600'000}, {"d", 86'400'000}};
  for (const Unit& unit : kUnits) {
    if (text.size() > unit.suffix.size() && text.ends_with(unit.suffix)) {
      const std::string_view number = text.substr(0, text.size() - unit.suffix.size());
      auto value = parse_unsigned(number, "a duration");
      if (!value) break;
      if (*value == 0 || *value > static_cast<std::uint64_t>(INT64_MAX / unit.ms)) break;
      return static_cast<std::int64_t>(*value) * unit.ms;
    }
  }
  auto value = parse_unsigned(text, "a duration");
  if (value && *value > 0 && *value <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(*value);
  }
  return invalid("'" + std::string(text) +
                 "' is not a duration (examples: 500ms, 90s, 15m, 2h, 7d, or milliseconds)");
}

Result<std::int64_t> parse_time_ms(std::string_view text) {
  if (auto value = parse_unsigned(text, "a time"); value) {
    if (*value <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(*value);
  }
  // YYYY-MM-DDTHH:MM:SS[.mmm]Z
  std::tm parts{};
  int milliseconds = 0;
  char zone = 0;
  const std::string copy(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  bool parsed = false;
  if (copy.size() == 20) {
    parsed = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour,
                         &minute, &second, &zone) == 7;
  } else if (copy.size() == 24) {
    parsed = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &year, &month, &day,
                         &hour, &minute, &second, &milliseconds, &zone) == 8;
  }
  if (!parsed || zone != 'Z' || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
      minute > 59 || second > 60 || year < 1970) {
    return invalid("'" + copy +
                   "' is not a time (milliseconds since the epoch, or 2024-11-26T14:27:14Z)");
  }
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  return static_cast<std::int64_t>(::timegm(&parts)) * 1000 + milliseconds;
}

ExitCode run_streams_list(HubApi& api, Console& console) {
  const ApiResult listed = api.list_streams();
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  console.out << (console.json ? listed.body().dump(2) + "\n" : format_streams(listed.body()));
  return ExitCode::ok;
}

ExitCode run_streams_read(HubApi& api, const StreamsReadOptions& options, Console& console) {
  StreamsReadFullOptions full;
  full.stream = options.stream;
  full.position.from = options.from;
  full.limit = options.limit;
  return run_streams_read_at(api, full, console);
}

namespace {

// Reads of more than kMaxPageLimit records come as NDJSON (docs/protocol.md
// section 5) and are printed record by record; --json prints the same object
// as a page ({"stream", "records", "next_offset"}), without indentation.
ExitCode read_as_ndjson(HubApi& api, const std::string& stream, const std::string& query,
                        Console& console) {
  bool first = true;
  if (console.json) console.out << "{\"stream\": " << nlohmann::json(stream).dump() << ", \"records\": [";
  const ApiResult read = api.read_records_ndjson(stream, query, [&](const nlohmann::json& record) {
    if (console.json) {
      console.out << (first ? "\n" : ",\n") << record.dump();
    } else {
      console.out << format_record(record) << "\n";
    }
    first = false;
  });
  if (!read.ok()) {
    if (console.json) console.out << "\n";
    console.out.flush();
    return report_api_failure(console, read.failure());
  }
  const std::uint64_t next = next_offset_of(read.body(), 0);
  if (console.json) {
    console.out << "\n], \"next_offset\": " << next << "}\n";
  } else {
    console.err << "next offset: " << next << " (--from " << next << " continues)\n";
  }
  console.out.flush();
  return ExitCode::ok;
}

}  // namespace

ExitCode run_streams_read_at(HubApi& api, const StreamsReadFullOptions& options,
                             Console& console) {
  if (options.stream.empty()) {
    return report_usage_error(console, invalid("the stream name is empty"));
  }
  if (options.limit < 1 || options.limit > kMaxReadLimit) {
    return report_usage_error(
        console, invalid("--limit must be from 1 to " + std::to_string(kMaxReadLimit)));
  }
  auto position = position_query(options.position);
  if (!position) return report_usage_error(console, position.error());
  // Without a position: from the oldest retained record.
  const std::string query = (position->empty() ? std::string("from=0") : *position) +
                            "&limit=" + std::to_string(options.limit);
  if (options.limit > kMaxPageLimit) return read_as_ndjson(api, options.stream, query, console);
  const ApiResult read = api.read_records(options.stream, query, std::chrono::milliseconds(0));
  if (!read.ok()) return report_api_failure(console, read.failure());
  const nlohmann::json& answer = read.body();
  if (console.json) {
    console.out << answer.dump(2) << "\n";
    return ExitCode::ok;
  }
  print_records(answer, console);
  const auto next = answer.find("next_offset");
  if (next != answer.end() && next->is_number_integer()) {
    console.err << "next offset: " << next->get<std::int64_t>() << " (--from "
                << next->get<std::int64_t>() << " continues)\n";
  }
  return ExitCode::ok;
}

ExitCode run_streams_tail(HubApi& api, const StreamsTailOptions& options, Console& console) {
  if (options.commit && !options.position.group) {
    return report_usage_error(console, invalid("--commit needs --group"));
  }
  auto position = position_query(options.position);
  if (!position) return report_usage_error(console, position.error());
  // Without a position: only what is appended from now on, like tail -f.
  std::uint64_t next = 0;
  if (position->empty()) {
    const ApiResult info = api.stream_info(options.stream);
    if (!info.ok()) return report_api_failure(console, info.failure());
    next = next_offset_of(info.body(), 0);
    *position = "from=" + std::to_string(next);
  }
  std::uint64_t printed = 0;
  const auto wait = std::chrono::seconds(options.wait_seconds);
  std::string query = *position;
  while (!options.count || printed < *options.count) {
    std::uint64_t batch = kTailBatch;
    if (options.count) batch = std::min<std::uint64_t>(batch, *options.count - printed);
    const ApiResult read = api.read_records(
        options.stream,
        query + "&limit=" + std::to_string(batch) +
            "&wait_ms=" + std::to_string(std::chrono::milliseconds(wait).count()),
        wait);
    if (!read.ok()) return report_api_failure(console, read.failure());
    const nlohmann::json& answer = read.body();
    print_records(answer, console);
    const auto records = answer.find("records");
    const std::size_t received = records != answer.end() && records->is_array() ? records->size()
                                                                               : 0;
    printed += received;
    next = next_offset_of(answer, next);
    if (received > 0 && options.commit) {
      const ApiResult committed = api.commit_offset(options.stream, *options.position.group, next);
      if (!committed.ok()) return report_api_failure(console, committed.failure());
    }
    query = "from=" + std::to_string(next);
  }
  return ExitCode::ok;
}

ExitCode run_streams_create(HubApi& api, const StreamLimitsOptions& options, Console& console) {
  auto request = limits_json(options);
  if (!request) return report_usage_error(console, request.error());
  (*request)["name"] = options.stream;
  const ApiResult created = api.create_stream(*request);
  if (!created.ok()) return report_api_failure(console, created.failure());
  print_stream(created.body(), console);
  return ExitCode::ok;
}

ExitCode run_streams_config(HubApi& api, const StreamLimitsOptions& options, Console& console) {
  auto request = limits_json(options);
  if (!request) return report_usage_error(console, request.error());
  if (request->empty()) {
    // Nothing to change: show the current configuration.
    const ApiResult info = api.stream_info(options.stream);
    if (!info.ok()) return report_api_failure(console, info.failure());
    print_stream(info.body(), console);
    return ExitCode::ok;
  }
  const ApiResult configured = api.configure_stream(options.stream, *request);
  if (!configured.ok()) return report_api_failure(console, configured.failure());
  print_stream(configured.body(), console);
  return ExitCode::ok;
}

ExitCode run_streams_commit(HubApi& api, const std::string& stream, const std::string& group,
                            std::uint64_t offset, Console& console) {
  const ApiResult committed = api.commit_offset(stream, group, offset);
  if (!committed.ok()) return report_api_failure(console, committed.failure());
  if (console.json) {
    console.out << committed.body().dump(2) << "\n";
  } else {
    console.out << "group " << group << " on " << stream << ": committed offset " << offset
                << "\n";
  }
  return ExitCode::ok;
}

ExitCode run_streams_groups(HubApi& api, const std::string& stream, Console& console) {
  const ApiResult listed = api.consumer_groups(stream);
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  if (console.json) {
    console.out << listed.body().dump(2) << "\n";
    return ExitCode::ok;
  }
  const nlohmann::json groups = listed.body().value("groups", nlohmann::json::array());
  if (groups.empty()) {
    console.out << "no consumer groups on " << stream << "\n";
    return ExitCode::ok;
  }
  std::vector<std::vector<std::string>> rows{{"GROUP", "COMMITTED", "LAG", "UPDATED"}};
  for (const nlohmann::json& group : groups) {
    rows.push_back({group.value("group", "?"), std::to_string(group.value("committed_offset", 0)),
                    std::to_string(group.value("lag", 0)),
                    iso8601_utc(group.value("updated_at_ms", std::int64_t{0}))});
  }
  console.out << format_table(rows);
  return ExitCode::ok;
}

}  // namespace edgehub::hubctl
