#include "support/hub_under_test.h"

#include <httplib.h>
#include <signal.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <stdexcept>

#include "support/free_port.h"
#include "support/programs.h"
#include "support/wait_until.h"

namespace edgehub::itest {
namespace {

using namespace std::chrono_literals;

httplib::Client make_client(const std::string& url, const std::filesystem::path& ca,
                            std::chrono::seconds read_timeout) {
  httplib::Client client(url);
  client.enable_server_certificate_verification(true);
  client.set_ca_cert_path(ca.c_str());
  client.set_connection_timeout(2, 0);
  client.set_read_timeout(read_timeout.count(), 0);
  client.set_write_timeout(5, 0);
  return client;
}

HttpReply to_reply(const httplib::Result& result) {
  HttpReply reply;
  if (!result) {
    reply.error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body;
  reply.json = nlohmann::json::parse(reply.body, nullptr, /*allow_exceptions=*/false);
  if (reply.json.is_discarded()) reply.json = nullptr;
  return reply;
}

void write_private_file(const std::filesystem::path& path, const std::string& text) {
  write_text_file(path, text);
  ::chmod(path.c_str(), 0600);
}

}  // namespace

std::string HttpReply::describe() const {
  if (status == 0) return "no HTTP answer: " + error;
  return "HTTP " + std::to_string(status) + " " + body;
}

HubUnderTest::HubUnderTest(HubOptions options)
    : options_(std::move(options)), work_dir_(options_.name) {
  become_child_subreaper();
  mqtt_port_ = free_port();
  http_port_ = free_port();
  while (http_port_ == mqtt_port_) http_port_ = free_port();
  std::filesystem::create_directories(logs_dir());
  std::filesystem::create_directories(devices_dir());
  broker_log_watch_ = LogWatch("mosquitto log", broker_log());
  try {
    if (options_.before_first_start) options_.before_first_start(data_dir());
    start();
  } catch (...) {
    stop_everything();
    throw;
  }
}

HubUnderTest::~HubUnderTest() { stop_everything(); }

void HubUnderTest::stop_everything() noexcept {
  try {
    if (hubd_ && hubd_->running()) hubd_->stop(5s);
  } catch (...) {
  }
  try {
    stop_brokers();
  } catch (...) {
  }
  broker_log_watch_.report_if_failed();
}

void HubUnderTest::stop_brokers() {
  // A clean hubd stop ends its broker; a killed one leaves it running. A pid
  // from our pid file is ours to end only if it still is a mosquitto (or names
  // our data dir): pids get reused.
  if (auto pid = broker_pid()) broker_pids_seen_.insert(*pid);
  for (pid_t pid : broker_pids_seen_) {
    const std::string command_line = process_command_line(pid);
    const bool ours = command_line.find(data_dir().string()) != std::string::npos ||
                      command_line.rfind(Programs::mosquitto().string(), 0) == 0 ||
                      command_line.rfind("mosquitto ", 0) == 0;
    if (!process_is_gone(pid) && ours) terminate_process(pid, 5s);
  }
}

std::string HubUnderTest::api_token() const {
  std::string token = read_text_file(data_dir() / "api-token");
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  return token;
}

void HubUnderTest::start() {
  if (hubd_ && hubd_->running()) throw std::logic_error("hubd is already running");
  std::vector<std::string> argv = {Programs::hubd().string(),
                                   "--data-dir",
                                   data_dir().string(),
                                   "--mqtt-bind",
                                   "127.0.0.1",
                                   "--mqtt-port",
                                   std::to_string(mqtt_port_),
                                   "--http-bind",
                                   "127.0.0.1",
                                   "--http-port",
                                   std::to_string(http_port_),
                                   "--broker",
                                   "supervise",
                                   "--log-level",
                                   options_.log_level};
  if (!options_.https) argv.push_back("--http-plain");
  if (options_.max_payload_bytes) {
    argv.push_back("--max-payload-bytes");
    argv.push_back(std::to_string(*options_.max_payload_bytes));
  }
  argv.insert(argv.end(), options_.extra_arguments.begin(), options_.extra_arguments.end());
  hubd_.emplace("hubd", argv, logs_dir() / "hubd.log");
  wait_until_ready();
  if (auto pid = broker_pid()) broker_pids_seen_.insert(*pid);
}

void HubUnderTest::wait_until_ready() {
  HttpReply last;
  const bool ready = wait_until(
      [&] {
        if (!hubd_->running()) return true;  // reported below
        auto client = make_client(url(), ca_certificate(), 2s);
        last = to_reply(client.Get("/api/v1/health"));
        return last.status == 200 && last.json.is_object() &&
               last.json.value("broker_connected", false);
      },
      options_.ready_timeout, 50ms);
  if (!hubd_->running()) {
    throw std::runtime_error("hubd exited during start-up (" +
                             hubd_->wait_for_exit(0ms)->describe() + ")\n" + log_tails());
  }
  if (!ready) {
    throw std::runtime_error("hubd not ready (broker_connected) within " +
                             std::to_string(options_.ready_timeout.count()) +
                             " ms; last health answer: " + last.describe() + "\n" + log_tails());
  }
}

void HubUnderTest::kill_hard() {
  if (auto pid = broker_pid()) broker_pids_seen_.insert(*pid);
  hubd_->kill_hard();
}

bool HubUnderTest::hubd_running() { return hubd_ && hubd_->running(); }

bool HubUnderTest::signal_hubd(int signal_number) {
  return hubd_running() && ::kill(hubd_->pid(), signal_number) == 0;
}

std::optional<pid_t> HubUnderTest::broker_pid() const {
  std::ifstream in(data_dir() / "broker" / "mosquitto.pid");
  long pid = 0;
  if (in >> pid && pid > 1) return static_cast<pid_t>(pid);
  return std::nullopt;
}

HttpReply HubUnderTest::get(const std::string& path, std::chrono::seconds timeout) const {
  auto client = make_client(url(), ca_certificate(), timeout);
  return to_reply(client.Get(path, {{"Authorization", "Bearer " + api_token()}}));
}

HttpReply HubUnderTest::post(const std::string& path, const nlohmann::json& body,
                             std::chrono::seconds timeout) const {
  auto client = make_client(url(), ca_certificate(), timeout);
  return to_reply(client.Post(path, {{"Authorization", "Bearer " + api_token()}}, body.dump(),
                              "application/json"));
}

HttpReply HubUnderTest::del(const std::string& path) const {
  auto client = make_client(url(), ca_certificate(), 10s);
  return to_reply(client.Delete(path, {{"Authorization", "Bearer " + api_token()}}));
}

HttpReply HubUnderTest::call(const std::string& method, const std::string& path,
                             const std::string& token,
                             const std::optional<nlohmann::json>& body) const {
  auto client = make_client(url(), ca_certificate(), 10s);
  httplib::Headers headers;
  if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
  const std::string text = body ? body->dump() : std::string();
  if (method == "GET") return to_reply(client.Get(path, headers));
  if (method == "DELETE") return to_reply(client.Delete(path, headers));
  if (method == "POST") return to_reply(client.Post(path, headers, text, "application/json"));
  if (method == "PATCH") return to_reply(client.Patch(path, headers, text, "application/json"));
  if (method == "PUT") return to_reply(client.Put(path, headers, text, "application/json"));
  throw std::invalid_argument("HubUnderTest::call: method " + method);
}

DeviceCredentials HubUnderTest::register_device(const std::string& id) {
  const HttpReply reply = post("/api/v1/devices", {{"id", id}});
  if (reply.status != 201 || !reply.json.is_object()) {
    throw std::runtime_error("registering device '" + id + "': " + reply.describe());
  }
  DeviceCredentials device{id, devices_dir() / (id + ".pem"), devices_dir() / (id + ".key"),
                           devices_dir() / "ca.pem"};
  write_text_file(device.certificate, reply.json.at("certificate_pem").get<std::string>());
  write_private_file(device.private_key, reply.json.at("private_key_pem").get<std::string>());
  write_text_file(device.ca, reply.json.at("ca_certificate_pem").get<std::string>());
  return device;
}

void HubUnderTest::remove_device(const std::string& id) {
  const HttpReply reply = del("/api/v1/devices/" + id);
  if (reply.status != 204)
    throw std::runtime_error("removing device '" + id + "': " + reply.describe());
}

std::vector<nlohmann::json> HubUnderTest::read_stream(const std::string& stream,
                                                      std::uint64_t from) const {
  std::vector<nlohmann::json> records;
  for (;;) {
    const HttpReply reply =
        get("/api/v1/streams/" + stream + "/records?from=" + std::to_string(from) + "&limit=1000");
    if (reply.status == 404) return records;  // the stream does not exist (yet)
    if (reply.status != 200 || !reply.json.contains("records")) {
      throw std::runtime_error("reading stream '" + stream + "': " + reply.describe());
    }
    const auto& page = reply.json.at("records");
    for (const auto& record : page) records.push_back(record);
    const auto next = reply.json.at("next_offset").get<std::uint64_t>();
    if (page.empty() || next <= from) return records;
    from = next;
  }
}

std::uint64_t HubUnderTest::record_count(const std::string& stream) const {
  const HttpReply reply = get("/api/v1/streams");
  if (reply.status != 200 || !reply.json.contains("streams")) {
    throw std::runtime_error("listing streams: " + reply.describe());
  }
  for (const auto& info : reply.json.at("streams")) {
    if (info.value("name", "") == stream) return info.at("record_count").get<std::uint64_t>();
  }
  return 0;
}

CommandResult HubUnderTest::hubctl(const std::vector<std::string>& arguments,
                                   std::chrono::milliseconds timeout) const {
  std::vector<std::string> argv = {Programs::hubctl().string(), "--hub", url(), "--data-dir",
                                   data_dir().string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return run_command(argv, timeout);
}

std::string HubUnderTest::log_tails(std::size_t lines) const {
  return "--- hubd log (tail) ---\n" + tail_of_file(logs_dir() / "hubd.log", lines) +
         "--- mosquitto log (tail) ---\n" + tail_of_file(broker_log(), lines);
}

}  // namespace edgehub::itest
