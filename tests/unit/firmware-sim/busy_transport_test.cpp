// A device busy with a command sends nothing until the command's latency is
// over; it keeps receiving.
#include "busy_transport.h"

#include <doctest/doctest.h>

#include <string>

using namespace edgehub::sim;

namespace {

struct FakeConnection {
  std::string sent;
  int receives = 0;
  static std::int32_t send(void* context, const std::uint8_t* data, std::size_t length) {
    static_cast<FakeConnection*>(context)->sent.append(reinterpret_cast<const char*>(data), length);
    return static_cast<std::int32_t>(length);
  }
  static std::int32_t receive(void* context, std::uint8_t* buffer, std::size_t capacity) {
    ++static_cast<FakeConnection*>(context)->receives;
    if (capacity > 0) buffer[0] = 'x';
    return 1;
  }
  edgehub::device::Transport transport() { return {this, &send, &receive}; }
};

std::int32_t send_text(edgehub::device::Transport transport, const std::string& text) {
  return transport.send(transport.context, reinterpret_cast<const std::uint8_t*>(text.data()),
                        text.size());
}

}  // namespace

TEST_CASE("while busy nothing is sent (the SDK is told 'would block'), afterwards everything is") {
  std::uint64_t now = 1000;
  FakeConnection connection;
  BusyTransport link([&] { return now; });
  link.set_inner(connection.transport());
  const auto transport = link.transport();

  CHECK(send_text(transport, "before") == 6);
  link.add_work(500);
  CHECK(link.busy());
  CHECK(link.busy_until_ms() == 1500);
  now = 1499;
  CHECK(send_text(transport, "answer") == 0);
  now = 1500;
  CHECK_FALSE(link.busy());
  CHECK(send_text(transport, "answer") == 6);
  CHECK(connection.sent == "beforeanswer");
}

TEST_CASE("reading goes on while busy") {
  std::uint64_t now = 0;
  FakeConnection connection;
  BusyTransport link([&] { return now; });
  link.set_inner(connection.transport());
  link.add_work(10'000);
  std::uint8_t byte = 0;
  const auto transport = link.transport();
  CHECK(transport.recv(transport.context, &byte, 1) == 1);
  CHECK(byte == 'x');
}

TEST_CASE("commands arriving while busy wait their turn: their latencies add up") {
  std::uint64_t now = 0;
  BusyTransport link([&] { return now; });
  link.add_work(300);
  now = 100;
  link.add_work(300);
  CHECK(link.busy_until_ms() == 600);
  now = 1000;  // idle again: the next command starts now
  link.add_work(300);
  CHECK(link.busy_until_ms() == 1300);
}

TEST_CASE("a lost connection forgets the work, and no latency means never busy") {
  std::uint64_t now = 0;
  BusyTransport link([&] { return now; });
  link.add_work(0);
  CHECK_FALSE(link.busy());
  link.add_work(300);
  link.clear();
  CHECK_FALSE(link.busy());
}

TEST_CASE("without a connection behind it the link reports an error, never a crash") {
  BusyTransport link([] { return std::uint64_t{0}; });
  std::uint8_t byte = 0;
  const auto transport = link.transport();
  CHECK(send_text(transport, "x") < 0);
  CHECK(transport.recv(transport.context, &byte, 1) < 0);
}
