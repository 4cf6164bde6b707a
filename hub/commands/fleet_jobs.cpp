#include "commands/fleet_jobs.h"

#include <nlohmann/json.hpp>

#include "edgehub/protocol/json_limits.h"
#include "edgehub/protocol/payloads.h"

namespace edgehub::hub {

bool matches_glob(std::string_view pattern, std::string_view text) noexcept {
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Result<bool> selector_matches(const DeviceSelector& selector, const DeviceRecord& device) {
  if (selector.id_pattern.empty() == selector.tag.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "a selector needs exactly one of 'id_pattern' and 'tag'");
  }
  if (!selector.id_pattern.empty()) return matches_glob(selector.id_pattern, device.id);
  const auto equals = selector.tag.find('=');
  if (equals == std::string::npos || equals == 0) {
    return make_error(ErrorCode::invalid_argument, "tag '" + selector.tag + "' must be key=value");
  }
  // Attributes were checked when the device was registered; a record from
  // before the depth limit is simply not matched.
  if (!protocol::check_json_depth(device.attributes_json, protocol::kReadBackMaxJsonDepth)) {
    return false;
  }
  const nlohmann::json attributes = nlohmann::json::parse(device.attributes_json, nullptr, false);
  if (!attributes.is_object()) return false;
  const auto found = attributes.find(selector.tag.substr(0, equals));
  return found != attributes.end() && found->is_string() &&
         found->get<std::string>() == selector.tag.substr(equals + 1);
}

FleetJobs::FleetJobs(const DeviceRegistry& registry, CommandDispatcher& commands,
                     std::function<std::string()> new_job_id)
    : registry_(registry), commands_(commands), new_job_id_(std::move(new_job_id)) {}

Result<FleetJobs::Created> FleetJobs::create(const JobRequest& request) {
  if (!request.id.empty()) {
    if (!protocol::is_valid_command_id(request.id)) {
      return make_error(ErrorCode::invalid_argument,
                        "'" + request.id + "' is not a valid job id (1-64 of [A-Za-z0-9._-])");
    }
    auto existing = progress(request.id);
    if (existing && existing->total > 0) return Created{*existing, {}};
  }
  if (!protocol::is_valid_command_name(request.name)) {
    return make_error(ErrorCode::invalid_argument,
                      "'" + request.name + "' is not a valid command name");
  }
  auto devices = registry_.list();
  if (!devices) return devices.error();
  std::vector<DeviceRecord> selected;
  for (DeviceRecord& device : *devices) {
    if (device.role != DeviceRole::device || device.status != DeviceStatus::enabled) continue;
    auto matches = selector_matches(request.selector, device);
    if (!matches) return matches.error();
    if (*matches) selected.push_back(std::move(device));
  }
  if (selected.empty()) {
    return make_error(ErrorCode::not_found, "no enabled device matches the selector");
  }
  Created created;
  const std::string job_id = request.id.empty() ? new_job_id_() : request.id;
  CommandSubmission submission;
  submission.name = request.name;
  submission.payload_json = request.payload_json;
  submission.timeout = request.timeout;
  submission.queue = true;
  submission.ttl = request.ttl;
  submission.job_id = job_id;
  // Every command stored in one transaction, then sent in the background:
  // the answer does not wait for a publish per device.
  auto queued = commands_.queue_for_devices(submission, selected);
  if (!queued) return queued.error();
  created.refused = std::move(queued->refused);
  for (const std::string& device : queued->reachable) commands_.schedule_delivery(device);
  auto counted = progress(job_id);
  if (!counted) return counted.error();
  created.progress = *counted;
  created.progress.total += created.refused.size();
  created.progress.failed += created.refused.size();
  return created;
}

Result<JobProgress> FleetJobs::progress(std::string_view job_id) const {
  CommandQuery query;
  query.job_id = std::string(job_id);
  query.limit = 1000000;
  auto commands = commands_.list(query);
  if (!commands) return commands.error();
  JobProgress progress;
  progress.id = std::string(job_id);
  for (const CommandRecord& command : *commands) {
    ++progress.total;
    ++progress.by_state[to_string(command.state)];
    if (command.state == CommandState::completed) {
      ++progress.completed;
    } else if (is_final(command.state)) {
      ++progress.failed;
    } else {
      ++progress.pending;
    }
  }
  if (progress.total == 0) {
    return make_error(ErrorCode::not_found, "no job '" + std::string(job_id) + "'");
  }
  return progress;
}

}  // namespace edgehub::hub
