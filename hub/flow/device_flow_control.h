// Tells devices to pause and resume their telemetry while a stream with the
// reject policy is full (docs/protocol.md section 3, devices/<id>/flow).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "clock/clock.h"
#include "mqtt/broker_connection.h"
#include "streams/stream_store.h"

namespace edgehub::hub {

struct FlowSettings {
  // How long a paused device should wait before it may probe again, and how
  // often a still-sending paused device is reminded.
  std::int64_t retry_after_ms = 1000;
  // Paused devices resume once the stream is at most this full (records and
  // bytes, percent of its limits): a little room would let the whole fleet
  // flap between paused and resumed at the limit.
  unsigned resume_at_percent = 90;
};

class DeviceFlowControl {
 public:
  // All must outlive the object. start() begins sending notices.
  DeviceFlowControl(StreamStore& store, BrokerConnection& broker, const Clock& clock,
                    FlowSettings settings = {});
  DeviceFlowControl(const DeviceFlowControl&) = delete;
  DeviceFlowControl& operator=(const DeviceFlowControl&) = delete;
  ~DeviceFlowControl();  // stop()

  void start();
  void stop();  // idempotent; notices not yet sent are dropped

  // A message of device_id was refused by the full stream. Never blocks
  // (runs on the broker connection's receive thread): queues a "paused"
  // notice the first time, and again after retry_after_ms.
  void on_refused(std::string_view stream, std::string_view device_id,
                  std::optional<std::uint64_t> seq);
  // Queues "resumed" for the devices paused on streams that have room again.
  void check_resumed();

  std::uint64_t paused_devices() const;
  // Messages refused per device, per stream, since hubd started.
  std::map<std::string, std::uint64_t> refused_by_device(std::string_view stream) const;

 private:
  struct Pause {
    std::int64_t last_notice_ms = 0;
  };
  struct Notice {
    std::string stream;
    std::string device_id;
    std::string payload;
    bool resumes = false;
  };
  using Key = std::pair<std::string, std::string>;  // (stream, device)

  void send_loop();
  void queue(Notice notice);  // mutex_ held

  StreamStore& store_;
  BrokerConnection& broker_;
  const Clock& clock_;
  FlowSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable queued_;
  std::map<Key, Pause> paused_;
  std::map<Key, std::uint64_t> refused_;
  std::deque<Notice> notices_;
  bool stopping_ = false;
  std::thread sender_;
};

}  // namespace edgehub::hub
