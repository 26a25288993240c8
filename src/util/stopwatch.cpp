#include "util/stopwatch.hpp"

#include <sys/resource.h>

namespace sc {

long long peak_rss_bytes() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<long long>(usage.ru_maxrss) * 1024;  // Linux counts KiB
}

}  // namespace sc
