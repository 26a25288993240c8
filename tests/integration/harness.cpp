#include "harness.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "http_request.hpp"

namespace sc::test {

std::string body_of(const std::string& answer) {
  const auto end = answer.find("\r\n\r\n");
  return end == std::string::npos ? "" : answer.substr(end + 4);
}

std::string status_of(const std::string& answer) { return answer.substr(0, answer.find("\r\n")); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string source_path(const std::string& relative) {
  return std::string(STICKYCHECK_SOURCE_DIR) + "/" + relative;
}

std::string temp_path(const std::string& name) {
  static const std::string dir = [] {
    std::string t = (std::filesystem::temp_directory_path() / "stickycheck-test.XXXXXX").string();
    return std::string(::mkdtemp(t.data()));
  }();
  return dir + "/" + name;
}

TestProcess::TestProcess(std::string exe, std::vector<std::string> args,
                         std::vector<std::string> env)
    : launcher_(make_process_launcher()) {
  static int counter = 0;
  const std::string id = std::to_string(::getpid()) + "." + std::to_string(counter++);
  out_path_ = temp_path("out." + id);
  err_path_ = temp_path("err." + id);
  ChildSpec spec;
  spec.name = exe;
  spec.exe = std::move(exe);
  spec.args = std::move(args);
  spec.stdout_path = out_path_;
  spec.stderr_path = err_path_;
  spec.env = std::move(env);
  auto child = launcher_->launch(spec);
  if (child.ok())
    child_ = std::move(*child);
  else
    start_error_ = child.error().message;
}

TestProcess::~TestProcess() {
  if (child_) kill_group_and_reap();
}

int TestProcess::pid() const { return child_ ? child_->pid() : -1; }

void TestProcess::kill_group_and_reap() {
  child_->signal_group(SIGKILL);
  // SIGKILL cannot be ignored: the exit comes within moments.
  while (!status_) {
    status_ = child_->poll_exit();
    if (!status_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

CliResult TestProcess::wait(std::chrono::milliseconds deadline) {
  CliResult r;
  if (!child_) {
    r.err = start_error_;
    return r;
  }
  if (wait_until([&] { return (status_ = child_->poll_exit()).has_value(); }, deadline)) {
    const int status = *status_;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } else {
    kill_group_and_reap();
  }
  child_.reset();
  r.out = read_file(out_path_);
  r.err = read_file(err_path_);
  return r;
}

CliResult TestProcess::stop(std::chrono::milliseconds grace) {
  if (child_) child_->send_signal(SIGTERM);
  return wait(grace);
}

std::string TestProcess::output_so_far() const {
  return read_file(out_path_) + read_file(err_path_);
}

const std::string& stickycheck_bin() {
  static const std::string bin = [] {
    const char* chosen = std::getenv("STICKYCHECK_TEST_BIN");
    return std::string(chosen && *chosen ? chosen : STICKYCHECK_BIN);
  }();
  return bin;
}

CliResult run_cli(std::vector<std::string> args, std::chrono::milliseconds deadline,
                  std::vector<std::string> env) {
  CliProcess p(std::move(args), std::move(env));
  return p.wait(deadline);
}

void expect_valid_report(const std::string& path) {
  TestProcess validator("/usr/bin/python3", {source_path("tests/tools/validate_report.py"),
                                             source_path("reports/report.schema.json"), path});
  const auto r = validator.wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 0) << "the report " << path
                            << " does not match reports/report.schema.json:\n"
                            << r.err << r.out;
}

const nlohmann::json& find_scenario(const nlohmann::json& report, const std::string& name) {
  static const nlohmann::json none;  // null: a lookup in it throws, ending the test
  if (!report.contains("scenarios")) {
    ADD_FAILURE() << "the report has no scenarios";
    return none;
  }
  for (const auto& s : report["scenarios"])
    if (s["name"] == name) return s;
  ADD_FAILURE() << "no scenario " << name << " in the report";
  return none;
}

const nlohmann::json& find_check(const nlohmann::json& scenario, const std::string& id) {
  static const nlohmann::json none;  // null: a lookup in it throws, ending the test
  if (scenario.contains("checks"))
    for (const auto& c : scenario["checks"])
      if (c["id"] == id) return c;
  ADD_FAILURE() << "no check " << id << " in scenario "
                << (scenario.contains("name") ? scenario["name"].dump() : "?");
  return none;
}

std::vector<int> children_of(int pid) {
  std::vector<int> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_file("/proc/" + name + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    int ppid;
    rest >> state >> ppid;
    if (ppid == pid) out.push_back(std::stoi(name));
  }
  return out;
}

HttpAnswer http_get(std::uint16_t port, const std::string& target,
                    const std::vector<std::string>& cookies) {
  return http_get_with_fields(port, target, cookies, {});
}

namespace {

// Reads until the server closes the connection (the request asked it to), within the stream's
// deadline. httpd lowers a member's busy count (bybusyness) when the request's pool goes,
// after the answer is sent but before the close: a next request sent on the answer alone can
// find the member still busy, and httpd then picks another (differential bybusyness case).
void wait_for_close(boost::asio::io_context& ioc, boost::beast::tcp_stream& stream) {
  std::array<char, 512> drain{};
  for (bool closed = false; !closed;) {
    stream.async_read_some(boost::asio::buffer(drain),
                           [&](boost::system::error_code e, std::size_t) { closed = e.failed(); });
    ioc.restart();
    ioc.run();
  }
}

}  // namespace

HttpAnswer http_get_with_fields(std::uint16_t port, const std::string& target,
                                const std::vector<std::string>& cookies,
                                const std::vector<std::string>& fields) {
  namespace http = boost::beast::http;
  boost::asio::io_context ioc;
  boost::beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  stream.expires_after(std::chrono::seconds(10));
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  if (ec) return {};
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::connection, "close");
  for (const auto& c : cookies)
    if (!c.empty()) req.insert(http::field::cookie, c);
  for (const auto& f : fields) {
    const auto colon = f.find(':');
    const auto value_at = f.find_first_not_of(' ', colon + 1);
    const std::string name = f.substr(0, colon);
    const std::string value = value_at == std::string::npos ? "" : f.substr(value_at);
    if (boost::beast::iequals(name, "Host"))
      req.set(http::field::host, value);  // replaces
    else
      req.insert(name, value);
  }
  http::write(stream, req, ec);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buf, res, ec);
  if (ec) return {};
  wait_for_close(ioc, stream);
  HttpAnswer a{static_cast<int>(res.result_int()), std::string(res["X-Stickycheck-Backend"]), {},
               res.body()};
  for (auto [it, end] = res.equal_range(http::field::set_cookie); it != end; ++it)
    a.set_cookies.emplace_back(it->value());
  return a;
}

std::string status_field(const std::string& status_path, const std::string& name) {
  std::ifstream in(status_path);
  const std::string key = name + ":";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto first = line.find_first_not_of(" \t", key.size());
    return first == std::string::npos ? "" : line.substr(first);
  }
  return "";
}

bool process_exists(int pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

bool wait_until(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

}  // namespace sc::test
