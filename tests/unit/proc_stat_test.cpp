#include "process/proc_stat.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sc {
namespace {

TEST(ProcStat, FieldsAfterACommandNameWithSpacesAndParentheses) {
  const auto st = parse_proc_stat(
      "4242 (nginx: worker) (x)) S 4241 4240 4240 0 -1 4194624 95 0 0 0 0 0 0 0 20 0 1 0 "
      "123456 10395648 317 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0");
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 4241);
  EXPECT_EQ(st->pgrp, 4240);
  EXPECT_EQ(st->start_ticks, 123456u);
}

TEST(ProcStat, TruncatedTextIsRejected) {
  EXPECT_FALSE(parse_proc_stat("4242 (sh) S 1 4242").has_value());
}

TEST(ProcStat, ThisProcessIsAMemberOfItsGroup) {
  const auto self = read_proc_stat(::getpid());
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(self->pgrp, ::getpgrp());
  bool found = false;
  for (const auto& m : group_members(::getpgrp())) found = found || m.pid == ::getpid();
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace sc
