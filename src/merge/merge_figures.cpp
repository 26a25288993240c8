#include "merge/merge_figures.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "cookie/cookie_tally.hpp"

namespace sc {

namespace {

// Status -> count, ascending, added up.
void add_statuses(std::vector<std::pair<int, long long>>& into,
                  const std::vector<std::pair<int, long long>>& more) {
  std::map<int, long long> sum(into.begin(), into.end());
  for (const auto& [status, count] : more) sum[status] += count;
  into.assign(sum.begin(), sum.end());
}

TextCounts add_texts(const std::vector<const TextCounts*>& parts) {
  std::map<std::string, long long> sum;
  for (const auto* p : parts)
    for (const auto& [text, count] : *p) sum[text] += count;
  TextCounts out(sum.begin(), sum.end());
  keep_top_texts(out);
  return out;
}

// Every count that is a sum over sessions or requests.
void add_counts(const Metrics& p, Metrics& m) {
  for (auto [field, from] : std::initializer_list<std::pair<long long Metrics::*, long long>>{
           {&Metrics::sessions, p.sessions},
           {&Metrics::cookieless_sessions, p.cookieless_sessions},
           {&Metrics::cookieless_requests, p.cookieless_requests},
           {&Metrics::left_out_sessions, p.left_out_sessions},
           {&Metrics::left_out_requests, p.left_out_requests},
           {&Metrics::requests, p.requests},
           {&Metrics::errors, p.errors},
           {&Metrics::transport_errors, p.transport_errors},
           {&Metrics::upgrade_failures, p.upgrade_failures},
           {&Metrics::sessions_with_upgrade_failures, p.sessions_with_upgrade_failures},
           {&Metrics::polls_ended, p.polls_ended},
           {&Metrics::server_errors, p.server_errors},
           {&Metrics::step_failures, p.step_failures},
           {&Metrics::unjudged_requests, p.unjudged_requests},
           {&Metrics::sessions_not_begun, p.sessions_not_begun},
           {&Metrics::sticky_sessions, p.sticky_sessions},
           {&Metrics::requests_on_first_backend, p.requests_on_first_backend},
           {&Metrics::session_losses, p.session_losses},
           {&Metrics::session_expiries, p.session_expiries},
           {&Metrics::backend_switches, p.backend_switches},
           {&Metrics::sessions_moved_after_first_only, p.sessions_moved_after_first_only},
           {&Metrics::answers_without_backend, p.answers_without_backend},
           {&Metrics::unsticky_sessions_failed_only, p.unsticky_sessions_failed_only},
           {&Metrics::sessions_over_backends, p.sessions_over_backends},
           {&Metrics::requests_with_sticky_cookie, p.requests_with_sticky_cookie}})
    m.*field += from;
  m.max_session_switches = std::max(m.max_session_switches, p.max_session_switches);
}

void add_backends(const Metrics& p, Metrics& m) {
  for (const auto& entry : p.backends) {
    const auto& [name, f] = entry;
    auto it = std::find_if(m.backends.begin(), m.backends.end(),
                           [&entry](const auto& b) { return b.first == entry.first; });
    if (it == m.backends.end()) {
      m.backends.push_back({name, {}});
      it = m.backends.end() - 1;
    }
    it->second.requests += f.requests;
    it->second.first_requests += f.first_requests;
    add_statuses(it->second.statuses, f.statuses);
  }
}

void merge_steps(const std::vector<const Metrics*>& parts, Metrics& m) {
  m.steps = parts.front()->steps;
  for (std::size_t i = 0; i < m.steps.size(); ++i) {
    auto& s = m.steps[i];
    s.requests = s.errors = s.session_losses = s.moves = 0;
    std::vector<const TextCounts*> texts;
    for (const auto* p : parts) {
      if (i >= p->steps.size()) continue;
      const auto& q = p->steps[i];
      s.requests += q.requests;
      s.errors += q.errors;
      s.session_losses += q.session_losses;
      s.moves += q.moves;
      texts.push_back(&q.error_texts);
    }
    s.error_texts = add_texts(texts);
    s.top_error = s.error_texts.empty() ? "" : s.error_texts.front().first;
  }
}

void merge_texts(const std::vector<const Metrics*>& parts, Metrics& m) {
  std::vector<const TextCounts*> transport, upgrade, poll;
  for (const auto* p : parts) {
    transport.push_back(&p->transport_error_texts);
    upgrade.push_back(&p->upgrade_failure_texts);
    poll.push_back(&p->poll_end_texts);
  }
  m.transport_error_texts = add_texts(transport);
  m.upgrade_failure_texts = add_texts(upgrade);
  m.poll_end_texts = add_texts(poll);
  if (!m.transport_error_texts.empty())
    std::tie(m.top_transport_error, m.top_transport_error_count) = m.transport_error_texts[0];
  if (!m.upgrade_failure_texts.empty()) m.top_upgrade_failure = m.upgrade_failure_texts[0].first;
  if (!m.poll_end_texts.empty()) m.top_poll_end = m.poll_end_texts[0].first;
}

// Exact while every shard listed all its values; otherwise the sums, an upper bound.
void merge_sticky_values(const std::vector<const Metrics*>& parts, char separator, Metrics& m) {
  std::set<std::string> all, examples;
  bool complete = true;
  for (const auto* p : parts) {
    complete =
        complete && static_cast<long long>(p->sticky_values.size()) == p->distinct_sticky_values;
    all.insert(p->sticky_values.begin(), p->sticky_values.end());
    examples.insert(p->sticky_value_examples.begin(), p->sticky_value_examples.end());
    m.distinct_sticky_values += p->distinct_sticky_values;
    m.sticky_values_with_separator += p->sticky_values_with_separator;
  }
  if (complete) {
    m.distinct_sticky_values = static_cast<long long>(all.size());
    m.sticky_values_with_separator = std::count_if(all.begin(), all.end(), [&](const auto& v) {
      return separator == 0 || v.find(separator) != std::string::npos;
    });
    if (all.size() <= kKeptStickyValues) m.sticky_values.assign(all.begin(), all.end());
    examples = all;
  }
  for (const auto& v : examples) {
    if (m.sticky_value_examples.size() == 3) break;
    m.sticky_value_examples.push_back(v);
  }
}

std::vector<std::string> backend_names(const Metrics& m) {
  std::vector<std::string> names;
  for (const auto& b : m.backends) names.push_back(b.first);
  return names;
}

int name_index(const std::vector<std::string>& names, const std::string& name) {
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// A shard's timeline the merge can place: it has buckets, and a start on the wall clock.
bool placeable(const ChartPart& p) {
  return p.charts->timeline.width_us > 0 && !p.charts->timeline.buckets.empty() &&
         p.started_unix_us > 0;
}

Timeline merge_timelines(const std::vector<ChartPart>& parts, std::vector<std::string> names) {
  Timeline t;
  t.backends = std::move(names);
  std::int64_t origin = INT64_MAX, end = 0, widest = 0;
  for (const auto& p : parts)
    if (placeable(p)) origin = std::min(origin, p.started_unix_us);
  if (origin == INT64_MAX) return t;
  for (const auto& p : parts) {
    const auto& pt = p.charts->timeline;
    if (!placeable(p)) continue;
    widest = std::max(widest, pt.width_us);
    end = std::max(end, p.started_unix_us - origin +
                            pt.width_us * static_cast<std::int64_t>(pt.buckets.size()));
  }
  // No finer than the coarsest shard's buckets: each of its buckets lands in one of ours.
  t.width_us =
      timeline_bucket_width(std::max(end, widest * std::int64_t{kMaxTimeBuckets}), kMaxTimeBuckets);
  t.buckets.assign(static_cast<std::size_t>((end + t.width_us - 1) / t.width_us),
                   TimeBucket{std::vector<long long>(t.backends.size(), 0), 0, 0});
  for (const auto& p : parts) {
    const auto& pt = p.charts->timeline;
    if (!placeable(p)) continue;
    for (std::size_t j = 0; j < pt.buckets.size(); ++j) {
      const auto at = p.started_unix_us - origin + pt.width_us * static_cast<std::int64_t>(j);
      auto& b =
          t.buckets[std::min(t.buckets.size() - 1, static_cast<std::size_t>(at / t.width_us))];
      const auto& from = pt.buckets[j];
      for (std::size_t k = 0; k < from.per_backend.size() && k < pt.backends.size(); ++k)
        if (const int i = name_index(t.backends, pt.backends[k]); i >= 0)
          b.per_backend[static_cast<std::size_t>(i)] += from.per_backend[k];
      b.errors += from.errors;
      b.unidentified += from.unidentified;
    }
  }
  return t;
}

bool anomalous(const SampledSession& s) {
  for (std::size_t k = 0; k < s.cells.size(); ++k)
    if (s.cells[k].lost || s.cells[k].error ||
        (k > 0 && s.cells[k].backend != s.cells[k - 1].backend))
      return true;
  return false;
}

// The shards' sampled sessions, chosen again by the same rule (up to half the rows for
// sessions with a switch, loss or error, the rest evenly spaced); all when they fit.
SessionSample merge_samples(const std::vector<ChartPart>& parts, std::vector<std::string> names) {
  SessionSample s;
  s.backends = std::move(names);
  std::vector<SampledSession> all;
  for (const auto& p : parts) {
    const auto& ps = p.charts->sample;
    s.total_sessions += ps.total_sessions;
    s.anomalous_sessions += ps.anomalous_sessions;
    s.max_sessions = std::max(s.max_sessions, ps.max_sessions);
    s.max_requests = std::max(s.max_requests, ps.max_requests);
    for (auto row : ps.sessions) {
      for (auto& c : row.cells)
        if (c.backend >= 0)
          c.backend = static_cast<std::size_t>(c.backend) < ps.backends.size()
                          ? name_index(s.backends, ps.backends[static_cast<std::size_t>(c.backend)])
                          : -1;
      all.push_back(std::move(row));
    }
  }
  std::sort(all.begin(), all.end(),
            [](const auto& a, const auto& b) { return a.session < b.session; });
  if (all.size() <= s.max_sessions || s.max_sessions == 0) {
    s.sessions = std::move(all);
    s.selection = static_cast<long long>(s.sessions.size()) == s.total_sessions
                      ? "every session"
                      : "the shards' samples, every row of them";
    return s;
  }
  std::vector<bool> taken(all.size(), false);
  std::size_t room = s.max_sessions / 2;
  for (std::size_t i = 0; i < all.size() && room > 0; ++i)
    if (anomalous(all[i])) taken[i] = true, --room;
  std::vector<std::size_t> rest;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (!taken[i]) rest.push_back(i);
  const std::size_t left =
      s.max_sessions - static_cast<std::size_t>(std::count(taken.begin(), taken.end(), true));
  for (std::size_t k = 0; k < left && !rest.empty(); ++k)
    taken[rest[k * rest.size() / left]] = true;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (taken[i]) s.sessions.push_back(std::move(all[i]));
  s.selection =
      "from the shards' samples: the first sessions with a backend switch, a session loss or an "
      "error (up to half the rows), the others evenly spaced";
  return s;
}

LatencyHistogram merge_latency(const std::vector<ChartPart>& parts, const Metrics& merged) {
  LatencyHistogram h;
  for (const auto& p : parts) {
    const auto& ph = p.charts->latency;
    if (h.upper_us.empty()) {
      h.upper_us = ph.upper_us;
      h.counts.assign(ph.counts.size(), 0);
    }
    for (std::size_t i = 0; i < ph.counts.size() && i < h.counts.size(); ++i)
      h.counts[i] += ph.counts[i];
    h.requests += ph.requests;
    h.max_us = std::max(h.max_us, ph.max_us);
  }
  h.p50_us = merged.latency.percentile(0.50);
  h.p90_us = merged.latency.percentile(0.90);
  h.p99_us = merged.latency.percentile(0.99);
  return h;
}

}  // namespace

Metrics merge_metrics(const std::vector<const Metrics*>& parts, char separator) {
  Metrics m;
  if (parts.empty()) return m;
  for (const auto* p : parts) {
    add_counts(*p, m);
    add_backends(*p, m);
    add_statuses(m.statuses, p->statuses);
    add_statuses(m.statuses_without_backend, p->statuses_without_backend);
    m.latency.merge(p->latency);
  }
  merge_steps(parts, m);
  merge_texts(parts, m);
  merge_sticky_values(parts, separator, m);
  m.latency_p50_us = m.latency.percentile(0.50);
  m.latency_p99_us = m.latency.percentile(0.99);
  return m;
}

ChartFigures merge_charts(const std::vector<ChartPart>& parts, const Metrics& merged,
                          const std::vector<double>& weights) {
  ChartFigures c;
  c.timeline = merge_timelines(parts, backend_names(merged));
  c.sample = merge_samples(parts, backend_names(merged));
  c.latency = merge_latency(parts, merged);
  c.spread = compute_spread(merged, weights);
  return c;
}

std::vector<CookieObservation> merge_cookies(
    const std::vector<const std::vector<CookieObservation>*>& parts) {
  std::vector<CookieObservation> out;
  for (const auto* p : parts)
    for (const auto& c : *p) {
      auto it =
          std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.name == c.name; });
      if (it == out.end()) {
        out.push_back(c);
        continue;
      }
      it->responses += c.responses;
      it->identified_backend = it->identified_backend || c.identified_backend;
      for (const auto& v : c.examples)
        if (it->examples.size() < CookieTally::kMaxExamples &&
            std::find(it->examples.begin(), it->examples.end(), v) == it->examples.end())
          it->examples.push_back(v);
    }
  return out;
}

RunEvidence merge_evidence(const std::vector<const RunEvidence*>& parts) {
  if (parts.empty()) return {};
  RunEvidence e = *parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto& p = *parts[i];
    for (const auto& line : p.set_cookies) {
      const auto name = line.substr(0, line.find('='));
      if (std::none_of(e.set_cookies.begin(), e.set_cookies.end(),
                       [&](const auto& l) { return l.substr(0, l.find('=')) == name; }))
        e.set_cookies.push_back(line);
    }
    e.cookies_captured = e.cookies_captured || p.cookies_captured;
    e.proxy_log.insert(e.proxy_log.end(), p.proxy_log.begin(), p.proxy_log.end());
    if (e.redirect_example.empty()) e.redirect_example = p.redirect_example;
  }
  return e;
}

std::vector<std::string> merge_distinct(const std::vector<const std::vector<std::string>*>& parts) {
  std::vector<std::string> out;
  for (const auto* p : parts)
    for (const auto& text : *p)
      if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
  return out;
}

}  // namespace sc
