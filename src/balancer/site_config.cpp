#include "balancer/site_config.hpp"

namespace sc {

SiteConfig single_balancer_site(BalancerConfig balancer, std::string listen) {
  SiteConfig site;
  site.listen = std::move(listen);
  site.balancers.push_back(std::move(balancer));
  site.routes.push_back(ProxyRoute{"/", 0, "/"});
  return site;
}

ManagerConfig local_manager(std::string path) {
  return ManagerConfig{std::move(path), {AccessRule{AccessRule::Kind::kLocal, {}}}};
}

}  // namespace sc
