#include "runner/disturbance_actions.hpp"

#include <fmt/format.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "balancer/manager.hpp"
#include "driver/http_client.hpp"

namespace sc {

const PlannedChild* ProcessDisturbances::planned(const std::string& backend) const {
  for (std::size_t i = 0; i < scenario_.backends.size(); ++i)
    if (scenario_.backends[i].options.name == backend) return &plan_.backends.at(i);
  return nullptr;
}

namespace {

struct ManagedBalancer {
  std::string name, nonce;
};

// The balancer holding `member` and its nonce, from the manager's state (as an operator reads
// them from httpd's manager page before changing a member).
Result<ManagedBalancer> balancer_of(const std::string& manager_url, const std::string& member,
                                    const ClientOptions& o) {
  auto page = http_call("GET", manager_url, o);
  if (!page) return Error{"balancer-manager " + page.error().message};
  auto state = nlohmann::json::parse(page->body, nullptr, /*allow_exceptions=*/false);
  if (page->status != 200 || !state.is_object())
    return Error{fmt::format("balancer-manager answered {} to GET {}: {}", page->status,
                             manager_url, page->body)};
  for (const auto& b : state["balancers"])
    for (const auto& m : b["members"])
      if (m.value("url", "") == member)
        return ManagedBalancer{b.value("name", ""), b.value("nonce", "")};
  return Error{fmt::format("the balancer-manager at {} has no member {}", manager_url, member)};
}

}  // namespace

// A POST to the balancer-manager with the balancer's nonce; the member is named by its address.
Status ProcessDisturbances::manager(const PlannedChild& backend, const std::string& query) {
  const std::string manager_url = plan_.proxy_url + std::string(kManagerPath);
  const std::string member = fmt::format("http://127.0.0.1:{}", backend.port);
  ClientOptions o;
  o.timeout = std::chrono::milliseconds(2000);
  auto balancer = balancer_of(manager_url, member, o);
  if (!balancer) return balancer.error();
  const std::string url = fmt::format("{}?b={}&w={}&nonce={}&{}", manager_url,
                                      balancer->name.substr(balancer->name.find("//") + 2), member,
                                      balancer->nonce, query);
  o.headers.push_back("Referer: " + manager_url);  // the manager refuses cross-origin changes
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
