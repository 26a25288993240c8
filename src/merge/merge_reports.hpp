#pragma once
// `stickycheck merge`: the reports of a test's shards (--shard I/N) joined into the report one
// run of all their sessions would have written. The figures add up (merge_figures.hpp); the
// spread test, the checks, the causes and the verdict are computed again from them. Refuses,
// naming the files: reports of different tests, a duplicate or missing shard, a schema
// version without what a merge needs.
#include <string>
#include <vector>

#include "report/report.hpp"
#include "util/result.hpp"

namespace sc {

struct ShardFile {
  std::string path;  // as given, for the refusals
  Report report;
};

// `expected_shards`: the N the caller knows (--shards); 0 takes it from the reports.
Result<Report> merge_shard_reports(const std::vector<ShardFile>& files, int expected_shards = 0);

}  // namespace sc
