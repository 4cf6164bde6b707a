// One simulated device of the ingest benchmark, publishing telemetry the way
// a small device client does: libmosquitto (the C client), one thread, its
// own poll() loop, no locks shared with other publishers. The publishers run
// on the same two cores as the broker and the hub they measure, so they must
// cost what a device costs and no more (the Paho C++ async clients used
// before took 68-71 us of CPU per message, more than broker and hubd
// together; docs/performance.md).
#pragma once

#include <poll.h>

#include <cstdint>
#include <span>
#include <string>

struct mosquitto;

namespace edgehub::bench {

struct DevicePublisherSettings {
  std::string device_id;  // also the MQTT client id; the certificate's CN
  int port = 0;           // on 127.0.0.1
  std::string ca_file;
  std::string certificate_file;
  std::string key_file;
  long window = 100;  // at most this many publishes unacknowledged
};

// Connected (TLS, MQTT 3.1.1, clean session, TCP_NODELAY) once constructed;
// throws std::runtime_error when it cannot connect or the connection fails.
class DevicePublisher {
 public:
  explicit DevicePublisher(const DevicePublisherSettings& settings);
  ~DevicePublisher();
  DevicePublisher(const DevicePublisher&) = delete;
  DevicePublisher& operator=(const DevicePublisher&) = delete;

  const std::string& id() const { return id_; }

  // Publishes `count` messages {"seq":first_seq+i,"data":{"temperature":21.5,
  // "sent_us":<system clock, us>}} to devices/<id>/telemetry with QoS 1, at
  // most `window` unacknowledged, paced to `rate` messages/s when rate > 0;
  // returns when the broker has acknowledged every one.
  void run(long count, double rate, std::uint64_t first_seq);

  // The same for a group of publishers served by the calling thread with
  // one poll() over their sockets, each paced to `rate`: a fleet of many
  // slow devices without a thread per device.
  static void run_group(std::span<DevicePublisher* const> group, long count, double rate,
                        std::uint64_t first_seq);

 private:
  // One run's progress (run_group's steps, per publisher).
  void begin(long count, double rate, std::uint64_t first_seq);
  // Publishes what is due and the window allows; returns ns until the next
  // publish is due (< 0: none is waiting for its time).
  long long publish_due(long long now_ns);
  bool finished() const { return sent_ >= count_ && unacknowledged_ == 0; }
  pollfd poll_request() const;
  // Lets libmosquitto handle what poll() reported for the socket.
  void serve(short revents);

  std::string id_;
  long window_;
  mosquitto* client_ = nullptr;
  int connack_ = -1;  // CONNACK's return code once it arrived
  long unacknowledged_ = 0;
  std::string topic_;
  long count_ = 0;
  long sent_ = 0;
  double rate_ = 0;
  std::uint64_t first_seq_ = 0;
  double phase_ = 0;  // of the pacing interval, in [0, 1)
};

}  // namespace edgehub::bench
