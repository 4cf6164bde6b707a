#include "api/command_routes.h"

#include <memory>
#include <optional>
#include <string>

#include "api/command_handlers.h"
#include "commands/command_id.h"
#include "commands/fleet_jobs.h"

namespace edgehub::hub {
namespace {

std::optional<std::string> parameter(const httplib::Request& request, const char* name) {
  if (!request.has_param(name)) return std::nullopt;
  return request.get_param_value(name);
}

std::optional<std::string_view> view(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return std::string_view(*text);
}

}  // namespace

void route_commands(ApiRouter& router, CommandDispatcher& commands,
                    const DeviceRegistry& registry) {
  auto jobs = std::make_shared<FleetJobs>(registry, commands,
                                          [] { return "j-" + random_command_id().substr(2); });
  router.post("/api/v1/jobs", [jobs](const httplib::Request& request, httplib::Response& response) {
    reply(response, command_api::create_job(*jobs, request.body));
  });
  router.get(R"(/api/v1/jobs/([^/]+))",
             [jobs](const httplib::Request& request, httplib::Response& response) {
               reply(response, command_api::job_progress(*jobs, request.matches[1].str()));
             });
  router.get("/api/v1/commands", [&commands](const httplib::Request& request,
                                             httplib::Response& response) {
    const auto device = parameter(request, "device");
    const auto state = parameter(request, "state");
    const auto job = parameter(request, "job");
    const auto limit = parameter(request, "limit");
    reply(response, command_api::list(commands, view(device), view(state), view(job), view(limit)));
  });
  router.get(R"(/api/v1/commands/([^/]+))",
             [&commands](const httplib::Request& request, httplib::Response& response) {
               reply(response, command_api::show(commands, request.matches[1].str()));
             });
  router.post(R"(/api/v1/commands/([^/]+)/cancel)",
              [&commands](const httplib::Request& request, httplib::Response& response) {
                reply(response, command_api::cancel(commands, request.matches[1].str()));
              });
}

}  // namespace edgehub::hub
