// Fleet commands ("jobs"): one command to every device a selector picks (id
// pattern or registry tag), each a queued command of the job; progress is
// counted from the commands' states (docs/protocol.md section 4.2).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "commands/command_dispatcher.h"
#include "registry/device_registry.h"

namespace edgehub::hub {

struct DeviceSelector {
  std::string id_pattern;  // glob: '*' any run, '?' one character ("boiler-*")
  std::string tag;         // "key=value": the device attribute key has this (string) value
};

struct JobRequest {
  std::string id;  // optional: the same id again returns that job
  DeviceSelector selector;
  std::string name;
  std::string payload_json = "null";
  std::chrono::milliseconds timeout = kDefaultCommandTimeout;
  std::chrono::milliseconds ttl = kDefaultQueueTtl;
};

struct JobProgress {
  std::string id;
  std::size_t total = 0;
  std::size_t completed = 0;  // answered 2xx
  std::size_t failed = 0;     // rejected, failed, expired, timed-out, cancelled
  std::size_t pending = 0;    // queued or sent
  std::map<std::string, std::size_t> by_state;
  bool done() const { return pending == 0; }
};

bool matches_glob(std::string_view pattern, std::string_view text) noexcept;
// invalid_argument for a selector with neither or both, or a tag without '='.
Result<bool> selector_matches(const DeviceSelector& selector, const DeviceRecord& device);

class FleetJobs {
 public:
  FleetJobs(const DeviceRegistry& registry, CommandDispatcher& commands,
            std::function<std::string()> new_job_id);

  // not_found if no enabled device matches. Devices over their queue limit
  // get a `failed`-counted refusal in the answer's `refused`.
  struct Created {
    JobProgress progress;
    std::vector<std::string> refused;  // "device: reason"
  };
  Result<Created> create(const JobRequest& request);
  Result<JobProgress> progress(std::string_view job_id) const;

 private:
  const DeviceRegistry& registry_;
  CommandDispatcher& commands_;
  std::function<std::string()> new_job_id_;
};

}  // namespace edgehub::hub
