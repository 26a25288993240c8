#pragma once
// Renders a proxy's configuration template (fixtures/<proxy>/*.in) for one run: a pure
// function of the text and the run's values, so that every placeholder error is located.
//
//   {{listen_port}} {{listen}} (127.0.0.1:PORT) {{runtime_dir}}
//   a line containing {{each_backend}} is written once per backend, with
//   {{name}} {{route}} {{address}} (127.0.0.1:PORT) {{port}} {{weight}} {{index}} (1-based)
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace sc {

struct TemplateBackend {
  std::string name;
  std::string route;
  std::uint16_t port = 0;
  std::string weight;
};

struct TemplateValues {
  std::uint16_t listen_port = 0;
  std::string runtime_dir;
  std::vector<TemplateBackend> backends;
};

// Errors read "FILE:LINE: unknown placeholder {{x}}; expected one of ...".
Result<std::string> render_config_template(std::string_view text, const std::string& file,
                                           const TemplateValues& values);

}  // namespace sc
