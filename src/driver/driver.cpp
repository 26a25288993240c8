#include "driver/driver.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>

namespace sc {

namespace {

constexpr std::string_view kBackendHeader = "x-stickycheck-backend:";

// libcurl's global set-up, once per process.
bool curl_ready() {
  static const CURLcode global_init = curl_global_init(CURL_GLOBAL_DEFAULT);
  return global_init == CURLE_OK;
}

struct Session {
  CURL* easy = nullptr;
  std::uint32_t index = 0;
  std::uint32_t next_seq = 0;
  bool cookieless = false;
  std::string source;  // CURLOPT_INTERFACE, "host!127.A.B.C"; empty: the kernel's choice
  std::string body;
  std::string backend;
  std::chrono::steady_clock::time_point started;
  char error[CURL_ERROR_SIZE] = {0};
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<Session*>(user)->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  if (line.size() > kBackendHeader.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kBackendHeader.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kBackendHeader[i];
    if (match) {
      auto value = line.substr(kBackendHeader.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
        value.remove_suffix(1);
      static_cast<Session*>(user)->backend.assign(value);
    }
  }
  return size * n;
}

// Fills the fields the mock backend reports in its JSON body; other bodies leave them unset.
void read_backend_body(const std::string& body, const std::string& watch_cookie,
                       RequestRecord& rec, StringTable& strings) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return;
  if (auto it = j.find("session_id"); it != j.end() && it->is_string())
    rec.session_id = strings.intern(it->get<std::string>());
  if (auto it = j.find("session_new"); it != j.end() && it->is_boolean())
    rec.session_new = it->get<bool>();
  if (auto it = j.find("session_lost"); it != j.end() && it->is_boolean())
    rec.session_lost = it->get<bool>();
  if (watch_cookie.empty()) return;
  if (auto it = j.find("cookies"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      if (c.is_object() && c.value("name", "") == watch_cookie) {
        rec.sticky_value = strings.intern(c.value("value", ""));
        break;  // the first, as the application reads it
      }
    }
  }
}

}  // namespace

DriverOutcome drive(const DriverConfig& cfg, const std::function<std::string()>& should_stop,
                    const std::function<void(std::size_t, std::size_t)>& progress,
                    const DriverTick& tick) {
  DriverOutcome out;
  CURLM* multi = curl_ready() ? curl_multi_init() : nullptr;
  if (!multi) {
    out.setup_error = "libcurl could not be initialised";
    return out;
  }
  const std::string url = cfg.base_url + cfg.path;
  const std::size_t total =
      static_cast<std::size_t>(cfg.sessions) * static_cast<std::size_t>(cfg.requests_per_session);
  out.records.records.reserve(total);
  const auto t0 = std::chrono::steady_clock::now();

  std::deque<std::unique_ptr<Session>> active;
  int next_session = 0;
  std::mt19937 source_rng(cfg.seed ^ 0x5eed5eedu);
  std::uniform_int_distribution<int> octet(0, 255), host(1, 254);
  auto start_request = [&](Session& s) {
    s.body.clear();
    s.backend.clear();
    s.error[0] = 0;
    s.started = std::chrono::steady_clock::now();
    curl_multi_add_handle(multi, s.easy);
  };
  auto start_session = [&]() -> bool {
    auto s = std::make_unique<Session>();
    s->easy = curl_easy_init();
    if (!s->easy) return false;
    s->index = static_cast<std::uint32_t>(next_session++);
    const double share = cfg.cookieless_share;
    s->cookieless = share > 0 && std::floor((s->index + 1) * share) > std::floor(s->index * share);
    CURL* e = s->easy;
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    // Its own cookie jar; a cookieless client has none, so it never sends a cookie.
    if (!s->cookieless) curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");
    if (cfg.connection_per_request) {
      curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    }
    if (cfg.source_per_session) {
      // Drawn for every session, so the addresses do not depend on the run's timing.
      s->source =
          fmt::format("host!127.{}.{}.{}", octet(source_rng), octet(source_rng), host(source_rng));
      curl_easy_setopt(e, CURLOPT_INTERFACE, s->source.c_str());
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, s.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, s.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, s.get());
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg.request_timeout.count()));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(cfg.request_timeout.count()));
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "stickycheck/" STICKYCHECK_VERSION);
    start_request(*s);
    active.push_back(std::move(s));
    return true;
  };
  while (next_session < cfg.sessions && static_cast<int>(active.size()) < cfg.concurrency)
    if (!start_session()) break;

  // Sessions pausing before their next request, soonest first.
  using Clock = std::chrono::steady_clock;
  std::vector<std::pair<Clock::time_point, Session*>> pausing;
  std::mt19937 rng(cfg.seed);
  std::uniform_int_distribution<long long> pause_us(0, 2 * cfg.pause.count());
  auto later = [](const auto& a, const auto& b) { return a.first > b.first; };

  std::size_t done = 0;
  auto last_progress = t0;
  while (!active.empty()) {
    const auto now = Clock::now();
    while (!pausing.empty() && pausing.front().first <= now) {
      std::pop_heap(pausing.begin(), pausing.end(), later);
      start_request(*pausing.back().second);
      pausing.pop_back();
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Session* s = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
      RequestRecord rec;
      rec.session = s->index;
      rec.seq = s->next_seq++;
      rec.cookieless = s->cookieless;
      rec.start_us =
          std::chrono::duration_cast<std::chrono::microseconds>(s->started - t0).count();
      rec.latency_us = static_cast<std::int32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                s->started)
              .count());
      if (msg->data.result == CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
        rec.status = static_cast<std::int16_t>(code);
        rec.backend = out.records.strings.intern(s->backend);
        read_backend_body(s->body, cfg.watch_cookie, rec, out.records.strings);
      } else {
        rec.error = out.records.strings.intern(
            s->error[0] ? s->error : curl_easy_strerror(msg->data.result));
      }
      out.records.records.push_back(rec);
      ++done;
      curl_multi_remove_handle(multi, s->easy);
      if (static_cast<int>(s->next_seq) < cfg.requests_per_session) {
        if (cfg.pause.count() > 0) {
          pausing.emplace_back(Clock::now() + std::chrono::microseconds(pause_us(rng)), s);
          std::push_heap(pausing.begin(), pausing.end(), later);
        } else {
          start_request(*s);
        }
      } else {
        curl_easy_cleanup(s->easy);
        s->easy = nullptr;
      }
    }
    std::erase_if(active, [](const auto& s) { return s->easy == nullptr; });
    while (next_session < cfg.sessions && static_cast<int>(active.size()) < cfg.concurrency)
      if (!start_session()) break;
    if (active.empty()) break;
    if (tick)
      tick(done, std::chrono::duration_cast<std::chrono::microseconds>(
                     std::chrono::steady_clock::now() - t0));

    if (progress && std::chrono::steady_clock::now() - last_progress > std::chrono::milliseconds(250)) {
      progress(done, total);
      last_progress = std::chrono::steady_clock::now();
    }
    curl_waitfd extra{};
    unsigned extra_count = 0;
    if (cfg.wake_fd >= 0) {
      extra.fd = cfg.wake_fd;
      extra.events = CURL_WAIT_POLLIN;
      extra_count = 1;
    }
    int wait_ms = tick ? 10 : 100;
    if (!pausing.empty()) {
      const auto until = std::chrono::ceil<std::chrono::milliseconds>(pausing.front().first - Clock::now());
      wait_ms = static_cast<int>(std::clamp<long long>(until.count(), 0, wait_ms));
    }
    curl_multi_poll(multi, extra_count ? &extra : nullptr, extra_count, wait_ms, nullptr);
    if (auto reason = should_stop ? should_stop() : std::string(); !reason.empty()) {
      out.stopped = true;
      out.stop_reason = reason;
      break;
    }
  }
  for (auto& s : active) {
    if (!s->easy) continue;
    curl_multi_remove_handle(multi, s->easy);
    curl_easy_cleanup(s->easy);
  }
  curl_multi_cleanup(multi);
  if (progress) progress(done, total);
  return out;
}

}  // namespace sc

namespace sc {

std::string check_reachable(const std::string& base_url, std::chrono::milliseconds timeout) {
  if (!curl_ready()) return "libcurl could not be initialised";
  std::unique_ptr<CURL, void (*)(CURL*)> e(curl_easy_init(), curl_easy_cleanup);
  if (!e) return "libcurl could not be initialised";
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(e.get(), CURLOPT_URL, base_url.c_str());
  curl_easy_setopt(e.get(), CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(e.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(e.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e.get(), CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(e.get());
  if (rc == CURLE_OK) return "";
  return error[0] ? error : curl_easy_strerror(rc);
}

}  // namespace sc
