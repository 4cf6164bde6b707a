// hubctl streams list | read
#include "hubctl/command_failure.h"
#include "hubctl/commands.h"
#include "hubctl/output_format.h"

namespace edgehub::hubctl {

ExitCode run_streams_list(HubApi& api, Console& console) {
  const ApiResult listed = api.list_streams();
  if (!listed.ok()) return report_api_failure(console, listed.failure());
  console.out << (console.json ? listed.body().dump(2) + "\n" : format_streams(listed.body()));
  return ExitCode::ok;
}

ExitCode run_streams_read(HubApi& api, const StreamsReadOptions& options, Console& console) {
  if (options.stream.empty()) {
    return report_usage_error(console,
                              make_error(ErrorCode::invalid_argument, "the stream name is empty"));
  }
  if (options.limit < 1 || options.limit > 10000) {
    return report_usage_error(
        console, make_error(ErrorCode::invalid_argument, "--limit must be from 1 to 10000"));
  }
  const ApiResult read = api.read_stream(options.stream, options.from, options.limit);
  if (!read.ok()) return report_api_failure(console, read.failure());
  const nlohmann::json& answer = read.body();
  if (console.json) {
    console.out << answer.dump(2) << "\n";
    return ExitCode::ok;
  }
  const auto records = answer.find("records");
  if (records != answer.end() && records->is_array()) {
    for (const nlohmann::json& record : *records) console.out << format_record(record) << "\n";
  }
  const auto next = answer.find("next_offset");
  if (next != answer.end() && next->is_number_integer()) {
    console.err << "next offset: " << next->get<std::int64_t>() << " (--from "
                << next->get<std::int64_t>() << " continues)\n";
  }
  return ExitCode::ok;
}

}  // namespace edgehub::hubctl
