#include "api/command_routes.h"

#include <memory>
#include <optional>
#include <string>

#include "api/command_handlers.h"
#include "commands/command_id.h"
#include "commands/fleet_jobs.h"

namespace edgehub::hub {

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
  router.get("/api/v1/commands",
             [&commands](const httplib::Request& request, httplib::Response& response) {
               const auto device = query_parameter(request, "device");
               const auto state = query_parameter(request, "state");
               const auto job = query_parameter(request, "job");
               const auto limit = query_parameter(request, "limit");
               reply(response, command_api::list(commands, as_view(device), as_view(state),
                                                 as_view(job), as_view(limit)));
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
