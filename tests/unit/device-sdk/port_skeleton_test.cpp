// The skeleton port's translation of mbedTLS results into the transport
// contract: the part every port must get right.
#include <doctest/doctest.h>

#include "skeleton_port.h"

using namespace edgehub::device::port;

TEST_CASE("mbedTLS results map to the transport contract: bytes, 0 for later, < 0 for over") {
  CHECK(tls_result_to_transport(17) == 17);
  CHECK(tls_result_to_transport(kTlsWantRead) == 0);
  CHECK(tls_result_to_transport(kTlsWantWrite) == 0);
  CHECK(tls_result_to_transport(0) < 0);  // EOF is a closed connection, never "nothing now"
  CHECK(tls_result_to_transport(kTlsPeerClosed) < 0);
  CHECK(tls_result_to_transport(-0x7780) < 0);  // a fatal alert
}

TEST_CASE("the skeleton's seams are complete") {
  TlsSession session;
  const auto transport = tls_transport(&session);
  CHECK((transport.send != nullptr && transport.recv != nullptr));
  CHECK(transport.recv(transport.context, nullptr, 0) == 0);  // placeholder: "nothing now"
  CHECK(rtos_clock().now_ms(nullptr) == 0);                   // placeholder tick counter
  CHECK(hardware_random().next(nullptr) != 0);
  CHECK(flash_storage(nullptr, 1024).capacity == 1024);
}
