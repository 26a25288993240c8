#include "harness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace sc::test {

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

CliProcess::CliProcess(std::vector<std::string> args, std::vector<std::string> env) {
  static int counter = 0;
  out_path_ = temp_path("out." + std::to_string(::getpid()) + "." + std::to_string(counter));
  err_path_ = temp_path("err." + std::to_string(::getpid()) + "." + std::to_string(counter++));
  args.insert(args.begin(), STICKYCHECK_BIN);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> vars;
  auto name_of = [](std::string_view kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = environ; *e; ++e) {
    bool overridden = false;
    for (const auto& o : env) overridden = overridden || name_of(o) == name_of(*e);
    if (!overridden) vars.emplace_back(*e);
  }
  for (const auto& o : env)
    if (o.find('=') != std::string::npos) vars.push_back(o);
  std::vector<char*> envp;
  for (auto& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (posix_spawn(&pid_, STICKYCHECK_BIN, &fa, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&fa);
}

CliProcess::~CliProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

CliResult CliProcess::wait(std::chrono::milliseconds deadline) {
  CliResult r;
  if (pid_ <= 0) return r;
  const auto end = std::chrono::steady_clock::now() + deadline;
  int status = 0;
  while (true) {
    int w = ::waitpid(pid_, &status, WNOHANG);
    if (w == pid_) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() > end) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  r.out = read_file(out_path_);
  r.err = read_file(err_path_);
  return r;
}

CliResult run_cli(std::vector<std::string> args, std::chrono::milliseconds deadline,
                  std::vector<std::string> env) {
  CliProcess p(std::move(args), std::move(env));
  return p.wait(deadline);
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
  http::write(stream, req, ec);
  boost::beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buf, res, ec);
  if (ec) return {};
  HttpAnswer a{static_cast<int>(res.result_int()), std::string(res["X-Stickycheck-Backend"]), {},
               res.body()};
  for (auto [it, end] = res.equal_range(http::field::set_cookie); it != end; ++it)
    a.set_cookies.emplace_back(it->value());
  return a;
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
