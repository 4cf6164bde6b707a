#include "edgehub/test/nats_cluster.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <nats/nats.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace edgehub::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error(std::string("cannot pick a free port: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected =
      fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  if (fd >= 0) ::close(fd);
  return connected;
}

std::string tail_lines(const std::filesystem::path& path, std::size_t lines) {
  std::ifstream file(path);
  std::deque<std::string> tail;
  for (std::string line; std::getline(file, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string text;
  for (const std::string& line : tail) text += line + "\n";
  return text;
}

std::string nats_error(natsStatus status) {
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  return std::string(natsStatus_GetText(status)) +
         (detail && *detail ? std::string(": ") + detail : std::string());
}

}  // namespace

struct NatsCluster::Admin {
  natsConnection* connection = nullptr;
  jsCtx* js = nullptr;
  ~Admin() {
    if (js != nullptr) jsCtx_Destroy(js);
    if (connection != nullptr) natsConnection_Destroy(connection);
  }
};

NatsCluster::NatsCluster(NatsClusterOptions options) : options_(std::move(options)) {
  std::random_device random;
  directory_ = std::filesystem::temp_directory_path() /
               ("edgehub-nats-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  std::filesystem::create_directories(directory_);
  nodes_.resize(static_cast<std::size_t>(options_.nodes));
  for (Node& node : nodes_) {
    node.client_port = free_loopback_port();
    node.cluster_port = free_loopback_port();
  }
  for (int i = 0; i < options_.nodes; ++i) {
    Node& node = nodes_[static_cast<std::size_t>(i)];
    const std::string name = "n" + std::to_string(i + 1);
    node.config = directory_ / (name + ".conf");
    node.log = directory_ / (name + ".log");
    std::ofstream config(node.config);
    config << "server_name: " << name << "\n"
           << "listen: 127.0.0.1:" << node.client_port << "\n"
           << "jetstream {\n  store_dir: \"" << (directory_ / name).string() << "\"\n"
           << "  max_memory_store: 268435456\n  max_file_store: 4294967296\n}\n"
           << "cluster {\n  name: edgehub-test\n  listen: 127.0.0.1:" << node.cluster_port
           << "\n  routes: [\n";
    for (const Node& peer : nodes_) {
      config << "    nats-route://127.0.0.1:" << peer.cluster_port << "\n";
    }
    config << "  ]\n}\n";
  }
  try {
    for (int i = 0; i < options_.nodes; ++i) start_node(i);
    wait_for_meta_leader_and_create_stream();
  } catch (...) {
    admin_.reset();
    for (int i = 0; i < options_.nodes; ++i) kill_node(i);
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
    throw;
  }
}

NatsCluster::~NatsCluster() {
  admin_.reset();
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) kill_node(i);
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::string NatsCluster::url(int node) const {
  return "nats://127.0.0.1:" +
         std::to_string(nodes_.at(static_cast<std::size_t>(node)).client_port);
}

std::string NatsCluster::urls() const {
  std::string text;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    text += (text.empty() ? "" : ",") + url(i);
  }
  return text;
}

void NatsCluster::start_node(int index) {
  Node& node = nodes_.at(static_cast<std::size_t>(index));
  const int log = ::open(node.log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) throw std::runtime_error("cannot open " + node.log.string());
  const std::string config = node.config.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here: the node dies with the test.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    const char* argv[] = {options_.nats_server.c_str(), "-c", config.c_str(), nullptr};
    ::execvp(argv[0], const_cast<char* const*>(argv));
    ::_exit(127);
  }
  ::close(log);
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  node.pid = pid;
  const auto deadline = Clock::now() + options_.start_timeout;
  while (!accepts_connections(node.client_port)) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      node.pid = -1;
      throw std::runtime_error("nats-server n" + std::to_string(index + 1) + " exited:\n" +
                               log_tail(index));
    }
    if (Clock::now() > deadline) {
      throw std::runtime_error("nats-server n" + std::to_string(index + 1) +
                               " does not accept clients:\n" + log_tail(index));
    }
    std::this_thread::sleep_for(20ms);
  }
}

void NatsCluster::kill_node(int index) {
  Node& node = nodes_.at(static_cast<std::size_t>(index));
  if (node.pid <= 0) return;
  ::kill(node.pid, SIGKILL);
  int status = 0;
  while (::waitpid(node.pid, &status, 0) < 0 && errno == EINTR) {
  }
  node.pid = -1;
}

void NatsCluster::restart_node(int index) {
  kill_node(index);
  start_node(index);
}

void NatsCluster::wait_for_meta_leader_and_create_stream() {
  admin_ = std::make_unique<Admin>();
  natsOptions* options = nullptr;
  natsOptions_Create(&options);
  std::vector<std::string> server_urls;
  for (int i = 0; i < options_.nodes; ++i) server_urls.push_back(url(i));
  std::vector<const char*> servers;
  for (const std::string& server : server_urls) servers.push_back(server.c_str());
  natsOptions_SetServers(options, servers.data(), static_cast<int>(servers.size()));
  natsOptions_SetMaxReconnect(options, -1);
  natsOptions_SetReconnectWait(options, 100);
  natsStatus status = natsConnection_Connect(&admin_->connection, options);
  natsOptions_Destroy(options);
  if (status != NATS_OK) throw std::runtime_error("admin connection: " + nats_error(status));
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = 2000;
  status = natsConnection_JetStream(&admin_->js, admin_->connection, &js_options);
  if (status != NATS_OK) throw std::runtime_error("JetStream context: " + nats_error(status));

  // A stream can only be created once the meta group has a leader and knows
  // enough peers: retried until then.
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = options_.stream.c_str();
  const char* subjects[] = {options_.subjects.c_str()};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Replicas = options_.replicas;
  config.Duplicates =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.duplicate_window).count();
  const auto deadline = Clock::now() + options_.start_timeout;
  std::string last_error;
  while (true) {
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    status = js_AddStream(&info, admin_->js, &config, nullptr, &js_error);
    if (info != nullptr) jsStreamInfo_Destroy(info);
    if (status == NATS_OK) break;
    last_error = nats_error(status) + " (JetStream error " + std::to_string(js_error) + ")";
    if (Clock::now() > deadline) {
      throw std::runtime_error("no JetStream meta leader / stream after " +
                               std::to_string(options_.start_timeout.count()) +
                               " s: " + last_error + "\n" + all_log_tails());
    }
    std::this_thread::sleep_for(200ms);
  }
}

bool NatsCluster::wait_until_stream_current(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    bool current = false;
    if (js_GetStreamInfo(&info, admin_->js, options_.stream.c_str(), nullptr, &js_error) ==
            NATS_OK &&
        info->Cluster != nullptr && info->Cluster->Leader != nullptr &&
        info->Cluster->ReplicasLen == options_.replicas - 1) {
      current = true;
      for (int i = 0; i < info->Cluster->ReplicasLen; ++i) {
        const jsPeerInfo* peer = info->Cluster->Replicas[i];
        current = current && peer->Current && !peer->Offline && peer->Lag == 0;
      }
    }
    if (info != nullptr) jsStreamInfo_Destroy(info);
    if (current) return true;
    std::this_thread::sleep_for(200ms);
  }
  return false;
}

int NatsCluster::stream_leader_node() {
  jsStreamInfo* info = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  int leader = -1;
  if (js_GetStreamInfo(&info, admin_->js, options_.stream.c_str(), nullptr, &js_error) == NATS_OK &&
      info->Cluster != nullptr && info->Cluster->Leader != nullptr &&
      info->Cluster->Leader[0] == 'n') {
    leader = std::atoi(info->Cluster->Leader + 1) - 1;  // server_name "n<i+1>"
  }
  if (info != nullptr) jsStreamInfo_Destroy(info);
  return leader;
}

std::uint64_t NatsCluster::stream_messages() {
  for (int attempt = 0;; ++attempt) {
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    const natsStatus status =
        js_GetStreamInfo(&info, admin_->js, options_.stream.c_str(), nullptr, &js_error);
    if (status == NATS_OK) {
      const std::uint64_t messages = info->State.Msgs;
      jsStreamInfo_Destroy(info);
      return messages;
    }
    if (attempt == 50) throw std::runtime_error("stream info: " + nats_error(status));
    std::this_thread::sleep_for(200ms);
  }
}

std::vector<NatsStoredMessage> NatsCluster::read_stream(std::chrono::milliseconds timeout) {
  const std::uint64_t expected = stream_messages();
  jsSubOptions sub_options;
  jsSubOptions_Init(&sub_options);
  sub_options.Stream = options_.stream.c_str();
  sub_options.Ordered = true;
  natsSubscription* subscription = nullptr;
  jsErrCode js_error = static_cast<jsErrCode>(0);
  natsStatus status = js_SubscribeSync(&subscription, admin_->js, options_.subjects.c_str(),
                                       nullptr, &sub_options, &js_error);
  if (status != NATS_OK) throw std::runtime_error("ordered consumer: " + nats_error(status));
  natsSubscription_SetPendingLimits(subscription, -1, -1);
  std::vector<NatsStoredMessage> messages;
  messages.reserve(expected);
  const auto deadline = Clock::now() + timeout;
  while (messages.size() < expected && Clock::now() < deadline) {
    natsMsg* message = nullptr;
    if (natsSubscription_NextMsg(&message, subscription, 1000) != NATS_OK) continue;
    NatsStoredMessage stored;
    stored.subject = natsMsg_GetSubject(message);
    stored.data.assign(natsMsg_GetData(message),
                       static_cast<std::size_t>(natsMsg_GetDataLength(message)));
    const char** keys = nullptr;
    int count = 0;
    if (natsMsgHeader_Keys(message, &keys, &count) == NATS_OK) {
      for (int i = 0; i < count; ++i) {
        const char* value = nullptr;
        if (natsMsgHeader_Get(message, keys[i], &value) == NATS_OK) {
          stored.headers[keys[i]] = value != nullptr ? value : "";
        }
      }
      free(static_cast<void*>(keys));
    }
    messages.push_back(std::move(stored));
    natsMsg_Destroy(message);
  }
  natsSubscription_Unsubscribe(subscription);
  natsSubscription_Destroy(subscription);
  if (messages.size() < expected) {
    throw std::runtime_error("read " + std::to_string(messages.size()) + " of " +
                             std::to_string(expected) + " messages from the stream in time");
  }
  return messages;
}

double NatsCluster::cpu_seconds() const {
  double seconds = 0;
  for (const Node& node : nodes_) {
    if (node.pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(node.pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line) || line.rfind(')') == std::string::npos) continue;
    // Fields after "(comm) ": state is the 1st, utime the 12th, stime the 13th.
    std::istringstream fields(line.substr(line.rfind(')') + 2));
    std::string field;
    unsigned long long ticks = 0;
    for (int i = 1; i <= 13 && fields >> field; ++i) {
      if (i >= 12) ticks += std::stoull(field);
    }
    seconds += static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return seconds;
}

std::string NatsCluster::log_tail(int node, std::size_t lines) const {
  return tail_lines(nodes_.at(static_cast<std::size_t>(node)).log, lines);
}

std::string NatsCluster::all_log_tails() const {
  std::string text;
  for (int i = 0; i < static_cast<int>(nodes_.size()); ++i) {
    text += "--- n" + std::to_string(i + 1) + " log:\n" + log_tail(i, 15);
  }
  return text;
}

}  // namespace edgehub::test
