// Records grouped by session in request order, whatever order they were recorded in.
#include "records/session_index.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

RecordSet records_of(const std::vector<std::pair<std::uint32_t, std::uint32_t>>& session_seq) {
  RecordSet set;
  for (const auto& [session, seq] : session_seq) {
    RequestRecord r;
    r.session = session;
    r.seq = seq;
    set.records.push_back(r);
  }
  return set;
}

// "session:seq session:seq ..." per session, in the index's order.
std::string layout(const SessionIndex& index) {
  std::string out;
  for (std::size_t i = 0; i < index.size(); ++i) {
    out += i ? " |" : "|";
    for (const auto& r : index[i])
      out += " " + std::to_string(r.session) + ":" + std::to_string(r.seq);
  }
  return out;
}

TEST(SessionIndex, GroupsRecordsBySessionInRequestOrderWhateverTheRecordedOrder) {
  const auto set = records_of({{2, 1}, {0, 2}, {1, 0}, {0, 0}, {2, 0}, {0, 1}, {1, 1}});
  const SessionIndex index(set.records);
  EXPECT_EQ(layout(index), "| 0:0 0:1 0:2 | 1:0 1:1 | 2:0 2:1");
  EXPECT_EQ(index[0].front().seq, 0u);
  EXPECT_EQ(index[0].back().seq, 2u);
  EXPECT_EQ(index[1].size(), 2u);
}

TEST(SessionIndex, GapsInTheSessionNumbersAreNoSessions) {
  const auto set = records_of({{7, 0}, {3, 0}, {7, 1}, {0, 0}});
  const SessionIndex index(set.records);
  EXPECT_EQ(layout(index), "| 0:0 | 3:0 | 7:0 7:1");
}

TEST(SessionIndex, SparseSessionNumbersAreGroupedWithoutACountPerNumber) {
  const auto set = records_of({{4'000'000'000u, 1}, {5, 0}, {4'000'000'000u, 0}});
  const SessionIndex index(set.records);
  EXPECT_EQ(layout(index), "| 5:0 | 4000000000:0 4000000000:1");
}

TEST(SessionIndex, NoRecordsNoSessions) {
  const RecordSet set;
  EXPECT_EQ(SessionIndex(set.records).size(), 0u);
}

}  // namespace
}  // namespace sc
