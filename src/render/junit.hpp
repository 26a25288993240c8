#pragma once
// JUnit XML (the Jenkins/Ant flavour that Jenkins, GitLab, GitHub test-report actions and
// Azure DevOps read): one testsuite per scenario, one testcase per check.
#include <string>

#include "report/report.hpp"

namespace sc {

std::string render_junit(const Report& report);

}  // namespace sc
