#pragma once
// How numbers read in the HTML report (formatting only: the figures come from the model).
#include <cstdint>
#include <string>

#include "checks/checks.hpp"

namespace sc {

std::string format_us(std::int64_t us);            // "850 µs", "1.2 ms", "3.40 s"
std::string format_share(double share);            // "99.5%"
std::string format_count(long long n);             // "1 000 000" (thin spaces)
std::string check_observed(const CheckResult& c);  // as the terminal shows it

}  // namespace sc
