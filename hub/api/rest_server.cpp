#include "api/rest_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "api/command_routes.h"
#include "api/guarded_http_server.h"
#include "api/identity_routes.h"
#include "api/json_views.h"
#include "api/stream_routes.h"
#include "api/twin_routes.h"

namespace edgehub::hub {
namespace {

constexpr const char* kJson = "application/json";

void reply(httplib::Response& response, const ApiResponse& api) {
  response.status = api.status;
  if (!api.body.empty()) response.set_content(api.body, kJson);
}

}  // namespace

struct RestServer::Impl {
  std::atomic<bool> stopping{false};  // ends event streams (see stream_routes.cpp)
  RestHandlers& handlers;
  RestServerSettings settings;
  GuardedHttpServer server;
  std::thread serving;
  int bound_port = 0;

  static GuardSettings guard_settings(const RestServerSettings& settings) {
    GuardSettings guard;
    guard.lobby.max_head_bytes = settings.max_head_bytes;
    guard.lobby.head_timeout = settings.head_timeout;
    guard.lobby.idle_timeout = settings.keep_alive_idle_timeout;
    guard.lobby.max_connections = settings.max_connections;
    guard.lobby.max_unauthenticated = settings.max_unauthenticated_connections;
    guard.lobby.keep_alive_requests = settings.keep_alive_requests;
    guard.admission.api_token = settings.api_token;
    guard.admission.max_body_bytes = settings.max_body_bytes;
    guard.worker_threads = settings.worker_threads;
    guard.body_timeout = settings.body_timeout;
    guard.write_timeout = settings.write_timeout;
    return guard;
  }

  Impl(RestHandlers& rest_handlers, RestServerSettings rest_settings)
      : handlers(rest_handlers),
        settings(std::move(rest_settings)),
        server(guard_settings(settings)) {
    // TCP_NODELAY is set on every accepted socket by the lobby.
    server.set_tcp_nodelay(true);
    // httplib's default is SO_REUSEPORT, with which a second hubd would share
    // the port instead of failing. SO_REUSEADDR only: a restart still binds
    // while old connections sit in TIME_WAIT. Close-on-exec: the broker hubd
    // starts must not hold the port (the lobby does the same for accepted
    // sockets).
    server.set_socket_options([](socket_t socket) {
      const int yes = 1;
      ::setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      ::fcntl(socket, F_SETFD, FD_CLOEXEC);
    });
    route();
  }

  void route() {
    // The lobby checked the token before admitting the request; checked again
    // here so that no route is reachable without it, whatever the front.
    server.set_pre_routing_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& request, httplib::Response& response) {
          if (request.path == kHealthPath) return httplib::Server::HandlerResponse::Unhandled;
          if (bearer_token_matches(request.get_header_value("Authorization"), settings.api_token)) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          reply(response, unauthorized_response());
          return httplib::Server::HandlerResponse::Handled;
        }));

    server.Get(kHealthPath, [this](const httplib::Request&, httplib::Response& response) {
      reply(response, handlers.health());
    });
    server.Get("/api/v1/devices", [this](const httplib::Request&, httplib::Response& response) {
      reply(response, handlers.list_devices());
    });
    server.Post("/api/v1/devices",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.add_device(request.body));
                });
    server.Get(R"(/api/v1/devices/([^/]+))",
               [this](const httplib::Request& request, httplib::Response& response) {
                 reply(response, handlers.get_device(request.matches[1].str()));
               });
    server.Delete(R"(/api/v1/devices/([^/]+))",
                  [this](const httplib::Request& request, httplib::Response& response) {
                    reply(response, handlers.delete_device(request.matches[1].str()));
                  });
    server.Post(R"(/api/v1/devices/([^/]+)/commands)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.send_command(request.matches[1].str(), request.body));
                });
    route_streams(server, handlers.streams(), stopping);
    route_commands(server, handlers.commands(), handlers.registry());
    route_twins(server, [this] { return handlers.twins(); });
    route_identities(server, [this] { return handlers.identities(); });

    server.Get("/api/v1/routes", [this](const httplib::Request&, httplib::Response& response) {
      reply(response, handlers.list_routes());
    });
    server.Post("/api/v1/routes",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.add_route(request.body));
                });
    server.Post("/api/v1/routes/test",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.test_route(request.body));
                });
    server.Delete(R"(/api/v1/routes/([^/]+))",
                  [this](const httplib::Request& request, httplib::Response& response) {
                    reply(response, handlers.delete_route(request.matches[1].str()));
                  });

    // Responses >= 400 without a body (no such route, body too large, ...)
    // get the error shape too.
    server.set_error_handler(httplib::Server::HandlerWithResponse(
        [](const httplib::Request& request, httplib::Response& response) {
          if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          const int status = response.status;
          if (status == 413) {
            reply(response,
                  error_response(make_error(ErrorCode::too_large, "request body is too large")));
          } else if (status == 404) {
            reply(response, error_response(make_error(
                                ErrorCode::not_found,
                                "no such endpoint: " + request.method + " " + request.path)));
          } else {
            reply(response, error_response(make_error(
                                status >= 500 ? ErrorCode::internal : ErrorCode::invalid_argument,
                                "HTTP " + std::to_string(status))));
          }
          response.status = status;
          return httplib::Server::HandlerResponse::Handled;
        }));
    server.set_exception_handler(
        [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
          std::string what = "unknown exception";
          try {
            if (error) std::rethrow_exception(error);
          } catch (const std::exception& exception) {
            what = exception.what();
          } catch (...) {
          }
          spdlog::error("http: {} {} failed: {}", request.method, request.path, what);
          reply(response, error_response(make_error(ErrorCode::internal, what)));
        });
    server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
      spdlog::debug("http: {} {} -> {}", request.method, request.path, response.status);
    });
  }
};

RestServer::RestServer(RestHandlers& handlers, RestServerSettings settings)
    : impl_(std::make_unique<Impl>(handlers, std::move(settings))) {}

RestServer::~RestServer() { stop(); }

Status RestServer::start() {
  const auto& settings = impl_->settings;
  const std::string where = settings.bind_address + ":" + std::to_string(settings.port);
  if (settings.port == 0) {
    impl_->bound_port = impl_->server.bind_to_any_port(settings.bind_address);
  } else if (impl_->server.bind_to_port(settings.bind_address, settings.port)) {
    impl_->bound_port = settings.port;
  } else {
    impl_->bound_port = -1;
  }
  if (impl_->bound_port <= 0) {
    return make_error(ErrorCode::conflict, "cannot listen for HTTP on " + where +
                                               " (port in use, or not an address of this machine)");
  }
  if (!impl_->server.start_front()) {
    return make_error(ErrorCode::internal, "cannot start the HTTP connection lobby (epoll)");
  }
  // The socket listens already: connections wait in the backlog until the
  // serving thread accepts them. httplib's stop() only works once the
  // serving loop runs, so wait for it.
  impl_->serving = std::thread([this] { impl_->server.listen_after_bind(); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!impl_->server.is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ok_status();
}

void RestServer::stop() {
  if (!impl_ || !impl_->serving.joinable()) return;
  impl_->stopping = true;
  impl_->server.stop();
  impl_->serving.join();
  impl_->server.stop_front();
}

std::size_t RestServer::limit_hits(const std::string& limit) const {
  return impl_->server.refusals().count(limit);
}

std::uint16_t RestServer::port() const {
  return impl_->bound_port > 0 ? static_cast<std::uint16_t>(impl_->bound_port) : 0;
}

}  // namespace edgehub::hub
