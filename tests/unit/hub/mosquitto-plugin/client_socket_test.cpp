#include "mosquitto-plugin/client_socket.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace edgehub::hub::mosquitto_auth;

namespace {
struct FakeClient {  // the head of mosquitto 2.0.11's struct mosquitto
  int ident;
  int sock;
  char rest[64];
};
}  // namespace

TEST_CASE("a client structure of another layout is refused, never guessed") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  FakeClient wrong_ident{1, pair[0], {}};
  auto read = client_socket_of(&wrong_ident, "127.0.0.1");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message.find("not id_client") != std::string::npos);

  const int file = ::open("/dev/null", O_RDONLY);
  FakeClient not_a_socket{2, file, {}};
  read = client_socket_of(&not_a_socket, "127.0.0.1");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == edgehub::ErrorCode::invalid_argument);
  ::close(file);

  CHECK_FALSE(client_socket_of(nullptr, "127.0.0.1").ok());
  ::close(pair[0]);
  ::close(pair[1]);
}

TEST_CASE("an offline session (no socket) is 'unknown', not a layout mismatch") {
  // What a SIGHUP hands over for every persistent session of a device that is
  // not connected: the connect deadline must stay on (it was switched off).
  FakeClient offline{2, -1, {}};
  const auto read = client_socket_of(&offline, "127.0.0.1");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == edgehub::ErrorCode::unavailable);
}

TEST_CASE("a socket without an IP peer is 'unknown', not a layout mismatch") {
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  FakeClient no_peer{2, pair[0], {}};
  const auto read = client_socket_of(&no_peer, "127.0.0.1");
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == edgehub::ErrorCode::unavailable);
  ::close(pair[0]);
  ::close(pair[1]);
}
