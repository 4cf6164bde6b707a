// One simulated device of the ingest benchmark, publishing telemetry the way
// a small device client does: libmosquitto (the C client), one thread, its
// own poll() loop, no locks shared with other publishers. The publishers run
// on the same two cores as the broker and the hub they measure, so they must
// cost what a device costs and no more (the Paho C++ async clients used
// before took 68-71 us of CPU per message, more than broker and hubd
// together; docs/performance.md).
#pragma once

#include <cstdint>
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

 private:
  // Waits for the socket (PUBACKs in, or room to write) or until
  // `wake_in_ns` (< 0: no deadline), then lets libmosquitto handle it.
  void serve_network(long long wake_in_ns);

  std::string id_;
  long window_;
  mosquitto* client_ = nullptr;
  int connack_ = -1;  // CONNACK's return code once it arrived
  long unacknowledged_ = 0;
};

}  // namespace edgehub::bench
