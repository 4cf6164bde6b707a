#include "device_publisher.h"

#include <mosquitto.h>
#include <openssl/ssl.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <vector>

namespace edgehub::bench {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t system_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void initialise_library_once() {
  static const int initialised = mosquitto_lib_init();
  if (initialised != MOSQ_ERR_SUCCESS) throw std::runtime_error("mosquitto_lib_init failed");
}

// `what` and `device` are only joined on failure: this runs for every message.
void check(int rc, const char* what, const std::string& device) {
  if (rc == MOSQ_ERR_SUCCESS) return;
  throw std::runtime_error(std::string(what) + " (" + device + "): " +
                           (rc == MOSQ_ERR_ERRNO ? std::strerror(errno) : mosquitto_strerror(rc)));
}

}  // namespace

DevicePublisher::DevicePublisher(const DevicePublisherSettings& settings)
    : id_(settings.device_id), window_(settings.window) {
  initialise_library_once();
  client_ = mosquitto_new(id_.c_str(), true, this);
  if (client_ == nullptr) throw std::runtime_error("mosquitto_new failed for " + id_);
  try {
    check(mosquitto_int_option(client_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311),
          "protocol version", id_);
    check(mosquitto_int_option(client_, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY", id_);
    // libmosquitto holds back every QoS 1 publish beyond 20 in flight (its
    // default), and takes the limit at connect time.
    check(mosquitto_int_option(client_, MOSQ_OPT_SEND_MAXIMUM, static_cast<int>(window_)),
          "send maximum", id_);
    check(mosquitto_tls_set(client_, settings.ca_file.c_str(), nullptr,
                            settings.certificate_file.c_str(), settings.key_file.c_str(), nullptr),
          "TLS files", id_);
    // The broker's certificate is verified against the CA; its host name is
    // not, as the Paho clients (publishers before, the raw subscriber) do.
    check(mosquitto_tls_insecure_set(client_, true), "TLS host name check", id_);
    mosquitto_connect_callback_set(client_, [](mosquitto*, void* self, int rc) {
      static_cast<DevicePublisher*>(self)->connack_ = rc;
    });
    mosquitto_publish_callback_set(client_, [](mosquitto*, void* self, int) {
      --static_cast<DevicePublisher*>(self)->unacknowledged_;
    });
    check(mosquitto_connect(client_, "127.0.0.1", settings.port, 30), "connect", id_);
    const auto give_up = Clock::now() + std::chrono::seconds(10);
    while (connack_ < 0) {
      if (Clock::now() > give_up) throw std::runtime_error("no CONNACK for " + id_);
      check(mosquitto_loop(client_, 100, 1), "connect", id_);
    }
    if (connack_ != 0) {
      throw std::runtime_error("broker refused " + id_ + ": " + mosquitto_connack_string(connack_));
    }
    if (auto* tls = static_cast<SSL*>(mosquitto_ssl_get(client_)); tls != nullptr) {
      // Each PUBACK is a TLS record of its own. OpenSSL as libmosquitto sets
      // it up reads each record with two read()s and frees its buffer after
      // each; reading ahead takes whatever PUBACKs have arrived in one read().
      SSL_set_read_ahead(tls, 1);
      SSL_clear_mode(tls, SSL_MODE_RELEASE_BUFFERS);
    }
  } catch (...) {
    mosquitto_destroy(client_);
    throw;
  }
}

DevicePublisher::~DevicePublisher() {
  mosquitto_disconnect(client_);  // written at once: the client has no thread of its own
  mosquitto_destroy(client_);
}

void DevicePublisher::run(long count, double rate, std::uint64_t first_seq) {
  DevicePublisher* self = this;
  run_group(std::span(&self, 1), count, rate, first_seq);
}

void DevicePublisher::begin(long count, double rate, std::uint64_t first_seq) {
  topic_ = "devices/" + id_ + "/telemetry";
  count_ = count;
  sent_ = 0;
  rate_ = rate;
  first_seq_ = first_seq;
  phase_ = static_cast<double>(std::hash<std::string>{}(id_) % 1000) / 1000.0;
}

long long DevicePublisher::publish_due(long long now_ns) {
  // When message i is due, in ns after the start (paced runs only). Each
  // device has its own phase within the interval, as real devices that were
  // not started together: a fleet does not publish in lockstep.
  const auto due_ns = [&](long i) {
    return static_cast<long long>((static_cast<double>(i) + phase_) * 1e9 / rate_);
  };
  char payload[128];  // as a device would: no allocation per message
  while (sent_ < count_ && unacknowledged_ < window_ && (rate_ <= 0 || due_ns(sent_) <= now_ns)) {
    const int length = std::snprintf(
        payload, sizeof payload, "{\"seq\":%llu,\"data\":{\"temperature\":21.5,\"sent_us\":%lld}}",
        static_cast<unsigned long long>(first_seq_ + static_cast<std::uint64_t>(sent_)),
        static_cast<long long>(system_now_us()));
    // Without a thread of its own, libmosquitto writes the packet now.
    check(mosquitto_publish(client_, nullptr, topic_.c_str(), length, payload, 1, false), "publish",
          id_);
    ++sent_;
    ++unacknowledged_;
  }
  const bool waiting_for_pace = rate_ > 0 && sent_ < count_ && unacknowledged_ < window_;
  return waiting_for_pace ? std::max(0LL, due_ns(sent_) - now_ns) : -1;
}

pollfd DevicePublisher::poll_request() const {
  pollfd socket{mosquitto_socket(client_), POLLIN, 0};
  if (mosquitto_want_write(client_)) socket.events |= POLLOUT;
  return socket;
}

void DevicePublisher::run_group(std::span<DevicePublisher* const> group, long count, double rate,
                                std::uint64_t first_seq) {
  for (DevicePublisher* publisher : group) publisher->begin(count, rate, first_seq);
  std::vector<pollfd> sockets(group.size());
  const auto start = Clock::now();
  while (!std::all_of(group.begin(), group.end(),
                      [](const DevicePublisher* p) { return p->finished(); })) {
    const long long now_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    // Without a deadline, wake once a second anyway for the keep-alive.
    long long wake_in_ns = 1'000'000'000LL;
    for (std::size_t i = 0; i < group.size(); ++i) {
      const long long next = group[i]->publish_due(now_ns);
      if (next >= 0) wake_in_ns = std::min(wake_in_ns, next);
      sockets[i] = group[i]->poll_request();
    }
    const timespec timeout{static_cast<time_t>(wake_in_ns / 1'000'000'000LL),
                           static_cast<long>(wake_in_ns % 1'000'000'000LL)};
    if (ppoll(sockets.data(), sockets.size(), &timeout, nullptr) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t i = 0; i < group.size(); ++i) group[i]->serve(sockets[i].revents);
  }
}

void DevicePublisher::serve(short revents) {
  auto* tls = static_cast<SSL*>(mosquitto_ssl_get(client_));
  if ((revents & (POLLIN | POLLERR | POLLHUP)) != 0 ||
      (tls != nullptr && SSL_has_pending(tls) == 1)) {
    long before = 0;
    do {
      // mosquitto_loop_read stops after a packet whenever errno says EAGAIN,
      // also a stale EAGAIN; PUBACKs already read into OpenSSL's buffer
      // would then wait for the next poll() wake-up. (No progress with data
      // buffered: the rest of a record is still on its way, poll() tells.)
      before = unacknowledged_;
      errno = 0;
      check(mosquitto_loop_read(client_, 1), "read", id_);
    } while (tls != nullptr && SSL_has_pending(tls) == 1 && unacknowledged_ != before);
  }
  if ((revents & POLLOUT) != 0) check(mosquitto_loop_write(client_, 1), "write", id_);
  check(mosquitto_loop_misc(client_), "keep-alive", id_);
}

}  // namespace edgehub::bench
