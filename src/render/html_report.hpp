#pragma once
// The self-contained HTML report: one file, no script, no network, every figure from the model.
#include <string>

#include "report/report.hpp"

namespace sc {

std::string render_html(const Report& report);

}  // namespace sc
