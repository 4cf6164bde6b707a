// HttpTransport that records requests and plays back canned answers.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "hubctl/http_transport.h"

namespace edgehub::hubctl::testing {

class FakeTransport final : public HttpTransport {
 public:
  std::vector<HttpRequest> requests;
  std::deque<TransportResult> answers;  // one per request; "unreachable" when empty

  void answer(int status, std::string body) {
    answers.push_back(HttpResponse{status, std::move(body)});
  }
  void unreachable(std::string reason) { answers.push_back(TransportFailure{std::move(reason)}); }

  TransportResult send(const HttpRequest& request) override {
    requests.push_back(request);
    if (answers.empty()) return TransportFailure{"connection refused or host unreachable"};
    TransportResult next = std::move(answers.front());
    answers.pop_front();
    return next;
  }
};

}  // namespace edgehub::hubctl::testing
