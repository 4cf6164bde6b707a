// The raw MQTT request/response round trip with the hub's own MQTT client
// library (Paho MQTT C++ over TLS, QoS 1 both ways) instead of minimal
// clients: what Paho's send and receive threads cost a round trip before any
// hub logic (tests/perf/command_rtt.sh runs it next to the hub; see
// docs/performance.md "Command round trip").
//
// usage: paho_rtt --port P --ca CA.pem [--count N]
// Prints one JSON object: {"paho_p50_ms":..,"paho_p99_ms":..,"paho_round_trips":N}
#include <mqtt/async_client.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mqtt/tcp_nodelay.h"

namespace {

using Clock = std::chrono::steady_clock;

mqtt::connect_options tls_options(const std::string& ca) {
  auto ssl = mqtt::ssl_options_builder().trust_store(ca).enable_server_cert_auth(true).finalize();
  return mqtt::connect_options_builder()
      .mqtt_version(MQTTVERSION_3_1_1)
      .clean_session(true)
      .keep_alive_interval(std::chrono::seconds(30))
      .connect_timeout(std::chrono::seconds(10))
      .ssl(std::move(ssl))
      .finalize();
}

// The requester's side: each answer wakes the waiting request.
class Answers : public virtual mqtt::callback {
 public:
  void message_arrived(mqtt::const_message_ptr) override {
    {
      std::lock_guard lock(mutex_);
      ++arrived_;
    }
    changed_.notify_one();
  }
  bool wait_for(long count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return arrived_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  long arrived_ = 0;
};

// The responder's side: Paho's callback thread hands each request to a
// thread of its own that publishes the answer (as hubd publishes from its
// HTTP threads; a publish from inside Paho's callback waits for the send
// thread's next turn, tens of milliseconds here).
class Responder : public virtual mqtt::callback {
 public:
  explicit Responder(mqtt::async_client& client)
      : client_(client), thread_([this] { answer_all(); }) {}
  ~Responder() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_one();
    thread_.join();
  }
  void message_arrived(mqtt::const_message_ptr message) override {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(message->get_payload_str());
    }
    changed_.notify_one();
  }

 private:
  void answer_all() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return stopping_ || !requests_.empty(); });
      if (stopping_) return;
      std::deque<std::string> batch;
      batch.swap(requests_);
      lock.unlock();
      for (const std::string& request : batch) client_.publish("raw/response", request, 1, false);
      lock.lock();
    }
  }

  mqtt::async_client& client_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> requests_;
  bool stopping_ = false;
  std::thread thread_;
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

std::string option(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  if (fallback.empty()) throw std::runtime_error("missing --" + name);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string port = option(argc, argv, "port", "");
    const std::string uri = "ssl://127.0.0.1:" + port;
    const std::string ca = option(argc, argv, "ca", "");
    const long count = std::stol(option(argc, argv, "count", "2000"));
    const long warm_up = 100;

    mqtt::async_client responder_client(uri, "paho-responder");
    Responder responder(responder_client);
    responder_client.set_callback(responder);
    responder_client.connect(tls_options(ca))->wait();
    responder_client.subscribe("raw/request", 1)->wait();

    mqtt::async_client requester(uri, "paho-requester");
    Answers answers;
    requester.set_callback(answers);
    requester.connect(tls_options(ca))->wait();
    requester.subscribe("raw/response", 1)->wait();
    // As hubd does (hub/mqtt/tcp_nodelay.h): without it every answer waits
    // for a delayed ACK, about 88 ms a round trip here.
    for (int socket : edgehub::hub::sockets_towards(static_cast<std::uint16_t>(std::stoi(port)))) {
      edgehub::hub::set_tcp_nodelay(socket, true);
    }

    std::vector<double> latencies_ms;
    for (long i = 0; i < warm_up + count; ++i) {
      const auto started = Clock::now();
      requester.publish("raw/request", R"({"id":")" + std::to_string(i) + R"(","name":"ping"})", 1,
                        false);
      if (!answers.wait_for(i + 1, std::chrono::seconds(5))) {
        throw std::runtime_error("no answer to request " + std::to_string(i));
      }
      if (i >= warm_up) {
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - started).count());
      }
    }
    requester.disconnect()->wait();
    responder_client.disconnect()->wait();
    std::cout << R"({"paho_p50_ms":)" << percentile(latencies_ms, 0.5) << R"(,"paho_p99_ms":)"
              << percentile(latencies_ms, 0.99) << R"(,"paho_round_trips":)" << count << "}"
              << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "paho_rtt: " << error.what() << std::endl;
    return 1;
  }
}
