#include "mqtt/nodelay_window.h"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "mqtt/tcp_nodelay.h"

using namespace edgehub::hub;
using namespace std::chrono_literals;

namespace {

struct RecordedSockets {
  std::vector<std::pair<int, bool>> calls;
  NodelayWindow::SetNodelay setter() {
    return [this](int socket, bool on) { calls.emplace_back(socket, on); };
  }
};

const NodelayWindow::Clock::time_point t0{std::chrono::seconds(1000)};

// A window over sockets 7 and 8 (or others), recording what it sets.
struct Window {
  RecordedSockets sockets;
  NodelayWindow window{100ms, sockets.setter()};
  explicit Window(std::vector<int> attached = {7, 8}) { window.attach(std::move(attached)); }
};

}  // namespace

TEST_CASE_FIXTURE(Window,
                  "a new connection starts with Nagle's algorithm and receiving leaves it so") {
  window.receiving(t0);
  CHECK_FALSE(window.nodelay());
  CHECK(sockets.calls.empty());
}

TEST_CASE_FIXTURE(Window, "a publish sets TCP_NODELAY on every socket before it goes out") {
  window.publishing();
  CHECK(window.nodelay());
  CHECK(sockets.calls == std::vector<std::pair<int, bool>>{{7, true}, {8, true}});
  window.publishing();  // already set: no second call
  CHECK(sockets.calls.size() == 2);
}

TEST_CASE("TCP_NODELAY is cleared by the first message received after the hold") {
  Window fixture({7});
  auto& [sockets, window] = fixture;
  window.publishing();
  window.published(t0 + 2ms);
  window.receiving(t0 + 50ms);
  CHECK(window.nodelay());
  window.receiving(t0 + 101ms);
  CHECK(window.nodelay());  // the hold counts from the acknowledgement
  window.receiving(t0 + 102ms);
  CHECK_FALSE(window.nodelay());
  CHECK(sockets.calls.back() == std::pair<int, bool>{7, false});
}

TEST_CASE("TCP_NODELAY stays while a publish waits for its acknowledgement") {
  Window fixture({7});
  auto& [sockets, window] = fixture;
  window.publishing();
  window.receiving(t0 + 10s);
  CHECK(window.nodelay());
  window.published(t0 + 10s);
  window.receiving(t0 + 20s);
  CHECK_FALSE(window.nodelay());
}

TEST_CASE("a reconnect during a publish sets TCP_NODELAY on the new sockets") {
  Window fixture({7});
  auto& [sockets, window] = fixture;
  window.publishing();
  window.detach();
  window.attach({9});
  CHECK(window.nodelay());
  CHECK(sockets.calls.back() == std::pair<int, bool>{9, true});
  window.published(t0 + 1ms);
  window.receiving(t0 + 1s);
  CHECK_FALSE(window.nodelay());
  window.detach();
  window.attach({10});  // nothing in flight: a new socket has Nagle on
  CHECK_FALSE(window.nodelay());
  CHECK(sockets.calls.back() == std::pair<int, bool>{9, false});
}

TEST_CASE("the sockets towards a port are found and TCP_NODELAY is set and cleared on them") {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  const int accepted = ::accept(listener, nullptr, nullptr);

  const auto found = sockets_towards(ntohs(address.sin_port));
  CHECK(std::find(found.begin(), found.end(), client) != found.end());
  CHECK(std::find(found.begin(), found.end(), accepted) == found.end());  // its peer port differs

  const auto nodelay = [&] {
    int value = -1;
    socklen_t size = sizeof value;
    ::getsockopt(client, IPPROTO_TCP, TCP_NODELAY, &value, &size);
    return value != 0;
  };
  CHECK_FALSE(nodelay());
  set_tcp_nodelay(client, true);
  CHECK(nodelay());
  set_tcp_nodelay(client, false);
  CHECK_FALSE(nodelay());
  ::close(accepted);
  ::close(client);
  ::close(listener);
}
