#include "api/rest_server.h"

#include <fcntl.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>

#include "api/api_router.h"
#include "api/command_routes.h"
#include "api/console_routes.h"
#include "api/export_routes.h"
#include "api/guarded_http_server.h"
#include "api/identity_routes.h"
#include "api/json_views.h"
#include "api/metrics_route.h"
#include "api/openapi_document.h"
#include "api/operator_routes.h"
#include "api/stream_routes.h"
#include "api/twin_routes.h"
#include "api/whoami_view.h"

namespace edgehub::hub {
namespace {

ApiResponse forbidden_response(const OperatorIdentity& caller, Role required) {
  const nlohmann::ordered_json body = {
      {"error",
       {{"code", "forbidden"},
        {"message", "operator '" + caller.name + "' has role " +
                        std::string(role_name(caller.role)) + "; this needs role " +
                        std::string(role_name(required))}}},
      {"required_role", std::string(role_name(required))}};
  return ApiResponse{403,
                     body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
}

// What a route's path names: its captured segments, joined by '/'.
std::string route_target(const httplib::Request& request) {
  std::string target;
  for (std::size_t i = 1; i < request.matches.size(); ++i) {
    if (!target.empty()) target += "/";
    target += request.matches[i].str();
  }
  return target;
}

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct RestServer::Impl {
  std::atomic<bool> stopping{false};  // ends event streams (see stream_routes.cpp)
  RestHandlers& handlers;
  RestServerSettings settings;
  std::shared_ptr<TlsServerContext> tls;
  GuardedHttpServer server;
  std::vector<RouteRole> routes;
  std::thread serving;
  int bound_port = 0;

  std::optional<OperatorIdentity> caller(const httplib::Request& request) const {
    const std::string header = request.get_header_value("Authorization");
    const auto token = bearer_token(header);
    if (!token) return std::nullopt;
    return settings.authenticate(*token);
  }

  // Every route's request: the role check, the handler, the audit record.
  void around(const RouteRole& route, const httplib::Request& request, httplib::Response& response,
              const ApiRouter::Handler& handler) {
    if (route.required == Role::none) return handler(request, response);
    const auto who = caller(request);
    if (!who) return reply(response, unauthorized_response());  // revoked since admission
    const bool audited = settings.audit && is_audited_method(request.method);
    auto record = [&](int status) {
      if (!audited) return;
      settings.audit(AuditEntry{who->name, who->role, request.method, request.path,
                                route_template(route.pattern), route_target(request), status,
                                wall_clock_ms()});
    };
    if (!role_allows(who->role, route.required)) {
      reply(response, forbidden_response(*who, route.required));
      return record(response.status);
    }
    try {
      handler(request, response);
    } catch (...) {
      record(500);  // the exception handler answers 500
      throw;
    }
    record(response.status);
  }

  static std::shared_ptr<TlsServerContext> tls_context(const RestServerSettings& settings) {
    if (settings.tls_certificate_file.empty() && settings.tls_key_file.empty()) return nullptr;
    return std::make_shared<TlsServerContext>(settings.tls_certificate_file, settings.tls_key_file);
  }

  static GuardSettings guard_settings(const RestServerSettings& settings,
                                      std::shared_ptr<TlsServerContext> tls) {
    GuardSettings guard;
    guard.tls = std::move(tls);
    guard.lobby.max_head_bytes = settings.max_head_bytes;
    guard.lobby.head_timeout = settings.head_timeout;
    guard.lobby.idle_timeout = settings.keep_alive_idle_timeout;
    guard.lobby.max_connections = settings.max_connections;
    guard.lobby.max_unauthenticated = settings.max_unauthenticated_connections;
    guard.lobby.keep_alive_requests = settings.keep_alive_requests;
    guard.admission.accepts_token = [authenticate = settings.authenticate](std::string_view token) {
      return authenticate(token).has_value();
    };
    guard.admission.max_body_bytes = settings.max_body_bytes;
    guard.worker_threads = settings.worker_threads;
    guard.body_timeout = settings.body_timeout;
    guard.write_timeout = settings.write_timeout;
    return guard;
  }

  static RestServerSettings with_authentication(RestServerSettings settings) {
    if (!settings.authenticate) {
      settings.authenticate = [token = settings.api_token](std::string_view presented) {
        return bearer_token_matches("Bearer " + std::string(presented), token)
                   ? std::optional<OperatorIdentity>(OperatorIdentity{"admin", Role::admin})
                   : std::nullopt;
      };
    }
    return settings;
  }

  Impl(RestHandlers& rest_handlers, RestServerSettings rest_settings)
      : handlers(rest_handlers),
        settings(with_authentication(std::move(rest_settings))),
        tls(tls_context(settings)),
        server(guard_settings(settings, tls)) {
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
          if (is_open_request(request.method, request.path)) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          if (caller(request)) return httplib::Server::HandlerResponse::Unhandled;
          reply(response, unauthorized_response());
          return httplib::Server::HandlerResponse::Handled;
        }));

    ApiRouter router(
        server,
        [this](const RouteRole& route, const httplib::Request& request, httplib::Response& response,
               const ApiRouter::Handler& handler) { around(route, request, response, handler); });
    router.get(kHealthPath, [this](const httplib::Request&, httplib::Response& response) {
      reply(response, handlers.health());
    });
    router.get("/api/v1/whoami",
               [this](const httplib::Request& request, httplib::Response& response) {
                 const auto who = caller(request);
                 if (!who) return reply(response, unauthorized_response());
                 reply(response, whoami_response(*who));
               });
    router.get(kOpenApiPath, [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(openapi_document()), "application/json");
    });
    router.get(
        "/api/v1/devices", [this](const httplib::Request& request, httplib::Response& response) {
          const auto limit = query_parameter(request, "limit");
          const auto after = query_parameter(request, "after");
          const auto state = query_parameter(request, "state");
          reply(response, handlers.list_devices(as_view(limit), as_view(after), as_view(state)));
        });
    router.post("/api/v1/devices",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.add_device(request.body));
                });
    router.get(R"(/api/v1/devices/([^/]+))",
               [this](const httplib::Request& request, httplib::Response& response) {
                 reply(response, handlers.get_device(request.matches[1].str()));
               });
    router.del(R"(/api/v1/devices/([^/]+))",
               [this](const httplib::Request& request, httplib::Response& response) {
                 reply(response, handlers.delete_device(request.matches[1].str()));
               });
    router.post(R"(/api/v1/devices/([^/]+)/commands)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.send_command(request.matches[1].str(), request.body));
                });
    route_streams(router, handlers.streams(), stopping);
    route_commands(router, handlers.commands(), handlers.registry());
    route_twins(router, [this] { return handlers.twins(); });
    route_identities(router, [this] { return handlers.identities(); });
    route_operators(router, [this] { return handlers.operators(); });
    route_metrics(router, [this] { return handlers.metrics(); });
    route_exports(router, [this] { return handlers.exports(); });

    router.get("/api/v1/routes", [this](const httplib::Request&, httplib::Response& response) {
      reply(response, handlers.list_routes());
    });
    router.post("/api/v1/routes",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.add_route(request.body));
                });
    router.post("/api/v1/routes/test",
                [this](const httplib::Request& request, httplib::Response& response) {
                  reply(response, handlers.test_route(request.body));
                });
    router.del(R"(/api/v1/routes/([^/]+))",
               [this](const httplib::Request& request, httplib::Response& response) {
                 reply(response, handlers.delete_route(request.matches[1].str()));
               });
    route_console(server);
    check_every_route_role_registered(router.registered());
    for (const RouteRole* route : router.registered()) routes.push_back(*route);

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
    return make_error(ErrorCode::conflict, "cannot listen for HTTP(S) on " + where +
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

Status RestServer::reload_certificate() {
  if (!impl_->tls) return ok_status();
  return impl_->tls->reload();
}

bool RestServer::serves_https() const { return impl_->tls != nullptr; }

std::vector<RouteRole> RestServer::routes() const { return impl_->routes; }

std::uint16_t RestServer::port() const {
  return impl_->bound_port > 0 ? static_cast<std::uint16_t>(impl_->bound_port) : 0;
}

}  // namespace edgehub::hub
