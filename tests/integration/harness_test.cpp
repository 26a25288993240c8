// The test harness's own promises, on which the other integration tests rely: a child's
// output captured apart, its environment adjusted, and nothing left running after a deadline.
#include "harness.hpp"

#include <gtest/gtest.h>

namespace sc::test {
namespace {

using namespace std::chrono_literals;

TEST(Harness, StdoutAndStderrAreCapturedApartAndABareNameUnsetsAVariable) {
  TestProcess p("/bin/sh", {"-c", "echo out; echo err >&2; echo ${CI-unset} ${EXTRA}"},
                {"CI", "EXTRA=added"});
  const auto r = p.wait(10s);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "out\nunset added\n");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Harness, AChildKilledAtTheDeadlineTakesItsProcessGroupAlong) {
  // The shell's own child would outlive it if only the shell were killed.
  TestProcess p("/bin/sh", {"-c", "sleep 60 & echo $!; wait"});
  ASSERT_TRUE(wait_until([&] { return p.output_so_far().find('\n') != std::string::npos; }, 10s));
  const int grandchild = std::stoi(p.output_so_far());
  ASSERT_TRUE(process_exists(grandchild));
  const auto r = p.wait(100ms);
  EXPECT_EQ(r.exit_code, -1);  // killed at the deadline
  EXPECT_TRUE(wait_until([&] { return !process_exists(grandchild); }, 5s)) << grandchild;
}

TEST(Harness, AProgramThatCannotStartIsReportedWithTheReason) {
  TestProcess p("/nonexistent/program", {});
  EXPECT_EQ(p.pid(), -1);
  const auto r = p.wait(10s);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_NE(r.err.find("cannot start /nonexistent/program"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sc::test
