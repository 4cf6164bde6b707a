// A TCP port on 127.0.0.1 that nothing listens on right now.
#pragma once

namespace edgehub::itest {

// Binds 127.0.0.1:0, reads the port the kernel chose, and closes the socket.
// Another process could take the port before the caller binds it; in practice
// the kernel hands out ports round-robin, so that does not happen in a test run.
int free_port();

}  // namespace edgehub::itest
