#include "hubctl/streams_cli.h"

#include "hubctl/commands.h"

namespace edgehub::hubctl {

StreamsCommandLine::StreamsCommandLine(CLI::App& streams) {
  list_ = streams.add_subcommand("list", "list streams with their offsets, size and limits");

  read_ = streams.add_subcommand("read", "print records of a stream, one per line");
  read_->add_option("stream", read_options_.stream, "stream name, e.g. telemetry")->required();
  add_position(read_, read_options_.position);
  read_->add_option("--limit", read_options_.limit,
                    "records at most, 1-1000000 (default 100; more than 10000 are read as "
                    "NDJSON and printed as they are parsed)");

  tail_ = streams.add_subcommand(
      "tail", "print records as they arrive, like tail -f (from now on unless told otherwise)");
  tail_->add_option("stream", tail_options_.stream, "stream name")->required();
  add_position(tail_, tail_options_.position);
  tail_->add_flag("--commit", tail_options_.commit,
                  "with --group: commit each batch once printed (at-least-once)");
  tail_count_option_ =
      tail_->add_option("--count", tail_count_, "stop after this many records");

  create_ = streams.add_subcommand("create", "create a stream with retention limits");
  create_->add_option("stream", create_options_.stream, "stream name")->required();
  add_limits(create_, create_options_, create_raw_);

  config_ = streams.add_subcommand("config", "change a stream's retention limits");
  config_->add_option("stream", config_options_.stream, "stream name")->required();
  add_limits(config_, config_options_, config_raw_);

  commit_ = streams.add_subcommand(
      "commit", "record that a consumer group processed everything before OFFSET");
  commit_->add_option("stream", commit_stream_, "stream name")->required();
  commit_->add_option("group", commit_group_, "consumer group")->required();
  commit_->add_option("offset", commit_offset_, "the next offset the group will process")
      ->required();

  groups_ = streams.add_subcommand("groups", "list a stream's consumer groups and their lag");
  groups_->add_option("stream", groups_stream_, "stream name")->required();
}

void StreamsCommandLine::add_position(CLI::App* command, StreamPosition&) {
  Raw& raw = command == read_ ? read_raw_ : tail_raw_;
  raw.from_option = command->add_option("--from", raw.from, "first offset");
  raw.from_time_option = command->add_option(
      "--from-time", raw.from_time,
      "first record received at or after this time (ms since the epoch, or "
      "2024-11-26T14:27:14Z)");
  raw.group_option = command->add_option(
      "--group", raw.group, "consumer group: start at its committed offset");
  raw.from_option->excludes(raw.from_time_option)->excludes(raw.group_option);
  raw.from_time_option->excludes(raw.group_option);
}

void StreamsCommandLine::add_limits(CLI::App* command, StreamLimitsOptions&, RawLimits& raw) {
  raw.max_age_option = command->add_option(
      "--max-age", raw.max_age, "delete records older than this: 90s, 15m, 2h, 7d or ms; none");
  raw.max_bytes_option = command->add_option(
      "--max-bytes", raw.max_bytes, "payload bytes the stream keeps at most; none");
  raw.max_records_option =
      command->add_option("--max-records", raw.max_records, "records kept at most; none");
  raw.when_full_option =
      command->add_option("--when-full", raw.when_full,
                          "reject (refuse new records, devices are paused) or delete-oldest");
}

void StreamsCommandLine::collect(const Raw& raw, StreamPosition& position) {
  if (raw.from_option->count() > 0) position.from = raw.from;
  if (raw.from_time_option->count() > 0) position.from_time = raw.from_time;
  if (raw.group_option->count() > 0) position.group = raw.group;
}

void StreamsCommandLine::collect(const RawLimits& raw, StreamLimitsOptions& options) {
  if (raw.max_age_option->count() > 0) options.max_age = raw.max_age;
  if (raw.max_bytes_option->count() > 0) options.max_bytes = raw.max_bytes;
  if (raw.max_records_option->count() > 0) options.max_records = raw.max_records;
  if (raw.when_full_option->count() > 0) options.when_full = raw.when_full;
}

std::optional<ExitCode> StreamsCommandLine::run_if_parsed(HubApi& api, Console& console) {
  if (list_->parsed()) return run_streams_list(api, console);
  if (read_->parsed()) {
    collect(read_raw_, read_options_.position);
    return run_streams_read_at(api, read_options_, console);
  }
  if (tail_->parsed()) {
    collect(tail_raw_, tail_options_.position);
    if (tail_count_option_->count() > 0) tail_options_.count = tail_count_;
    return run_streams_tail(api, tail_options_, console);
  }
  if (create_->parsed()) {
    collect(create_raw_, create_options_);
    return run_streams_create(api, create_options_, console);
  }
  if (config_->parsed()) {
    collect(config_raw_, config_options_);
    return run_streams_config(api, config_options_, console);
  }
  if (commit_->parsed()) {
    return run_streams_commit(api, commit_stream_, commit_group_, commit_offset_, console);
  }
  if (groups_->parsed()) return run_streams_groups(api, groups_stream_, console);
  return std::nullopt;
}

}  // namespace edgehub::hubctl
