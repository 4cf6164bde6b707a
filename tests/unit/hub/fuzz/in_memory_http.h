// Serves one HTTP request from memory with httplib's own request handling
// (parsing, routing to the handlers registered on the server, error
// handler): the REST routes whose handling lives in httplib lambdas
// (twin_routes.cpp) are driven as hubd's server drives them, without a
// socket. process_request is protected in httplib::Server, hence the
// subclass.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace edgehub::fuzz {

class MemoryHttpStream final : public httplib::Stream {
 public:
  explicit MemoryHttpStream(std::string_view request) : request_(request) {}

  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    const std::size_t count = std::min(size, request_.size() - position_);
    std::memcpy(ptr, request_.data() + position_, count);
    position_ += count;
    return static_cast<ssize_t>(count);
  }
  ssize_t write(const char* ptr, size_t size) override {
    response_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

  const std::string& response() const { return response_; }

 private:
  std::string_view request_;
  std::size_t position_ = 0;
  std::string response_;
};

class InMemoryServer final : public httplib::Server {
 public:
  // The raw HTTP response to one raw HTTP request.
  std::string serve(std::string_view request) {
    MemoryHttpStream stream(request);
    bool closed = false;
    process_request(stream, /*close_connection=*/true, closed, [](httplib::Request&) {});
    return stream.response();
  }
};

// A request with a body and its Content-Length.
inline std::string http_request(std::string_view method, std::string_view path,
                                std::string_view body) {
  std::string request;
  request.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: hub\r\n");
  request.append("Content-Type: application/json\r\nContent-Length: ");
  request.append(std::to_string(body.size())).append("\r\n\r\n").append(body);
  return request;
}

}  // namespace edgehub::fuzz
