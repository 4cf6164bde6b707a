#include "flow/device_flow_control.h"

#include <spdlog/spdlog.h>

#include <array>
#include <set>
#include <vector>

#include "edgehub/protocol/topics.h"
#include "flow/flow_notice.h"

namespace edgehub::hub {
namespace {

std::string flow_topic(std::string_view device_id) {
  std::array<char, protocol::kMaxTopicLength> buffer{};
  const std::size_t length = protocol::build_device_topic(protocol::TopicKind::flow, device_id,
                                                          buffer.data(), buffer.size());
  return std::string(buffer.data(), length);
}

// Room for another record, and at most `percent` of the limit in use.
bool below(std::uint64_t used, const std::optional<std::uint64_t>& limit, unsigned percent) {
  if (!limit) return true;
  return used + 1 <= *limit && used * 100 <= *limit * percent;
}

bool may_resume(const StreamInfo& info, unsigned percent) {
  return below(info.record_count, info.retention.max_records, percent) &&
         below(info.total_bytes, info.retention.max_bytes, percent);
}

}  // namespace

DeviceFlowControl::DeviceFlowControl(StreamStore& store, BrokerConnection& broker,
                                     const Clock& clock, FlowSettings settings)
    : store_(store), broker_(broker), clock_(clock), settings_(settings) {}

DeviceFlowControl::~DeviceFlowControl() { stop(); }

void DeviceFlowControl::start() {
  if (sender_.joinable()) return;
  sender_ = std::thread([this] { send_loop(); });
}

void DeviceFlowControl::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  if (sender_.joinable()) sender_.join();
}

void DeviceFlowControl::queue(Notice notice) {
  notices_.push_back(std::move(notice));
  queued_.notify_one();
}

void DeviceFlowControl::on_refused(std::string_view stream, std::string_view device_id,
                                   std::optional<std::uint64_t> seq) {
  if (!protocol::is_valid_device_id(device_id)) return;  // no device to tell (counted by the store)
  const std::int64_t now = clock_.now_ms();
  std::lock_guard lock(mutex_);
  Key key{std::string(stream), std::string(device_id)};
  ++refused_[key];
  auto [pause, fresh] = paused_.try_emplace(key);
  if (!fresh && now - pause->second.last_notice_ms < settings_.retry_after_ms) return;
  pause->second.last_notice_ms = now;
  queue(Notice{key.first, key.second, paused_notice(stream, settings_.retry_after_ms, seq), false});
}

void DeviceFlowControl::check_resumed() {
  std::set<std::string> streams;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, pause] : paused_) streams.insert(key.first);
  }
  for (const std::string& stream : streams) {
    const auto info = store_.stream_info(stream);
    if (!info || !may_resume(*info, settings_.resume_at_percent)) continue;
    std::lock_guard lock(mutex_);
    for (auto entry = paused_.begin(); entry != paused_.end();) {
      if (entry->first.first != stream) {
        ++entry;
        continue;
      }
      queue(Notice{stream, entry->first.second, resumed_notice(stream), true});
      entry = paused_.erase(entry);
    }
  }
}

void DeviceFlowControl::send_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    queued_.wait(lock, [this] { return stopping_ || !notices_.empty(); });
    if (stopping_) return;
    Notice notice = std::move(notices_.front());
    notices_.pop_front();
    lock.unlock();
    const Status sent = broker_.publish(flow_topic(notice.device_id), notice.payload, 1);
    lock.lock();
    if (sent) {
      spdlog::info("flow: {} told {} on stream {}", notice.device_id,
                   notice.resumes ? "resumed" : "paused", notice.stream);
      continue;
    }
    spdlog::warn("flow: cannot tell {} ({}): {}", notice.device_id, notice.payload,
                 sent.error().message);
    // A lost "resumed" would leave the device paused: it stays on the list
    // and the next check sends it again.
    if (notice.resumes) paused_.try_emplace({notice.stream, notice.device_id});
  }
}

std::uint64_t DeviceFlowControl::paused_devices() const {
  std::lock_guard lock(mutex_);
  return paused_.size();
}

std::map<std::string, std::uint64_t> DeviceFlowControl::refused_by_device(
    std::string_view stream) const {
  std::lock_guard lock(mutex_);
  std::map<std::string, std::uint64_t> counts;
  for (const auto& [key, count] : refused_) {
    if (key.first == stream) counts[key.second] = count;
  }
  return counts;
}

}  // namespace edgehub::hub
