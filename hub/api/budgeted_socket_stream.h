// The httplib::Stream one admitted request is served through: the head the
// lobby already took from the socket, then at most the declared body
// (Content-Length) from the socket within a deadline, then end of input. So
// httplib can never read past the request the lobby admitted, and a slow
// body or a client that stops reading its answer cannot hold a worker for
// longer than the body deadline or the write timeout.
#pragma once

#include <httplib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/tls_session.h"

namespace edgehub::hub {

class BudgetedSocketStream final : public httplib::Stream {
 public:
  using Clock = std::chrono::steady_clock;

  // tls: the connection's session for HTTPS, null for plain HTTP.
  BudgetedSocketStream(int socket, std::string head, std::uint64_t body_bytes,
                       Clock::time_point body_deadline, std::chrono::milliseconds write_timeout,
                       TlsSession* tls = nullptr);

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override;

  // Body bytes the request declared but httplib did not read (a handler
  // that ignored the body): the connection cannot serve another request.
  std::uint64_t unread_body_bytes() const { return body_left_; }
  bool body_timed_out() const { return body_timed_out_; }

 private:
  ssize_t read_tls(char* ptr, std::size_t size);
  ssize_t write_tls(const char* ptr, std::size_t size);

  int socket_;
  TlsSession* tls_;
  std::string head_;
  std::size_t head_offset_ = 0;
  std::uint64_t body_left_;
  Clock::time_point body_deadline_;
  std::chrono::milliseconds write_timeout_;
  bool body_timed_out_ = false;
};

}  // namespace edgehub::hub
