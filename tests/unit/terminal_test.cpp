// The terminal summary writes what came from outside (scenario names, server answers quoted in
// explanations and causes, children's logs) without a control character or escape sequence.
#include "report/terminal.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace sc {
namespace {

std::string summary_of(const ScenarioReport& r) {
  char* buf = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&buf, &size);
  print_scenario_summary(out, r, /*color=*/false);
  std::fclose(out);
  std::string text(buf, size);
  std::free(buf);
  return text;
}

TEST(TerminalSummary, StringsFromOutsideCarryNoControlsOrEscapes) {
  const std::string evil =
      "x\x1b]0;owned\x07\x1b[2J\r\x1b[32mPASS\xc2\x9b"
      "1A";
  ScenarioReport r;
  r.verdict = ScenarioVerdict::kError;
  r.scenario.name = evil;
  r.scenario.file = evil;
  r.error = evil + "\n" + evil;
  r.evaluation.checks.push_back({evil, Verdict::kFail, 0, evil, evil});
  r.evaluation.diagnosis.push_back("cause " + evil);
  r.logs.push_back({evil, evil + "\n" + evil});
  const std::string text = summary_of(r);
  for (unsigned char c : text) EXPECT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << int(c);
  EXPECT_NE(text.find("ERROR xPASS  (xPASS;"), std::string::npos) << text;
  EXPECT_NE(text.find("      | xPASS\n      | xPASS\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace sc

namespace sc {
namespace {

TEST(TerminalSummary, StatusesAreShownWhenAnAnswerWasNotA2xx) {
  Metrics m;
  m.statuses = {{200, 8}, {302, 2}};
  m.backends = {{"www1", {8, 4, {{200, 8}}}}};
  m.statuses_without_backend = {{302, 2}};
  EXPECT_EQ(statuses_text(m),
            "answers by status: 200 (8), 302 (2); www1: 200 (8); naming no backend: 302 (2)");
  m.statuses = {{200, 8}};
  EXPECT_EQ(statuses_text(m), "");
}

}  // namespace
}  // namespace sc
