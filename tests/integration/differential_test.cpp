// Differential tests: the real Apache httpd and the reference balancer get the same generated
// configuration and the same requests, and must reach the same members with the same status
// codes and balancer-set cookies. Cases live in tests/differential/cases/, one behaviour each.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness.hpp"
#include "http_request.hpp"
#include "runner/ports.hpp"

namespace sc::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const char* kApache = "/usr/sbin/apache2";

struct Request {
  std::string target = "/";
  std::vector<std::string> cookies;
  std::vector<std::string> fields;  // more request fields, "Name: value" (Host replaces)
  int repeat = 1;
};

struct Case {
  std::vector<std::string> balancer_params;
  std::vector<std::pair<std::string, bool>> members;  // params, dead
  std::vector<std::string> before_lines;  // before "ProxyPass /": exclusions, narrower paths
  std::vector<std::string> extra_lines;
  std::vector<Request> requests;
  std::vector<std::string> seen;  // request fields whose values at the member are compared
};

Case load_case(const std::string& path) {
  YAML::Node n = YAML::LoadFile(path);
  Case c;
  for (const auto& p : n["balancer"]) c.balancer_params.push_back(p.as<std::string>());
  for (const auto& m : n["members"]) {
    if (m.IsScalar()) c.members.push_back({m.as<std::string>(), false});
    else c.members.push_back({m["params"].as<std::string>(""), m["dead"].as<bool>(false)});
  }
  for (const auto& l : n["before"]) c.before_lines.push_back(l.as<std::string>());
  for (const auto& l : n["extra"]) c.extra_lines.push_back(l.as<std::string>());
  for (const auto& f : n["seen"]) c.seen.push_back(f.as<std::string>());
  for (const auto& r : n["requests"]) {
    Request q;
    q.target = r["target"].as<std::string>("/");
    if (r["cookie"]) q.cookies.push_back(r["cookie"].as<std::string>());
    for (const auto& ck : r["cookies"]) q.cookies.push_back(ck.as<std::string>());
    for (const auto& f : r["headers"]) q.fields.push_back(f.as<std::string>());
    q.repeat = r["repeat"].as<int>(1);
    c.requests.push_back(q);
  }
  return c;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
    s.replace(p, from.size(), to);
  return s;
}

// What a client can observe of one answer, and the fields the member saw (the mock backend
// echoes those the case names).
std::string outcome(const HttpAnswer& a, const std::vector<std::string>& seen) {
  std::string out = std::to_string(a.status) + " " + (a.backend.empty() ? "-" : a.backend);
  for (const auto& c : a.set_cookies)
    if (c.rfind("PHPSESSID=", 0) != 0) out += " Set-Cookie[" + c + "]";
  if (seen.empty() || a.backend.empty()) return out;
  const auto echo = nlohmann::json::parse(a.body, nullptr, false);
  for (const auto& name : seen) {
    out += "\n        " + name + ":";
    if (!echo.is_object() || !echo.contains("echo") || !echo["echo"].contains(name)) {
      out += " (not echoed)";
      continue;
    }
    for (const auto& v : echo["echo"][name]) out += " [" + v.get<std::string>() + "]";
  }
  return out;
}

// The request fields a request carries: its own, and the echo request when the case
// compares what the member saw.
std::vector<std::string> request_fields(const Request& r, const std::vector<std::string>& seen) {
  std::vector<std::string> fields = r.fields;
  if (seen.empty()) return fields;
  std::string names;
  for (const auto& name : seen) names += (names.empty() ? "" : ", ") + name;
  fields.push_back("X-Stickycheck-Echo: " + names);
  return fields;
}

class Differential : public ::testing::TestWithParam<std::string> {};

TEST_P(Differential, SameAnswersAsApacheHttpd) {
  if (!fs::exists(kApache)) {
    if (std::getenv("CI")) FAIL() << "apache2 is not installed; scripts/bootstrap installs it";
    GTEST_SKIP() << "apache2 is not installed (apt-get install apache2, or run scripts/bootstrap)";
  }
  const Case c = load_case(GetParam());
  auto ports = *allocate_loopback_ports(c.members.size() + 2);
  const auto apache_port = ports[c.members.size()];
  const auto reference_port = ports[c.members.size() + 1];
  const std::string dir = temp_path(fs::path(GetParam()).stem().string());
  fs::create_directories(dir);
  ::chmod(dir.c_str(), 0777);  // httpd's child runs as www-data

  std::vector<std::unique_ptr<CliProcess>> procs;
  for (std::size_t i = 0; i < c.members.size(); ++i) {
    if (c.members[i].second) continue;  // a dead member: nothing listens on its port
    procs.push_back(std::make_unique<CliProcess>(std::vector<std::string>{
        "backend", "--name", "m" + std::to_string(i), "--listen",
        "127.0.0.1:" + std::to_string(ports[i])}));
    ASSERT_TRUE(wait_until([&] { return port_accepts(ports[i]); }, 10s));
  }

  std::ostringstream conf;
  conf << replace_all(read_file(source_path("fixtures/apache/differential-preamble.conf")),
                      "@RUNTIME_DIR@", dir);
  conf << "Listen 127.0.0.1:" << apache_port << "\n<Proxy balancer://diff>\n";
  for (std::size_t i = 0; i < c.members.size(); ++i)
    conf << "  BalancerMember http://127.0.0.1:" << ports[i] << " " << c.members[i].first << "\n";
  if (!c.balancer_params.empty()) {
    conf << "  ProxySet";
    for (const auto& p : c.balancer_params) conf << " " << p;
    conf << "\n";
  }
  conf << "</Proxy>\n";
  for (const auto& l : c.before_lines) conf << l << "\n";
  conf << "ProxyPass / balancer://diff/\n";
  for (const auto& l : c.extra_lines) conf << l << "\n";
  const std::string conf_path = dir + "/httpd.conf";
  std::ofstream(conf_path) << conf.str();

  // apache2 -X is started directly (not through the stickycheck binary), in the foreground.
  TestProcess apache(kApache, {"-X", "-f", conf_path});
  struct StopGently {  // SIGTERM lets httpd release its shared memory and semaphores
    TestProcess& p;
    ~StopGently() { p.stop(5s); }
  } stop_apache{apache};
  procs.push_back(std::make_unique<CliProcess>(std::vector<std::string>{
      "balancer", "--apache-conf", conf_path, "--listen",
      "127.0.0.1:" + std::to_string(reference_port)}));
  ASSERT_TRUE(wait_until([&] { return port_accepts(apache_port); }, 10s))
      << "apache2 did not start:\n"
      << apache.output_so_far() << read_file(dir + "/error.log");
  ASSERT_TRUE(wait_until([&] { return port_accepts(reference_port); }, 10s));

  std::vector<std::string> from_apache, from_reference, labels;
  for (const auto& r : c.requests) {
    for (int k = 0; k < r.repeat; ++k) {
      std::string label = r.target;
      for (const auto& ck : r.cookies) label += " [Cookie: " + ck + "]";
      for (const auto& f : r.fields) label += " [" + f + "]";
      labels.push_back(label);
      const auto fields = request_fields(r, c.seen);
      from_apache.push_back(
          outcome(http_get_with_fields(apache_port, r.target, r.cookies, fields), c.seen));
      from_reference.push_back(
          outcome(http_get_with_fields(reference_port, r.target, r.cookies, fields), c.seen));
    }
  }
  std::ostringstream table;
  bool same = true;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    bool eq = from_apache[i] == from_reference[i];
    same = same && eq;
    table << (eq ? "   " : "!= ") << labels[i] << "\n      apache:    " << from_apache[i]
          << "\n      reference: " << from_reference[i] << "\n";
  }
  EXPECT_TRUE(same) << "answers differ:\n" << table.str() << "--- apache error log ---\n"
                    << read_file(dir + "/error.log");
  // A case that compares what members saw must see it: no answer from a member lacks it.
  const auto unechoed = std::count_if(from_apache.begin(), from_apache.end(), [](auto& o) {
    return o.rfind("200 m", 0) == 0 && o.find("(not echoed)") != std::string::npos;
  });
  EXPECT_EQ(unechoed, 0) << table.str();
  // A case whose every answer is a 503 proves little: at least one must reach a member.
  bool reached = false;
  for (const auto& o : from_apache) reached = reached || o.rfind("200 m", 0) == 0;
  EXPECT_TRUE(reached) << table.str();
}

std::vector<std::string> case_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(source_path("tests/differential/cases")))
    if (e.path().extension() == ".yaml") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, Differential, ::testing::ValuesIn(case_files()),
                         [](const auto& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (auto& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace sc::test
