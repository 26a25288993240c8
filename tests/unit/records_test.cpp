// The run's string table: one id per distinct string, 0 for the empty one and the unknown.
#include "driver/records.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

TEST(StringTable, InternOnceFindWithoutAdding) {
  StringTable t;
  const auto www1 = t.intern("www1");
  EXPECT_EQ(t.intern("www1"), www1);
  EXPECT_EQ(t.intern(""), StringTable::kNone);
  EXPECT_EQ(t.find("www1"), www1);
  EXPECT_EQ(t.find("www2"), StringTable::kNone);
  EXPECT_EQ(t.size(), 2u);  // the find added nothing
}

// Issue 14 measures bytes per request: a new flag must use the record's padding.
TEST(RequestRecord, StaysFortyBytes) { EXPECT_LE(sizeof(RequestRecord), 40u); }

}  // namespace
}  // namespace sc
