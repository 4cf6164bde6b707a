// nats_cluster: the 3-node JetStream cluster of nats_cluster.h for scripts
// (tests/perf/export.sh's end-to-end round, manual runs). Starts it, prints
// the client URLs on one line ("nats://127.0.0.1:p1,..."), then reads
// commands on stdin, one per line, answering "ok" or "error: ..." on stdout:
//   kill N       SIGKILL node N (1-3)
//   restart N    start node N again on its store
//   leader       the node that leads the stream (1-3, 0 while none)
//   messages     the number of messages in the stream
//   quit         (or end of input) stop every node and remove the stores
// Options: --stream NAME (EDGEHUB), --subjects SUBJECTS (edgehub.>),
// --replicas N (3), --duplicate-window-s S (120).
#include <cstdlib>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "edgehub/test/nats_cluster.h"

int main(int argc, char** argv) {
  edgehub::test::NatsClusterOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const std::string value = argv[i + 1];
    if (name == "--stream") {
      options.stream = value;
    } else if (name == "--subjects") {
      options.subjects = value;
    } else if (name == "--replicas") {
      options.replicas = std::atoi(value.c_str());
    } else if (name == "--duplicate-window-s") {
      options.duplicate_window = std::chrono::seconds(std::atoi(value.c_str()));
    } else {
      std::cerr << "usage: nats_cluster [--stream NAME] [--subjects S] [--replicas N] "
                   "[--duplicate-window-s S]\n";
      return 2;
    }
  }
  try {
    edgehub::test::NatsCluster cluster(options);
    std::cout << cluster.urls() << std::endl;
    for (std::string line; std::getline(std::cin, line);) {
      std::istringstream words(line);
      std::string command;
      int node = 0;
      words >> command >> node;
      try {
        if (command == "quit") break;
        if ((command == "kill" || command == "restart") && (node < 1 || node > options.nodes)) {
          std::cout << "error: node 1-" << options.nodes << std::endl;
        } else if (command == "kill") {
          cluster.kill_node(node - 1);
          std::cout << "ok" << std::endl;
        } else if (command == "restart") {
          cluster.restart_node(node - 1);
          std::cout << "ok" << std::endl;
        } else if (command == "leader") {
          std::cout << cluster.stream_leader_node() + 1 << std::endl;
        } else if (command == "messages") {
          std::cout << cluster.stream_messages() << std::endl;
        } else {
          std::cout << "error: unknown command (kill N, restart N, leader, messages, quit)"
                    << std::endl;
        }
      } catch (const std::exception& error) {
        std::cout << "error: " << error.what() << std::endl;
      }
    }
  } catch (const std::exception& error) {
    std::cerr << "nats_cluster: " << error.what() << "\n";
    return 1;
  }
  return 0;
}
