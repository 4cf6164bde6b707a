// The device SDK against the real broker (mosquitto with TLS and the hub's
// plugin, started by hubd): an in-process HubClient over the POSIX TLS port
// reaches the broker through a TCP proxy the test controls, so that it can
// cut the connection, swallow what the device sends, or refuse connections.
// What a user observes: every telemetry seq lands in the hub's stream exactly
// once (also when a full stream pauses the device), commands are answered
// after a reconnect, and an operator's twin change reaches the device, whose
// report shows up in the twin.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>
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
    buffers.report = report_.data();
    buffers.report_capacity = report_.size();
    sdk::hub::HubCallbacks callbacks;
    callbacks.context = this;
    callbacks.on_telemetry_acknowledged = [](void* context, std::uint64_t seq) {
      static_cast<SdkDevice*>(context)->acknowledged.insert(seq);
    };
    // A device that applies every desired document and reports it as applied.
    callbacks.on_desired = [](void* context, std::uint64_t version, std::string_view document) {
      auto* self = static_cast<SdkDevice*>(context);
      self->desired.emplace_back(version, std::string(document));
      self->report_status = self->client_->report_properties(document, version, nullptr);
    };
    callbacks.on_flow = [](void* context, const sdk::hub::FlowNotice& notice) {
      static_cast<SdkDevice*>(context)->flow.push_back(notice.state);
    };
    client_ = std::make_unique<sdk::hub::HubClient>(
        id_, connection_->transport(), sdk::posix::monotonic_clock(), buffers, callbacks);
    client_->set_next_seq(1000);
    client_->set_next_report_version(static_cast<std::uint64_t>(std::time(nullptr)));
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
  sdk::hub::FlowState flow_state() const { return client_->flow_state(); }

  std::set<std::uint64_t> acknowledged;
  std::vector<std::pair<std::uint64_t, std::string>> desired;  // what on_desired got
  sdk::Status report_status = sdk::Status::ok;
  std::vector<sdk::hub::FlowState> flow;  // what on_flow got
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
  std::vector<char> report_ = std::vector<char>(1024);
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

TEST_CASE("an operator's twin change reaches the SDK device and its report shows up in the twin") {
  HubUnderTest hub({.name = "sdk-twin"});
  const auto credentials = hub.register_device("sdk-twin-1");
  const auto twin = [&] {
    const HttpReply reply = hub.get("/api/v1/devices/sdk-twin-1/twin");
    INFO(reply.describe());
    REQUIRE(reply.status == 200);
    return reply.json;
  };
  // Set while the device has never connected.
  const auto set = hub.hubctl({"twin", "set", "sdk-twin-1", "--desired", R"({"interval_ms":500})"});
  REQUIRE_MESSAGE(set.exited_with(0), set.describe());

  CuttableProxy proxy(hub.mqtt_port());
  SdkDevice device(credentials, proxy.port());
  REQUIRE_MESSAGE(device.pump_until([&] { return !device.desired.empty(); }, 20s),
                  "desired never reached the device; " << hub.log_tails());
  CHECK(device.desired[0] == std::pair<std::uint64_t, std::string>{1, R"({"interval_ms":500})"});
  CHECK(device.report_status == sdk::Status::ok);
  auto reported_in_twin = [&](const nlohmann::json& properties, std::uint64_t desired_version) {
    const auto current = twin();
    return current.at("reported").at("properties") == properties &&
           current.value("desired_acknowledged_version", std::uint64_t{0}) == desired_version;
  };
  REQUIRE_MESSAGE(device.pump_until(
                      [&] {
                        return reported_in_twin({{"interval_ms", 500}}, 1);
                      },
                      15s),
                  twin().dump() << "\n"
                                << hub.log_tails());

  // A change while connected: the whole document with the next version
  // (PATCH /api/v1/devices/{id}/twin through hubctl, which blocks: pump meanwhile).
  std::atomic<bool> done{false};
  CommandResult change;
  std::thread operator_thread([&] {
    change = hub.hubctl(
        {"twin", "set", "sdk-twin-1", "--desired", R"({"mode":"eco"})", "--version", "1"});
    done = true;
  });
  (void)device.pump_until([&] { return done.load(); }, 20s);
  operator_thread.join();
  REQUIRE_MESSAGE(change.exited_with(0), change.describe());
  REQUIRE(device.pump_until([&] { return device.desired.size() == 2; }, 15s));
  CHECK(device.desired[1].first == 2);
  CHECK(nlohmann::json::parse(device.desired[1].second) ==
        nlohmann::json{{"interval_ms", 500}, {"mode", "eco"}});
  REQUIRE_MESSAGE(device.pump_until(
                      [&] {
                        return reported_in_twin({{"interval_ms", 500}, {"mode", "eco"}}, 2);
                      },
                      15s),
                  twin().dump() << "\n"
                                << hub.log_tails());

  // After a reconnect the hub sends version 2 again: applied already, not delivered.
  proxy.cut();
  REQUIRE(device.pump_until([&] { return device.losses > 0; }, 10s));
  REQUIRE(device.pump_until([&] { return device.ready(); }, 15s));
  (void)device.pump_until([] { return false; }, 1s);
  CHECK(device.desired.size() == 2);
  CHECK(hub.record_count("deadletter") == 0);  // no report was refused as stale
}

TEST_CASE("a full stream pauses the SDK device; once resumed every refused seq is stored once") {
  HubUnderTest hub({.name = "sdk-flow", .log_level = "info"});
  const auto credentials = hub.register_device("sdk-flow-1");
  const auto limited =
      hub.hubctl({"streams", "config", "telemetry", "--max-records", "3", "--when-full", "reject"});
  REQUIRE_MESSAGE(limited.exited_with(0), limited.describe());
  CuttableProxy proxy(hub.mqtt_port());
  SdkDevice device(credentials, proxy.port());
  REQUIRE_MESSAGE(device.pump_until([&] { return device.ready(); }, 15s), hub.log_tails());

  std::set<std::uint64_t> sent;
  for (int i = 0; i < 8; ++i) {
    sent.insert(device.send(R"({"n":)" + std::to_string(i) + "}"));
    device.pump();
  }
  REQUIRE_MESSAGE(
      device.pump_until([&] { return device.flow_state() == sdk::hub::FlowState::paused; }, 15s),
      "the device was never paused; " << hub.log_tails());
  CHECK(device.flow.front() == sdk::hub::FlowState::paused);
  (void)device.pump_until([] { return false; }, 500ms);
  CHECK(device.unacknowledged() > 0);  // the refused ones wait in the offline buffer

  // Room again: the hub resumes the device, which sends what was refused.
  const auto unlimited = hub.hubctl({"streams", "config", "telemetry", "--max-records", "none"});
  REQUIRE_MESSAGE(unlimited.exited_with(0), unlimited.describe());
  REQUIRE_MESSAGE(device.pump_until(
                      [&] {
                        return device.flow_state() == sdk::hub::FlowState::resumed &&
                               device.unacknowledged() == 0;
                      },
                      20s),
                  "not resumed and drained; " << hub.log_tails());
  CHECK(device.flow.back() == sdk::hub::FlowState::resumed);
  const bool stored =
      wait_until([&] { return stored_exactly_once(hub, "sdk-flow-1", sent); }, 15s, 100ms);
  INFO("stored seqs: " << nlohmann::json(stored_seqs(hub, "sdk-flow-1")).dump());
  CHECK(stored);
}
