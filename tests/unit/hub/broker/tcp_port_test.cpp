#include "broker/tcp_port.h"

#include <doctest/doctest.h>

using namespace edgehub::hub;

TEST_CASE("a server bound to a wildcard address is reached over loopback") {
  CHECK(connectable_host("0.0.0.0") == "127.0.0.1");
  CHECK(connectable_host("") == "127.0.0.1");
  CHECK(connectable_host("::") == "::1");
  CHECK(connectable_host("127.0.0.1") == "127.0.0.1");
  CHECK(connectable_host("192.168.1.5") == "192.168.1.5");
}

TEST_CASE("IPv6 addresses are bracketed next to a port") {
  CHECK(format_host_port("127.0.0.1", 8883) == "127.0.0.1:8883");
  CHECK(format_host_port("::1", 8883) == "[::1]:8883");
  CHECK(format_host_port("localhost", 80) == "localhost:80");
}
