// The image and the Kubernetes manifests of sharded probes (deploy/, issue 30). Neither is run
// on a cluster or built here (no container runtime on the build machine), so the fields the
// design depends on are checked as written: Kubernetes' $(VAR) expansion is done as the kubelet
// does it, the Dockerfile is read by stage, and the probe pod's shell wrapper is run with a
// stand-in stickycheck.
#include <fnmatch.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

// A namespace of its own: the unit test files are compiled together in batches, where two
// helpers of one name in anonymous namespaces would collide.
namespace sc::deploy_test {
namespace {

namespace fs = std::filesystem;

const fs::path kRepo = STICKYCHECK_SOURCE_DIR;
constexpr int kProbeUid = 10001;

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " cannot be read";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string repo_text(const std::string& relative) { return file_text(kRepo / relative); }

// The one document of `kind` in a manifest file.
YAML::Node manifest(const std::string& relative, const std::string& kind) {
  std::vector<YAML::Node> found;
  for (const YAML::Node& doc : YAML::LoadAll(repo_text(relative)))
    if (doc.IsMap() && doc["kind"] && doc["kind"].as<std::string>() == kind) found.push_back(doc);
  EXPECT_EQ(found.size(), 1u) << relative << " should hold exactly one " << kind;
  return found.empty() ? YAML::Node() : found.front();
}

YAML::Node probe_job() { return manifest("deploy/kubernetes/probe-job.yaml", "Job"); }
YAML::Node merge_job() { return manifest("deploy/kubernetes/merge-job.yaml", "Job"); }

YAML::Node pod_spec(const YAML::Node& job) { return job["spec"]["template"]["spec"]; }

// The job's one container, which must be called `name` (podFailurePolicy names it).
YAML::Node only_container(const YAML::Node& job, const std::string& name) {
  const YAML::Node containers = pod_spec(job)["containers"];
  EXPECT_EQ(containers.size(), 1u);
  EXPECT_EQ(containers[0]["name"].as<std::string>(), name);
  return containers[0];
}

std::vector<std::string> strings(const YAML::Node& list) {
  std::vector<std::string> out;
  for (const YAML::Node& item : list) out.push_back(item.as<std::string>());
  return out;
}

// The word after `option` in `args` ("" when absent).
std::string value_after(const std::vector<std::string>& args, const std::string& option) {
  const auto it = std::find(args.begin(), args.end(), option);
  return it == args.end() || it + 1 == args.end() ? "" : *(it + 1);
}

// Kubernetes' $(NAME) expansion: references to defined variables are replaced, others kept.
std::string expand(const std::string& text, const std::map<std::string, std::string>& vars) {
  EXPECT_EQ(text.find("$$"), std::string::npos) << "no $$ escapes expected: " << text;
  static const std::regex ref(R"(\$\(([A-Za-z_][A-Za-z0-9_]*)\))");
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), ref), end; it != end; ++it) {
    out.append(last, (*it)[0].first);
    const auto var = vars.find((*it)[1].str());
    out += var == vars.end() ? (*it)[0].str() : var->second;
    last = (*it)[0].second;
  }
  out.append(last, text.cend());
  return out;
}

// The container's environment in the pod of completion index `index`, as the kubelet makes it:
// each value sees only the variables declared before it; the index comes from its fieldRef.
std::map<std::string, std::string> pod_env(const YAML::Node& container, int index) {
  std::map<std::string, std::string> vars;
  for (const YAML::Node& e : container["env"]) {
    const auto name = e["name"].as<std::string>();
    if (e["value"]) {
      vars[name] = expand(e["value"].as<std::string>(), vars);
    } else if (e["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>() ==
               "metadata.annotations['batch.kubernetes.io/job-completion-index']") {
      vars[name] = std::to_string(index);
    }
  }
  return vars;
}

// The container's args in the pod of completion index `index`.
std::vector<std::string> pod_args(const YAML::Node& container, int index) {
  const auto vars = pod_env(container, index);
  std::vector<std::string> args;
  for (const std::string& a : strings(container["args"])) args.push_back(expand(a, vars));
  return args;
}

// The claim mounted at `path` in the job's pods ("" when none is).
std::string claim_mounted_at(const YAML::Node& job, const std::string& path) {
  std::string volume;
  for (const YAML::Node& c : pod_spec(job)["containers"])
    for (const YAML::Node& m : c["volumeMounts"])
      if (m["mountPath"].as<std::string>() == path && !(m["readOnly"] && m["readOnly"].as<bool>()))
        volume = m["name"].as<std::string>();
  for (const YAML::Node& v : pod_spec(job)["volumes"])
    if (v["name"].as<std::string>() == volume && v["persistentVolumeClaim"])
      return v["persistentVolumeClaim"]["claimName"].as<std::string>();
  return "";
}

// A Dockerfile instruction: its keyword (upper case) and the rest, continuations joined.
struct Instruction {
  std::string keyword;
  std::string rest;
};
using Stage = std::vector<Instruction>;

std::vector<Stage> dockerfile_stages() {
  std::istringstream in(repo_text("deploy/Dockerfile"));
  std::vector<Stage> stages;
  std::string pending;
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;  // also inside a RUN
    if (line.back() == '\\') {
      pending += line.substr(0, line.size() - 1) + " ";
      continue;
    }
    std::istringstream whole(pending + line);
    pending.clear();
    Instruction ins;
    whole >> ins.keyword;
    std::getline(whole >> std::ws, ins.rest);
    for (char& ch : ins.keyword)
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (ins.keyword == "FROM") stages.emplace_back();
    if (stages.empty())
      ADD_FAILURE() << ins.keyword << " before the first FROM";
    else
      stages.back().push_back(ins);
  }
  return stages;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<Instruction> instructions(const Stage& stage, const std::string& keyword) {
  std::vector<Instruction> out;
  for (const Instruction& i : stage)
    if (i.keyword == keyword) out.push_back(i);
  return out;
}

// The packages of the stage's `apt-get install` commands, and the options they were given.
std::vector<std::string> apt_installed(const Stage& stage, std::set<std::string>* options) {
  std::vector<std::string> packages;
  for (const Instruction& run : instructions(stage, "RUN")) {
    const auto w = words(run.rest);
    for (std::size_t i = 0; i + 1 < w.size(); ++i) {
      if (w[i] != "apt-get" || w[i + 1] != "install") continue;
      for (std::size_t j = i + 2; j < w.size() && w[j] != "&&" && w[j] != ";"; ++j)
        if (w[j].starts_with("-"))
          options->insert(w[j]);
        else
          packages.push_back(w[j]);
    }
  }
  return packages;
}

// Shell-quotes `s` for /bin/sh.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

TEST(DeployManifests, ProbeJobIsIndexedWithEqualCompletionsAndParallelism) {
  const YAML::Node job = probe_job();
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["metadata"]["name"].as<std::string>(), "stickycheck-probe");
  EXPECT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  const int completions = job["spec"]["completions"].as<int>();
  EXPECT_GE(completions, 1);
  // Every shard at once, so the Job as a whole sends at the probe's --rate.
  EXPECT_EQ(job["spec"]["parallelism"].as<int>(), completions);
  EXPECT_GT(job["spec"]["backoffLimit"].as<int>(), 0) << "a lost pod is retried";
  EXPECT_EQ(pod_spec(job)["restartPolicy"].as<std::string>(), "Never");
}

TEST(DeployManifests, ProbeJobTakesItsShardFromTheCompletionIndex) {
  const YAML::Node job = probe_job();
  const YAML::Node probe = only_container(job, "probe");
  const auto args = strings(probe["args"]);
  ASSERT_GE(args.size(), 2u);
  EXPECT_EQ(args[0], "probe");
  EXPECT_EQ(value_after(args, "--shard"), "$(JOB_COMPLETION_INDEX)/$(SHARDS)");
  const int completions = job["spec"]["completions"].as<int>();
  for (int index : {0, completions - 1}) {
    const auto env = pod_env(probe, index);
    ASSERT_TRUE(env.contains("JOB_COMPLETION_INDEX")) << "from the completion index annotation";
    EXPECT_EQ(value_after(pod_args(probe, index), "--shard"),
              std::to_string(index) + "/" + std::to_string(completions));
    ASSERT_TRUE(env.contains("TARGET_URL"));
    EXPECT_TRUE(env.at("TARGET_URL").starts_with("http"));
    EXPECT_EQ(pod_args(probe, index)[1], env.at("TARGET_URL"));
  }
}

TEST(DeployManifests, ProbeJobWritesOneReportPerShardToTheVolume) {
  const YAML::Node job = probe_job();
  const YAML::Node probe = only_container(job, "probe");
  EXPECT_EQ(value_after(pod_args(probe, 0), "--json"), "/reports/shard-0.json");
  EXPECT_EQ(value_after(pod_args(probe, 7), "--json"), "/reports/shard-7.json");
  // The wrapper removes and checks the same file.
  EXPECT_EQ(pod_env(probe, 7).at("REPORT"), "/reports/shard-7.json");
  EXPECT_EQ(claim_mounted_at(job, "/reports"), "stickycheck-reports");
}

TEST(DeployManifests, ReportsVolumeIsWritableFromEveryNode) {
  const YAML::Node claim =
      manifest("deploy/kubernetes/reports-volume.yaml", "PersistentVolumeClaim");
  EXPECT_EQ(claim["metadata"]["name"].as<std::string>(), "stickycheck-reports");
  EXPECT_EQ(strings(claim["spec"]["accessModes"]), std::vector<std::string>{"ReadWriteMany"});
}

TEST(DeployManifests, BadInputFailsTheJobAtOnce) {
  const YAML::Node job = probe_job();
  bool fails_on_2 = false;
  for (const YAML::Node& rule : job["spec"]["podFailurePolicy"]["rules"]) {
    if (!rule["onExitCodes"]) continue;
    const YAML::Node codes = rule["onExitCodes"];
    const auto values = strings(codes["values"]);
    EXPECT_EQ(codes["containerName"].as<std::string>(), "probe");
    EXPECT_EQ(codes["operator"].as<std::string>(), "In");
    for (const char* finding : {"0", "1", "3"})
      EXPECT_EQ(std::count(values.begin(), values.end(), finding), 0)
          << "exit " << finding << " is a verdict, not a failure of the Job";
    if (rule["action"].as<std::string>() == "FailJob" &&
        std::count(values.begin(), values.end(), "2"))
      fails_on_2 = true;
  }
  EXPECT_TRUE(fails_on_2) << "no podFailurePolicy rule fails the Job on exit code 2";
}

// The probe pod's wrapper, run by /bin/sh as the container would run it, with a stickycheck
// that exits as told and writes its report or not.
TEST(DeployManifests, ProbePodSucceedsOnlyWhenItsReportIsWritten) {
  const YAML::Node probe = only_container(probe_job(), "probe");
  const auto command = strings(probe["command"]);
  ASSERT_EQ(command.size(), 4u);
  ASSERT_EQ(command[0], "/bin/sh");
  ASSERT_EQ(command[1], "-c");
  // Kubernetes expands $(NAME) in the command too: the script must come through as written.
  ASSERT_EQ(expand(command[2], pod_env(probe, 1)), command[2]);

  std::string dir_template = (fs::temp_directory_path() / "deploy-wrapper-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir_template.data()), nullptr);
  const fs::path dir = dir_template;
  {
    std::ofstream fake(dir / "stickycheck");
    fake << "#!/bin/sh\n"
            "printf '%s\\n' \"$@\" > \"$ARGV_FILE\"\n"
            "[ \"$WRITE\" = 1 ] && echo '{}' > \"$REPORT\"\n"
            "exit \"$CODE\"\n";
  }
  fs::permissions(dir / "stickycheck", fs::perms::owner_all);
  const fs::path report = dir / "shard-1.json";

  struct Case {
    int code;
    bool writes;
    bool stale_report;  // one from an earlier run is there before
    int pod_exit;
  };
  const Case cases[] = {
      {0, true, false, 0},  {1, true, false, 0}, {3, true, false, 0},
      {3, false, false, 3}, {1, false, true, 1}, {3, false, true, 3},
      {2, false, false, 2}, {2, true, false, 2}, {130, true, false, 130},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("stickycheck exits " + std::to_string(c.code) +
                 (c.writes ? ", report written" : ", no report") +
                 (c.stale_report ? ", stale report before" : ""));
    fs::remove(report);
    fs::remove(dir / "argv");
    if (c.stale_report) std::ofstream(report) << "{}";
    const std::string line =
        "env PATH=" + quoted(dir.string() + ":/usr/bin:/bin") +
        " REPORT=" + quoted(report.string()) + " ARGV_FILE=" + quoted((dir / "argv").string()) +
        " WRITE=" + (c.writes ? "1" : "0") + " CODE=" + std::to_string(c.code) + " " +
        quoted(command[0]) + " -c " + quoted(command[2]) + " " + quoted(command[3]) +
        " probe 'http://x/?a=1&b=2' --shard 1/3 --header 'X-Test: a  b*'";
    const int status = std::system(line.c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), c.pod_exit);
    EXPECT_EQ(fs::exists(report), c.writes) << "a stale report must not outlive its shard's run";
    EXPECT_EQ(file_text(dir / "argv"),
              "probe\nhttp://x/?a=1&b=2\n--shard\n1/3\n--header\nX-Test: a  b*\n")
        << "the args reach stickycheck unchanged";
  }
  fs::remove_all(dir);
}

TEST(DeployManifests, PodsRunAsNonRoot) {
  for (const auto& [job, container] : {std::pair{probe_job(), "probe"}, {merge_job(), "merge"}}) {
    SCOPED_TRACE(job["metadata"]["name"].as<std::string>());
    const YAML::Node pod = pod_spec(job)["securityContext"];
    EXPECT_TRUE(pod["runAsNonRoot"].as<bool>());
    EXPECT_EQ(pod["runAsUser"].as<int>(), kProbeUid);
    const YAML::Node own = only_container(job, container)["securityContext"];
    EXPECT_FALSE(own["allowPrivilegeEscalation"].as<bool>());
    EXPECT_EQ(strings(own["capabilities"]["drop"]), std::vector<std::string>{"ALL"});
    EXPECT_FALSE(own["runAsUser"] && own["runAsUser"].as<int>() == 0);
  }
}

TEST(DeployManifests, PodsHaveAReadOnlyRootAndAnEmptyTmp) {
  for (const auto& [job, container] : {std::pair{probe_job(), "probe"}, {merge_job(), "merge"}}) {
    SCOPED_TRACE(job["metadata"]["name"].as<std::string>());
    const YAML::Node c = only_container(job, container);
    EXPECT_TRUE(c["securityContext"]["readOnlyRootFilesystem"].as<bool>());
    // stickycheck's state directory (report locks) is under /tmp.
    std::string tmp_volume;
    for (const YAML::Node& m : c["volumeMounts"])
      if (m["mountPath"].as<std::string>() == "/tmp") tmp_volume = m["name"].as<std::string>();
    bool empty_dir = false;
    for (const YAML::Node& v : pod_spec(job)["volumes"])
      if (v["name"].as<std::string>() == tmp_volume && v["emptyDir"]) empty_dir = true;
    EXPECT_TRUE(empty_dir) << "no emptyDir mounted at /tmp";
  }
}

TEST(DeployManifests, MergeJobMergesEveryShardIntoHtmlJsonAndJunit) {
  const YAML::Node job = merge_job();
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["metadata"]["name"].as<std::string>(), "stickycheck-merge");
  EXPECT_EQ(job["spec"]["completions"].as<int>(), 1);
  const YAML::Node merge = only_container(job, "merge");
  const auto command = strings(merge["command"]);
  ASSERT_EQ(command.size(), 4u);
  EXPECT_EQ(command[0], "/bin/sh");
  EXPECT_EQ(command[1], "-c");
  // No mapping of exit codes: the merged verdict's is the Job's.
  EXPECT_EQ(command[2], R"(exec stickycheck merge --shards "$SHARDS" /reports/shard-*.json "$@")");
  EXPECT_EQ(pod_env(merge, 0).at("SHARDS"), probe_job()["spec"]["completions"].as<std::string>())
      << "--shards must be the probe Job's completions";
  const auto args = strings(merge["args"]);
  EXPECT_EQ(value_after(args, "--json"), "/reports/merged.json");
  EXPECT_EQ(value_after(args, "--html"), "/reports/merged.html");
  EXPECT_EQ(value_after(args, "--junit"), "/reports/merged.xml");
  EXPECT_EQ(claim_mounted_at(job, "/reports"), claim_mounted_at(probe_job(), "/reports"));
}

TEST(DeployManifests, MergeSkipsAReportStillBeingWritten) {
  // The glob of the merge's command line against the names a shard's report takes: the
  // temporary file of an atomic write (src/render/output_file.cpp) is path.XXXXXXXX.tmp.
  ASSERT_NE(repo_text("src/render/output_file.cpp").find(R"("{}.{:08x}.tmp")"), std::string::npos)
      << "the temporary report's name changed: check the merge's glob still skips it";
  const char* glob = "/reports/shard-*.json";
  ASSERT_NE(strings(only_container(merge_job(), "merge")["command"])[2].find(glob),
            std::string::npos);
  EXPECT_EQ(::fnmatch(glob, "/reports/shard-0.json", FNM_PATHNAME), 0);
  EXPECT_EQ(::fnmatch(glob, "/reports/shard-999.json", FNM_PATHNAME), 0);
  EXPECT_NE(::fnmatch(glob, "/reports/shard-0.json.0a1b2c3d.tmp", FNM_PATHNAME), 0);
  EXPECT_NE(::fnmatch(glob, "/reports/merged.json", FNM_PATHNAME), 0);
}

TEST(DeployImage, BuildsWithTheProjectsOwnScriptOnBookworm) {
  const auto stages = dockerfile_stages();
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(words(stages[0].front().rest),
            (std::vector<std::string>{"debian:bookworm", "AS", "build"}));
  bool builds = false;
  for (const Instruction& run : instructions(stages[0], "RUN"))
    builds = builds || run.rest.starts_with("./scripts/build --binary");
  EXPECT_TRUE(builds) << "the build stage does not run ./scripts/build --binary";
  EXPECT_NE(repo_text("scripts/build").find("--binary)"), std::string::npos);
}

TEST(DeployImage, RunsAsNonRootWithTheBinaryOnly) {
  const auto stages = dockerfile_stages();
  ASSERT_FALSE(stages.empty());
  const Stage& runtime = stages.back();
  EXPECT_EQ(runtime.front().rest, "debian:bookworm-slim");

  const auto users = instructions(runtime, "USER");
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].rest, std::to_string(kProbeUid)) << "a numeric uid runAsNonRoot can check";

  const auto copies = instructions(runtime, "COPY");
  ASSERT_EQ(copies.size(), 1u) << "the runtime stage copies the binary and nothing else";
  EXPECT_EQ(words(copies[0].rest),
            (std::vector<std::string>{"--from=build", "/src/build/stickycheck",
                                      "/usr/local/bin/stickycheck"}));
  EXPECT_TRUE(instructions(runtime, "ADD").empty());
  const auto entry = instructions(runtime, "ENTRYPOINT");
  ASSERT_EQ(entry.size(), 1u);
  EXPECT_EQ(entry[0].rest, R"(["stickycheck"])");

  std::set<std::string> options;
  for (const std::string& p : apt_installed(runtime, &options)) {
    for (const char* unwanted : {"apache2", "haproxy", "nginx", "caddy", "build-essential", "cmake",
                                 "ninja-build", "g++", "clang"})
      EXPECT_EQ(p.find(unwanted), std::string::npos) << p << " is not needed to run a probe";
    EXPECT_FALSE(p.ends_with("-dev")) << p;
  }
  EXPECT_TRUE(options.contains("--no-install-recommends"));
  bool lists_removed = false;
  for (const Instruction& run : instructions(runtime, "RUN"))
    lists_removed =
        lists_removed || run.rest.find("rm -rf /var/lib/apt/lists/*") != std::string::npos;
  EXPECT_TRUE(lists_removed);
}

// Every library CMakeLists.txt finds has its bookworm runtime package in the image, and the
// image installs nothing else: a new dependency fails here until the image has it.
TEST(DeployImage, InstallsTheRuntimeLibraryOfEveryLinkedDependency) {
  const std::map<std::string, std::string> runtime_package = {{"CURL", "libcurl4"},
                                                              {"fmt", "libfmt9"},
                                                              {"yaml-cpp", "libyaml-cpp0.7"},
                                                              {"OpenSSL", "libssl3"},
                                                              {"mimalloc", "libmimalloc2.0"}};
  const std::set<std::string> header_only = {"CLI11", "nlohmann_json", "Threads"};

  std::set<std::string> expected = {"ca-certificates"};  // https targets
  const std::string cmake = repo_text("CMakeLists.txt");
  static const std::regex find_package(R"(find_package\(\s*([A-Za-z0-9_-]+)([^)]*)\))");
  for (std::sregex_iterator it(cmake.begin(), cmake.end(), find_package), end; it != end; ++it) {
    const std::string name = (*it)[1];
    const auto w = words((*it)[2]);
    if (name == "Boost") {
      // Boost's compiled components are shared libraries: libboost-COMPONENTVERSION.
      ASSERT_FALSE(w.empty());
      const auto components = std::find(w.begin(), w.end(), "COMPONENTS");
      ASSERT_NE(components, w.end());
      for (auto c = components + 1;
           c != w.end() && !std::isupper(static_cast<unsigned char>((*c)[0])); ++c)
        expected.insert("libboost-" + *c + w[0]);
    } else if (runtime_package.contains(name)) {
      expected.insert(runtime_package.at(name));
    } else {
      EXPECT_TRUE(header_only.contains(name))
          << "find_package(" << name << "): add its runtime package to deploy/Dockerfile and here";
    }
  }
  std::set<std::string> options;
  const auto installed = apt_installed(dockerfile_stages().back(), &options);
  EXPECT_EQ(std::set<std::string>(installed.begin(), installed.end()), expected);
  EXPECT_TRUE(expected.contains("libboost-url1.81.0"));
}

}  // namespace
}  // namespace sc::deploy_test
