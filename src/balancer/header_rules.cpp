#include "balancer/header_rules.hpp"

namespace sc {

const std::string_view* find_env(const EnvVars& env, std::string_view name) {
  for (const auto& [key, value] : env)
    if (key == name) return &value;
  return nullptr;
}

std::string expand_header_value(const std::string& v, const EnvVars& env) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '%' && i + 1 < v.size() && v[i + 1] == '%') {
      out.push_back('%');
      ++i;
    } else if (v.compare(i, 2, "%{") == 0) {
      auto close = v.find('}', i);
      if (close != std::string::npos && close + 1 < v.size() && v[close + 1] == 'e') {
        const auto* value = find_env(env, std::string_view(v).substr(i + 2, close - i - 2));
        out += value ? *value : std::string_view("(null)");
        i = close + 1;
      } else {
        out.push_back(v[i]);
      }
    } else {
      out.push_back(v[i]);
    }
  }
  return out;
}

void apply_header_rules(const std::vector<HeaderRule>& rules, const EnvVars& env,
                        net::Response& res) {
  for (const auto& r : rules) {
    if (!r.env.empty()) {
      const bool set = find_env(env, r.env) != nullptr;
      if (set == r.env_negated) continue;
    }
    std::string value = expand_header_value(r.value, env);
    switch (r.action) {
      case HeaderRule::Action::kAdd:
        res.insert(r.name, value);
        break;
      case HeaderRule::Action::kSet:
        res.set(r.name, value);
        break;
      case HeaderRule::Action::kAppend:
      case HeaderRule::Action::kMerge: {
        auto it = res.find(r.name);
        if (it == res.end()) {
          res.set(r.name, value);
        } else {
          std::string current(it->value());
          if (r.action == HeaderRule::Action::kMerge && current.find(value) != std::string::npos)
            break;
          res.set(r.name, current + ", " + value);
        }
        break;
      }
      case HeaderRule::Action::kUnset:
        res.erase(r.name);
        break;
    }
  }
}

}  // namespace sc
