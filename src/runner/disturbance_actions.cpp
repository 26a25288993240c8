#include "runner/disturbance_actions.hpp"

#include <fmt/format.h>
#include <signal.h>

#include "balancer/manager.hpp"
#include "driver/http_client.hpp"

namespace sc {

const PlannedChild* ProcessDisturbances::planned(const std::string& backend) const {
  for (std::size_t i = 0; i < scenario_.backends.size(); ++i)
    if (scenario_.backends[i].options.name == backend) return &plan_.backends.at(i);
  return nullptr;
}

// A POST to the balancer-manager; the member is named by its address.
Status ProcessDisturbances::manager(const PlannedChild& backend, const std::string& query) {
  const std::string url = fmt::format("{}{}?w=http://127.0.0.1:{}&{}", plan_.proxy_url,
                                      kManagerPath, backend.port, query);
  ClientOptions o;
  o.timeout = std::chrono::milliseconds(2000);
  auto answer = http_call("POST", url, o);
  if (!answer) return Error{"balancer-manager " + answer.error().message};
  if (answer->status != 200)
    return Error{
        fmt::format("balancer-manager answered {} to {}: {}", answer->status, url, answer->body)};
  return ok_status();
}

Status ProcessDisturbances::apply(const DisturbanceSpec& d) {
  const PlannedChild* child = planned(d.backend);
  if (!child) return Error{fmt::format("no backend is named '{}'", d.backend)};
  const std::string& name = child->spec.name;
  switch (d.action) {
    case DisturbanceAction::kKill:
      return sup_.kill(name);
    case DisturbanceAction::kStop:
      return sup_.signal(name, SIGSTOP);
    case DisturbanceAction::kResume:
      return sup_.signal(name, SIGCONT);
    case DisturbanceAction::kRestart:
      return sup_.restart(name);
    case DisturbanceAction::kAdd:
      if (sup_.is_running(name)) return Error{fmt::format("{} is already running", name)};
      return sup_.start(child->spec);
    case DisturbanceAction::kDrain:
      return manager(*child, "set=N");
    case DisturbanceAction::kDisable:
      return manager(*child, "set=D");
    case DisturbanceAction::kEnable:
      return manager(*child, "clear=DN");
  }
  return Error{"unknown disturbance"};
}

}  // namespace sc
