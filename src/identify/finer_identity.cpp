#include "identify/finer_identity.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace sc::identify {
namespace {

// A list in a sentence stays readable: past this many values, the rest are counted.
constexpr std::size_t kListedValues = 8;

// "a, b, c" or "a, b, ... and 4 more".
std::string finer_listed(const std::vector<std::string>& items) {
  if (items.size() <= kListedValues) return fmt::format("{}", fmt::join(items, ", "));
  std::vector<std::string> head(items.begin(), items.begin() + kListedValues);
  return fmt::format("{} and {} more", fmt::join(head, ", "), items.size() - kListedValues);
}

// "a", "a and b", "a, b and c": the groups of a sentence, each already listed.
std::string finer_and_joined(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items.front();
  if (items.size() > kListedValues) return finer_listed(items);
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return fmt::format("{} and {}", finer_listed(head), items.back());
}

// How a source is named in a sentence: a cookie or header by its name, a JSON field as one.
std::string spoken_name(const AutoIdentification& source) {
  return source.kind == AutoSourceKind::json_field
             ? fmt::format("the JSON field \"{}\"", source.name)
             : source.name;
}

// "SERVERID kept 12 sessions on svc1 and svc2, but X-Backend shows they were spread over
// pod1a, pod1b (svc1) and pod2a, pod2b (svc2): ...".
std::string finer_fact_text(const AutoIdentification& coarse, const AutoIdentification& finer,
                            const FinerSplit& split) {
  std::vector<std::string> kept(split.kept_on.begin(), split.kept_on.end());
  std::vector<std::string> groups;
  for (const auto& value : kept) {
    const auto& inside = split.members.at(value);
    groups.push_back(fmt::format(
        "{} ({})", finer_listed(std::vector<std::string>(inside.begin(), inside.end())), value));
  }
  return fmt::format(
      "{} kept {} sessions on {}, but {} shows they were spread over {}: the layer behind the "
      "balancer does not stick, so affinity is judged on {}.",
      coarse.name, split.split_sessions, finer_and_joined(kept), spoken_name(finer),
      finer_and_joined(groups), spoken_name(finer));
}

Confidence lower_confidence(Confidence a, Confidence b) {
  return static_cast<int>(a) < static_cast<int>(b) ? a : b;
}

}  // namespace

std::optional<FinerSplit> finer_split(const Identities& chosen, const Identities& finer) {
  FinerSplit split;
  for (std::size_t s = 0; s < std::min(chosen.size(), finer.size()); ++s) {
    std::set<std::string> coarse_values, finer_values;
    for (std::size_t e = 0; e < std::min(chosen[s].size(), finer[s].size()); ++e) {
      if (!chosen[s][e] || !finer[s][e]) continue;  // compared only where both name one
      coarse_values.insert(*chosen[s][e]);
      finer_values.insert(*finer[s][e]);
      split.members[*chosen[s][e]].insert(*finer[s][e]);
    }
    if (coarse_values.size() != 1 || finer_values.size() < 2) continue;
    split.split_sessions++;
    split.kept_on.insert(*coarse_values.begin());
  }
  if (split.split_sessions == 0) return std::nullopt;
  std::map<std::string, std::string> within;  // finer value -> the chosen value it met
  for (const auto& [value, inside] : split.members)
    for (const auto& f : inside)
      if (!within.emplace(f, value).second) return std::nullopt;  // it crosses chosen values
  return split;
}

void prefer_finer_source(AutoIdentification& out, std::vector<AutoIdentification> others) {
  if (out.kind == AutoSourceKind::none) return;
  std::optional<FinerSplit> best;
  std::size_t at = 0;
  for (std::size_t i = 0; i < others.size(); ++i) {
    auto split = finer_split(out.identities, others[i].identities);
    // Ties keep the earlier source: the order given is the order of preference.
    if (split && (!best || split->split_sessions > best->split_sessions)) best = split, at = i;
  }
  if (!best) return;
  AutoIdentification finer = std::move(others[at]);
  finer.facts = std::move(out.facts);
  finer.facts.push_back(
      {AutoFactKind::finer_source, finer.name, finer_fact_text(out, finer, *best)});
  finer.reason = fmt::format(
      "{} {} It took several values within {} sessions that {} kept on one member, so it names "
      "the backends, and {}'s values the groups they form.",
      out.reason, finer.reason, best->split_sessions, out.name, out.name);
  finer.source = fmt::format("{} within {}", finer.source, out.source);
  finer.confidence = lower_confidence(out.confidence, finer.confidence);
  finer.within = CoarserSource{out.kind, out.name, out.source};
  out = std::move(finer);
}

}  // namespace sc::identify
