// The conformance matrix: rows per behaviour, columns per proxy type, worst verdict wins.
#include "report/matrix.hpp"

#include <gtest/gtest.h>

namespace sc {
namespace {

ScenarioReport report(const std::string& name, const std::string& type,
                      const std::string& behaviour, ScenarioVerdict v, long long sticky) {
  ScenarioReport r;
  r.scenario.name = name;
  r.scenario.proxy.type = type;
  r.scenario.behaviour = behaviour;
  r.verdict = v;
  r.metrics.sessions = 100;
  r.metrics.sticky_sessions = sticky;
  return r;
}

TEST(Matrix, RowsPerBehaviourColumnsInProxyOrder) {
  Report rep;
  rep.scenarios.push_back(report("a", "reference", "cookie by proxy", ScenarioVerdict::kPass, 100));
  rep.scenarios.push_back(report("b", "haproxy", "cookie by proxy", ScenarioVerdict::kPass, 100));
  rep.scenarios.push_back(report("c", "apache", "no route", ScenarioVerdict::kFail, 40));
  rep.scenarios.push_back(report("d", "nginx", "no route", ScenarioVerdict::kSkipped, 0));
  rep.scenarios.push_back(report("e", "caddy", "", ScenarioVerdict::kPass, 100));  // no row
  auto m = build_matrix(rep);
  EXPECT_EQ(m.proxies, (std::vector<std::string>{"apache", "haproxy", "nginx", "reference"}));
  EXPECT_EQ(m.behaviours, (std::vector<std::string>{"cookie by proxy", "no route"}));
  EXPECT_FALSE(m.cells[0][0].has_value());
  EXPECT_EQ(m.cells[0][1]->observed, "sticky 100%");
  EXPECT_EQ(m.cells[1][0]->observed, "not sticky (40%)");
  EXPECT_EQ(matrix_markdown(m),
            "| behaviour       | apache                 | haproxy           | nginx   | reference  "
            "       |\n"
            "|-----------------|------------------------|-------------------|---------|------------"
            "-------|\n"
            "| cookie by proxy | -                      | pass: sticky 100% | -       | pass: "
            "sticky 100% |\n"
            "| no route        | FAIL: not sticky (40%) | -                 | skipped | -          "
            "       |\n");
}

TEST(Matrix, TwoScenariosInOneCellKeepTheWorseVerdict) {
  Report rep;
  rep.scenarios.push_back(report("a", "nginx", "x", ScenarioVerdict::kPass, 100));
  rep.scenarios.push_back(report("b", "nginx", "x", ScenarioVerdict::kError, 0));
  auto m = build_matrix(rep);
  ASSERT_TRUE(m.cells[0][0]);
  EXPECT_EQ(m.cells[0][0]->verdict, ScenarioVerdict::kError);
  EXPECT_EQ(m.cells[0][0]->scenario, "a, b");
}

TEST(Matrix, DisturbanceScenariosShowWhatHappenedToTheBoundSessions) {
  auto r = report("k", "apache", "kill", ScenarioVerdict::kPass, 100);
  FiredDisturbance d;
  d.spec.action = DisturbanceAction::kKill;
  r.disturbances.push_back(d);
  FailoverFigures f;
  f.bound_sessions = 40;
  f.sessions_moved = 38;
  f.errors = 3;
  r.failover.push_back(f);
  EXPECT_EQ(observed_summary(r), "moved 38/40, 3 errors");
}

}  // namespace
}  // namespace sc
