#include "render/html_sections.hpp"

#include <fmt/format.h>

#include "render/html_format.hpp"
#include "render/text_escape.hpp"

namespace sc {

namespace {

std::string verdict_class(Verdict v) {
  return v == Verdict::kPass           ? "pass"
         : v == Verdict::kFail         ? "fail"
         : v == Verdict::kInconclusive ? "inconclusive"
                                       : "na";
}

std::string fact(std::string_view term, std::string_view value) {
  return fmt::format("<dt>{}</dt><dd>{}</dd>", html_escape(term), html_escape(value));
}

std::string joined(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : std::string(sep)) + w;
  return out;
}

}  // namespace

std::string verdict_banner(const ScenarioReport& r) {
  std::size_t failed = 0;
  for (const auto& c : r.evaluation.checks) failed += c.verdict == Verdict::kFail;
  std::string text;
  switch (r.verdict) {
    case ScenarioVerdict::kPass:
      text = fmt::format("PASS: all {} checks held", r.evaluation.checks.size());
      break;
    case ScenarioVerdict::kFail:
      text = fmt::format("FAIL: {} of {} checks failed", failed, r.evaluation.checks.size());
      break;
    case ScenarioVerdict::kError:
      text = "ERROR: the scenario could not run";
      break;
    case ScenarioVerdict::kSkipped:
      text = "SKIPPED: " + r.error;
      break;
    case ScenarioVerdict::kInconclusive:
      text = "INCONCLUSIVE: no check failed, but the evidence cannot decide every one";
      break;
  }
  return fmt::format("<div class=\"banner {}\">{}</div>", to_string(r.verdict), html_escape(text));
}

std::string causes_html(const ScenarioReport& r) {
  bool failed = false;
  for (const auto& c : r.evaluation.checks)
    failed = failed || c.verdict == Verdict::kFail || c.verdict == Verdict::kInconclusive;
  if (!failed || r.evaluation.diagnosis.empty()) return "";
  std::string out = "<div class=\"causes\"><h3>Likely causes</h3><ul>";
  for (const auto& d : r.evaluation.diagnosis) out += "<li>" + html_escape(d) + "</li>";
  return out + "</ul></div>";
}

std::string identity_html(const ScenarioReport& r) {
  if (!r.probe) return "";
  const auto& p = *r.probe;
  std::string out = "<h3>How the backends were told apart</h3><dl class=\"identity\">";
  out += fact("source", p.identified_by);
  out += fact("confidence", p.confidence);
  if (!p.reason.empty()) out += fact("why", p.reason);
  if (!p.loss_signal.empty()) out += fact("losses seen by", p.loss_signal);
  out += "</dl>";
  if (p.facts.empty()) return out;
  out += "<ul class=\"facts\">";
  for (const auto& f : p.facts) out += "<li>" + html_escape(f) + "</li>";
  return out + "</ul>";
}

std::string checks_table(const ScenarioReport& r) {
  if (r.evaluation.checks.empty()) return "";
  std::string out =
      "<div class=\"table-wrap\"><table class=\"checks\"><tr><th>check</th><th>verdict</th>"
      "<th class=\"num\">observed</th><th>threshold</th><th>explanation</th></tr>";
  for (const auto& c : r.evaluation.checks)
    out += fmt::format(
        "<tr class=\"{0}\"><td><code>{1}</code></td><td><span class=\"badge {0}\">{2}</span></td>"
        "<td class=\"num\" data-label=\"observed\">{3}</td><td data-label=\"threshold\">"
        "<code>{4}</code></td><td>{5}</td></tr>",
        verdict_class(c.verdict), html_escape(c.id),
        c.verdict == Verdict::kNotApplicable ? "n/a" : to_string(c.verdict),
        html_escape(check_observed(c)), html_escape(c.expected), html_escape(c.explanation));
  return out + "</table></div>";
}

std::string failure_html(const ScenarioReport& r) {
  std::string out;
  if (r.partial)
    out += fmt::format(
        "<p><strong>Partial:</strong> {}; the checks judge only the requests "
        "that completed</p>",
        html_escape(r.error));
  else if (!r.error.empty() && r.verdict != ScenarioVerdict::kSkipped)
    out += fmt::format("<p><strong>Could not run:</strong> {}</p>", html_escape(r.error));
  for (const auto& l : r.logs) {
    if (l.tail.empty()) continue;
    out += fmt::format("<details><summary>Last output of {}</summary><pre>{}</pre></details>",
                       html_escape(l.name), html_escape(l.tail));
  }
  return out;
}

std::string disturbances_table(const ScenarioReport& r) {
  if (r.disturbances.empty()) return "";
  std::string out =
      "<h3>Disturbances</h3><div class=\"table-wrap\"><table><tr><th>#</th><th>action</th>"
      "<th>at</th><th class=\"num\">fired at</th><th class=\"num\">bound sessions</th>"
      "<th class=\"num\">moved</th><th class=\"num\">recovered</th><th class=\"num\">errors</th>"
      "<th class=\"num\">lost</th><th class=\"num\">recovery p50 / max</th></tr>";
  for (std::size_t i = 0; i < r.disturbances.size(); ++i) {
    const auto& d = r.disturbances[i];
    const FailoverFigures* f = nullptr;
    for (const auto& x : r.failover)
      if (x.disturbance == i) f = &x;
    out += fmt::format("<tr><td>{}</td><td>{} {}</td><td>{}</td><td class=\"num\">{}</td>", i,
                       to_string(d.spec.action), html_escape(d.spec.backend),
                       html_escape(d.spec.at_text),
                       d.at_us < 0 ? "never" : html_escape(format_us(d.at_us)));
    if (f)
      out += fmt::format(
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
          "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{} / {}</td>",
          f->bound_sessions, f->sessions_moved, f->sessions_recovered, f->errors, f->lost,
          html_escape(format_us(f->recovery_p50_us)), html_escape(format_us(f->recovery_max_us)));
    else
      out += "<td colspan=\"6\" class=\"muted\">not a disruptive action</td>";
    if (!d.error.empty()) out += "<td>" + html_escape(d.error) + "</td>";
    out += "</tr>";
  }
  return out + "</table></div>";
}


namespace {

// The answers by HTTP status: overall, per backend, and those that named no backend.
std::string statuses_html(const Metrics& m) {
  if (m.statuses.empty()) return "";
  auto cells = [](const std::vector<std::pair<int, long long>>& st) {
    std::vector<std::string> out;
    for (const auto& [status, count] : st)
      out.push_back(fmt::format("{} ({})", status, format_count(count)));
    return out.empty() ? std::string("none") : joined(out, ", ");
  };
  std::string out =
      "<table class=\"statuses\"><caption>Answers by HTTP status</caption><tr><th>from</th>"
      "<th>statuses (answers)</th></tr>";
  out += fmt::format("<tr><td>all</td><td>{}</td></tr>", cells(m.statuses));
  for (const auto& [name, f] : m.backends)
    out += fmt::format("<tr><td>{}</td><td>{}</td></tr>", html_escape(name), cells(f.statuses));
  if (!m.statuses_without_backend.empty())
    out += fmt::format("<tr><td>naming no backend</td><td>{}</td></tr>",
                       cells(m.statuses_without_backend));
  return out + "</table>";
}

// Per step of traffic.steps: which one broke, and how.
std::string steps_html(const Metrics& m) {
  if (m.steps.empty()) return "";
  std::string out =
      "<table class=\"steps\"><caption>Steps</caption><tr><th>step</th><th class=\"num\">"
      "requests</th><th class=\"num\">errors</th><th class=\"num\">losses</th><th "
      "class=\"num\">moves</th><th>most common error</th></tr>";
  for (const auto& st : m.steps)
    out += fmt::format(
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
        html_escape(st.name), format_count(st.requests), format_count(st.errors),
        format_count(st.session_losses), format_count(st.moves), html_escape(st.top_error));
  out += "</table>";
  if (m.sessions_not_begun > 0)
    out += fmt::format("<p>{} sessions never reached the step they are judged from.</p>",
                       format_count(m.sessions_not_begun));
  return out;
}

}  // namespace

std::string cookies_html(const ScenarioReport& r) {
  std::string out;
  if (r.cookies.empty()) {
    out = "<p class=\"muted\">No cookie observations recorded.</p>";
  } else {
    out =
        "<div class=\"table-wrap\"><table class=\"cookies\"><tr><th>name</th><th>attributes</th>"
        "<th>example values</th><th class=\"num\">set by responses</th><th>identified the "
        "backend</th>"
        "</tr>";
    for (const auto& c : r.cookies) {
      std::vector<std::string> examples;
      for (const auto& e : c.examples) examples.push_back("<code>" + html_escape(e) + "</code>");
      out += fmt::format(
          "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td>"
          "<td class=\"num\">{}</td><td>{}</td></tr>",
          html_escape(c.name), html_escape(c.attributes), joined(examples, ", "),
          format_count(c.responses), c.identified_backend ? "yes" : "no");
    }
    out += "</table></div>";
  }
  const auto& m = r.metrics;
  if (!r.scenario.proxy.sticky_cookie().empty())
    out += fmt::format(
        "<p>Sticky cookie <code>{}</code> as the backends received it: on {} requests, {} "
        "distinct values, {} of them with the route separator; examples: {}.</p>",
        html_escape(r.scenario.proxy.sticky_cookie()), format_count(m.requests_with_sticky_cookie),
        format_count(m.distinct_sticky_values), format_count(m.sticky_values_with_separator),
        m.sticky_value_examples.empty() ? "none"
                                        : html_escape(joined(m.sticky_value_examples, ", ")));
  out += statuses_html(m);
  out += steps_html(m);
  return out;
}

// What lint found in the configuration, before the run: each finding with why and the fix.
std::string lint_html(const std::vector<Finding>& findings) {
  std::string items;
  for (const auto& f : findings)
    items += fmt::format("<li><code>{}</code><br>why: {}<br>fix: {}</li>",
                         html_escape(finding_line(f)), html_escape(f.why), html_escape(f.fix));
  return fmt::format("<details open><summary>What lint found in the configuration ({})</summary>"
                     "<ul>{}</ul></details>",
                     findings.size(), items);
}

std::string what_ran_html(const ScenarioReport& r, const Report& report) {
  const auto& s = r.scenario;
  const auto& t = s.traffic;
  std::string facts = "<dl class=\"facts\">";
  facts += fact("scenario file", s.file);
  facts += fact("proxy", s.proxy.type + (r.proxy_version.empty() ? "" : " " + r.proxy_version));
  if (!s.proxy.stickysession.empty()) facts += fact("stickysession", s.proxy.stickysession);
  if (!r.proxy_config_path.empty()) facts += fact("configuration template", r.proxy_config_path);
  facts +=
      fact("traffic", fmt::format("{} sessions × {} requests, concurrency {}, {} connections, "
                                  "{} source addresses, {} of sessions without cookies, seed {}",
                                  t.sessions, t.requests_per_session, t.concurrency,
                                  t.connection_per_request ? "per-request" : "keep-alive",
                                  t.source_per_session ? "per-session" : "loopback",
                                  format_share(t.cookieless_share), t.seed));
  facts += fact("command line", joined(report.command_line, " "));
  if (!report.merged_from.empty())
    facts += fact("merged from", fmt::format("{} shard reports: {}", report.merged_from.size(),
                                             joined(report.merged_from, ", ")));
  facts += fact("tool", "stickycheck " + report.tool_version);
  facts += fact("run started", report.started_at);
  facts += fact("scenario duration", fmt::format("{:.2f} s", r.duration_s));
  facts += "</dl>";
  if (!r.lint.empty()) facts += lint_html(r.lint);
  if (!r.proxy_config.empty())
    facts += fmt::format(
        "<details><summary>Proxy configuration as rendered</summary><pre>{}</pre>"
        "</details>",
        html_escape(r.proxy_config));
  return facts;
}

}  // namespace sc
