#pragma once
// The parts of one scenario's section of the HTML report.
#include <string>

#include "report/report.hpp"

namespace sc {

std::string verdict_banner(const ScenarioReport& r);
std::string causes_html(const ScenarioReport& r);  // empty unless a check failed
std::string checks_table(const ScenarioReport& r);
std::string identity_html(const ScenarioReport& r);  // a probe's: how backends were told apart
std::string failure_html(const ScenarioReport& r);  // why it could not run, child logs
std::string disturbances_table(const ScenarioReport& r);
std::string cookies_html(const ScenarioReport& r);
std::string what_ran_html(const ScenarioReport& r, const Report& report);

}  // namespace sc
