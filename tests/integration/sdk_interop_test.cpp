// The device SDK against the real broker (mosquitto with TLS and the hub's
// plugin, started by hubd): an in-process HubClient over the POSIX TLS port
// reaches the broker through a TCP proxy the test controls, so that it can
// cut the connection, swallow what the device sends, or refuse connections.
// What a user observes: every telemetry seq lands in the hub's stream exactly
// once, and commands are answered after a reconnect.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "edgehub/device/hub/hub_client.h"
#include "edgehub/device/posix/monotonic_clock.h"
#include "edgehub/device/posix/tls_connection.h"
#include "edgehub/device/posix/tls_context.h"
#include "edgehub/device/reliability/backoff.h"
#include "edgehub/device/reliability/memory_storage.h"
#include "support/hub_under_test.h"
#include "support/wait_until.h"

using namespace edgehub::itest;
using namespace std::chrono_literals;
namespace sdk = edgehub::device;

namespace {

// A TCP forwarder on a free loopback port in front of the broker. Modes:
// cut() closes every connection; swallow_upstream drops what devices send
// (the broker never sees it); refuse closes new connections at once.
class CuttableProxy {
 public:
  explicit CuttableProxy(int broker_port) : broker_port_(broker_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("proxy: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~CuttableProxy() {
    stopping_ = true;
    thread_.join();
    for (const auto& [device, broker] : pairs_) {
      ::close(device);
      ::close(broker);
    }
    ::close(listener_);
  }

  int port() const { return port_; }
  void cut() {
    cut_requested_ = true;
    wait_for_loop();
  }
  std::atomic<bool> swallow_upstream{false};
  std::atomic<bool> refuse{false};
  std::atomic<int> connections_accepted{0};

 private:
  void wait_for_loop() {
    (void)wait_until([this] { return !cut_requested_.load(); }, 5s, 5ms);
  }

  static int connect_to(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
      return fd;
    }
    if (fd >= 0) ::close(fd);
    return -1;
  }

  void close_all() {
    for (const auto& [device, broker] : pairs_) {
      ::close(device);
      ::close(broker);
    }
    pairs_.clear();
  }

  void run() {
    while (!stopping_) {
      if (cut_requested_) {
        close_all();
        cut_requested_ = false;
      }
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (const auto& [device, broker] : pairs_) {
        fds.push_back({device, POLLIN, 0});
        fds.push_back({broker, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), 10) <= 0) continue;
      if ((fds[0].revents & POLLIN) != 0) accept_one();
      std::vector<int> broken;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        const int from = fds[i].fd;
        const bool upstream = pairs_.count(from) != 0;
        const int to = upstream ? pairs_[from] : device_of(from);
        char buffer[16384];
        const ssize_t got = ::recv(from, buffer, sizeof buffer, 0);
        if (got <= 0) {
          broken.push_back(upstream ? from : to);
          continue;
        }
        if (upstream && swallow_upstream) continue;
        if (::send(to, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL) != got) {
          broken.push_back(upstream ? from : to);
        }
      }
      for (const int device : broken) {
        const auto pair = pairs_.find(device);
        if (pair == pairs_.end()) continue;
        ::close(pair->first);
        ::close(pair->second);
        pairs_.erase(pair);
      }
    }
  }

  int device_of(int broker) const {
    for (const auto& [device, upstream] : pairs_) {
      if (upstream == broker) return device;
    }
    return -1;
  }

  void accept_one() {
    const int device = ::accept(listener_, nullptr, nullptr);
    if (device < 0) return;
    if (refuse) {
      ::close(device);
      return;
    }
    const int broker = connect_to(broker_port_);
    if (broker < 0) {
      ::close(device);
      return;
    }
    ++connections_accepted;
    pairs_[device] = broker;
  }

  int broker_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cut_requested_{false};
  std::map<int, int> pairs_;  // device socket -> broker socket (proxy thread only)
  std::thread thread_;
};

// A device as firmware would run it: the SDK's HubClient, its offline buffer,
// its reconnect schedule; the test drives it with pump().
class SdkDevice {
 public:
  SdkDevice(const DeviceCredentials& credentials, int port)
      : id_(credentials.id),
        port_(port),
        random_(static_cast<std::uint32_t>(std::hash<std::string>{}(credentials.id))),
        reconnect_(sdk::posix::monotonic_clock(),
                   sdk::reliability::Backoff(random_.source(), 100, 800)),
        offline_(sdk::reliability::memory_storage(offline_memory_.data(), offline_memory_.size()),
                 sdk::reliability::OverflowPolicy::refuse_newest) {
    std::signal(SIGPIPE, SIG_IGN);
    REQUIRE(identity_.load({credentials.ca.string(), credentials.certificate.string(),
                            credentials.private_key.string()}) == sdk::Status::ok);
    connection_ = std::make_unique<sdk::posix::TlsConnection>(identity_);
    (void)offline_.open();
    sdk::hub::HubClientBuffers buffers;
    buffers.mqtt = {send_.data(), send_.size(), receive_.data(), receive_.size()};
    buffers.telemetry = telemetry_.data();
    buffers.telemetry_capacity = telemetry_.size();
    buffers.response = response_.data();
    buffers.response_capacity = response_.size();
    buffers.offline = &offline_;
    sdk::hub::HubCallbacks callbacks;
    callbacks.context = this;
    callbacks.on_telemetry_acknowledged = [](void* context, std::uint64_t seq) {
      static_cast<SdkDevice*>(context)->acknowledged.insert(seq);
    };
    client_ = std::make_unique<sdk::hub::HubClient>(
        id_, connection_->transport(), sdk::posix::monotonic_clock(), buffers, callbacks);
    client_->set_next_seq(1000);
  }

  // One round of the firmware's loop: connect when due, process, wait a little.
  void pump() {
    if (client_->state() == sdk::hub::HubState::disconnected) {
      if (!reconnect_.attempt_due()) return std::this_thread::sleep_for(5ms);
      if (connection_->connect("127.0.0.1", static_cast<std::uint16_t>(port_), 2000) !=
              sdk::Status::ok ||
          client_->connect(sdk::hub::HubConnectOptions{}) != sdk::Status::ok) {
        return lost();
      }
      ++connects;
    }
    pollfd fd{connection_->fd(), connection_->poll_events(client_->has_pending_send()), 0};
    if (!connection_->has_buffered_input()) (void)::poll(&fd, 1, 10);
    if (client_->process() != sdk::Status::ok) return lost();
    if (client_->state() == sdk::hub::HubState::ready) reconnect_.connected();
  }

  // Pumps until condition() holds or the timeout passes.
  template <class Condition>
  bool pump_until(Condition&& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      pump();
    }
    return condition();
  }

  bool ready() const { return client_->state() == sdk::hub::HubState::ready; }
  std::uint64_t send(const std::string& data) {
    std::uint64_t seq = 0;
    REQUIRE(client_->send_telemetry(data, sdk::hub::kNoTimestamp, &seq) == sdk::Status::ok);
    return seq;
  }
  std::size_t unacknowledged() const { return client_->unacknowledged_telemetry(); }

  std::set<std::uint64_t> acknowledged;
  int connects = 0;
  int losses = 0;

 private:
  void lost() {
    ++losses;
    client_->connection_lost();
    connection_->close();
    (void)reconnect_.failed();
  }

  std::string id_;
  int port_;
  sdk::Xorshift32 random_;
  sdk::reliability::ReconnectSchedule reconnect_;
  sdk::posix::TlsContext identity_;
  std::unique_ptr<sdk::posix::TlsConnection> connection_;
  std::vector<std::uint8_t> send_ = std::vector<std::uint8_t>(4096);
  std::vector<std::uint8_t> receive_ = std::vector<std::uint8_t>(4096);
  std::vector<char> telemetry_ = std::vector<char>(256);
  std::vector<char> response_ = std::vector<char>(1024);
  std::vector<std::uint8_t> offline_memory_ =
      std::vector<std::uint8_t>(sdk::reliability::OfflineBuffer::storage_size(64, 256));
  sdk::reliability::OfflineBuffer offline_;
  std::unique_ptr<sdk::hub::HubClient> client_;
};

// The seqs of `device` in the hub's telemetry stream, with repetitions.
std::multiset<std::uint64_t> stored_seqs(const HubUnderTest& hub, const std::string& device) {
  std::multiset<std::uint64_t> seqs;
  for (const auto& record : hub.read_stream("telemetry")) {
    if (record.value("device", "") == device) seqs.insert(record.value("seq", std::uint64_t{0}));
  }
  return seqs;
}

bool stored_exactly_once(const HubUnderTest& hub, const std::string& device,
                         const std::set<std::uint64_t>& expected) {
  const auto seqs = stored_seqs(hub, device);
  return std::set<std::uint64_t>(seqs.begin(), seqs.end()) == expected &&
         seqs.size() == expected.size();
}

}  // namespace

TEST_CASE("telemetry the broker never received is resent after the connection is cut") {
  HubUnderTest hub({.name = "sdk-resend"});
  const auto credentials = hub.register_device("sdk-resend-1");
  CuttableProxy proxy(hub.mqtt_port());
  SdkDevice device(credentials, proxy.port());
  REQUIRE_MESSAGE(device.pump_until([&] { return device.ready(); }, 15s), hub.log_tails());

  std::set<std::uint64_t> sent{device.send(R"({"phase":"before"})")};
  REQUIRE(device.pump_until([&] { return device.unacknowledged() == 0; }, 10s));

  proxy.swallow_upstream = true;  // the next messages go nowhere: no PUBACK
  for (int i = 0; i < 5; ++i) sent.insert(device.send(R"({"phase":"lost"})"));
  (void)device.pump_until([] { return false; }, 300ms);
  CHECK(device.unacknowledged() == 5);
  proxy.cut();
  proxy.swallow_upstream = false;

  REQUIRE_MESSAGE(device.pump_until([&] { return device.unacknowledged() == 0; }, 20s),
                  "resent telemetry was not acknowledged; " << hub.log_tails());
  CHECK(device.connects >= 2);
  CHECK(device.acknowledged == sent);
  const bool stored =
      wait_until([&] { return stored_exactly_once(hub, "sdk-resend-1", sent); }, 15s, 100ms);
  INFO("stored seqs: " << nlohmann::json(stored_seqs(hub, "sdk-resend-1")).dump());
  CHECK(stored);
}

TEST_CASE("after a reconnect the device is subscribed again and answers commands") {
  HubUnderTest hub({.name = "sdk-resubscribe"});
  const auto credentials = hub.register_device("sdk-resub-1");
  CuttableProxy proxy(hub.mqtt_port());
  SdkDevice device(credentials, proxy.port());
  REQUIRE_MESSAGE(device.pump_until([&] { return device.ready(); }, 15s), hub.log_tails());

  for (int round = 0; round < 2; ++round) {
    CAPTURE(round);
    proxy.cut();
    REQUIRE(device.pump_until([&] { return device.losses > round; }, 10s));
    REQUIRE(device.pump_until([&] { return device.ready(); }, 15s));
    // hubctl blocks until the device answers: the device runs meanwhile.
    std::atomic<bool> done{false};
    CommandResult result;
    std::thread operator_thread([&] {
      result = hub.hubctl({"send", "sdk-resub-1", "ping", "--timeout", "10"});
      done = true;
    });
    (void)device.pump_until([&] { return done.load(); }, 20s);
    operator_thread.join();
    INFO(result.describe());
    CHECK(result.exited_with(0));
    CHECK(result.out.find("pong") != std::string::npos);
  }
}

TEST_CASE("telemetry sent while the broker is unreachable is buffered and drained on reconnect") {
  HubUnderTest hub({.name = "sdk-offline"});
  const auto credentials = hub.register_device("sdk-offline-1");
  CuttableProxy proxy(hub.mqtt_port());
  SdkDevice device(credentials, proxy.port());
  REQUIRE_MESSAGE(device.pump_until([&] { return device.ready(); }, 15s), hub.log_tails());

  proxy.refuse = true;
  proxy.cut();
  std::set<std::uint64_t> sent;
  for (int i = 0; i < 20; ++i) {
    sent.insert(device.send(R"({"offline":true})"));
    device.pump();  // reconnect attempts fail and back off meanwhile
  }
  (void)device.pump_until([] { return false; }, 500ms);
  CHECK(device.unacknowledged() == 20);
  CHECK_FALSE(device.ready());
  const int accepted_while_down = proxy.connections_accepted;

  proxy.refuse = false;
  REQUIRE_MESSAGE(device.pump_until([&] { return device.unacknowledged() == 0; }, 20s),
                  "the offline buffer was not drained; " << hub.log_tails());
  CHECK(proxy.connections_accepted > accepted_while_down);
  CHECK(device.acknowledged == sent);
  const bool stored =
      wait_until([&] { return stored_exactly_once(hub, "sdk-offline-1", sent); }, 15s, 100ms);
  INFO("stored seqs: " << nlohmann::json(stored_seqs(hub, "sdk-offline-1")).dump());
  CHECK(stored);
}
