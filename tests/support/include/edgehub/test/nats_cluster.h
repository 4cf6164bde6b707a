// A 3-node NATS JetStream cluster on loopback for tests and benchmarks
// (issue 15): nats-server processes on free ports (client and cluster
// routes), each with its own store directory in a temp directory, and one
// replicated stream with a duplicate window. A node can be SIGKILLed and
// restarted on its store; every node is killed when the object goes away,
// and also when the test process dies (PR_SET_PDEATHSIG). That signal
// follows the thread that started the node: start and restart nodes from a
// thread that lives as long as the cluster (the test's main thread); killing
// from any thread is fine.
//
// Used by tests/integration/exports_nats_test.cpp and tests/perf/export_bench.cpp;
// an end-to-end test (runner + hubd) points its export's "url" at urls().
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace edgehub::test {

struct NatsClusterOptions {
  int nodes = 3;
  std::string stream = "EDGEHUB";
  std::string subjects = "edgehub.>";  // what the stream captures
  int replicas = 3;
  std::chrono::seconds duplicate_window{120};
  std::chrono::seconds start_timeout{30};
  std::string nats_server = EDGEHUB_NATS_SERVER;  // found by CMake (tests/support/CMakeLists.txt)
};

// A message read back from the stream.
struct NatsStoredMessage {
  std::string subject;
  std::string data;
  std::map<std::string, std::string> headers;
};

class NatsCluster {
 public:
  // Starts the nodes, waits for a JetStream meta leader, creates the stream.
  // Throws std::runtime_error (with the nodes' log tails) when that fails.
  explicit NatsCluster(NatsClusterOptions options = {});
  ~NatsCluster();  // SIGKILLs and reaps every node, removes the directory
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  // "nats://127.0.0.1:p1,nats://127.0.0.1:p2,..." (every node).
  std::string urls() const;
  std::string url(int node) const;
  const NatsClusterOptions& options() const { return options_; }

  // A crash of one node: SIGKILL, reaped. Its store stays.
  void kill_node(int node);
  // The node again on the same store and ports; returns once it accepts
  // clients (it then catches up with the stream by itself).
  void restart_node(int node);
  // The node that leads the stream now (0-based), -1 while it has no leader.
  int stream_leader_node();
  // Waits until every replica of the stream is current (no lag, none
  // offline); false after `timeout`.
  bool wait_until_stream_current(std::chrono::milliseconds timeout);

  // The number of messages in the stream (the leader's state).
  std::uint64_t stream_messages();
  // Every message of the stream in order, through an ordered consumer;
  // throws if fewer than stream_messages() arrive within `timeout`.
  std::vector<NatsStoredMessage> read_stream(std::chrono::milliseconds timeout);

  // CPU time (user + system, seconds) the running nodes have used so far,
  // from /proc: what a benchmark divides by the messages it sent.
  double cpu_seconds() const;

  // The last lines of a node's log, for a failing test's message.
  std::string log_tail(int node, std::size_t lines = 30) const;

 private:
  struct Node {
    int client_port = 0;
    int cluster_port = 0;
    std::filesystem::path config;
    std::filesystem::path log;
    pid_t pid = -1;
  };
  struct Admin;  // a libnats connection and JetStream context

  void start_node(int node);
  void wait_for_meta_leader_and_create_stream();
  std::string all_log_tails() const;

  NatsClusterOptions options_;
  std::filesystem::path directory_;
  std::vector<Node> nodes_;
  std::unique_ptr<Admin> admin_;
};

}  // namespace edgehub::test
