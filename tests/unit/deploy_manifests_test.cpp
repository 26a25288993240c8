// The image and the Kubernetes manifests of sharded probes (deploy/, issue 30). Neither is run
// on a cluster or built here (no container runtime on the build machine), so the fields the
// design depends on are checked as written: Kubernetes' $(VAR) expansion is done as the kubelet
// does it, the Dockerfile is read by stage, and both pods' shell wrappers are run with a
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
// A Job's uid, as Kubernetes gives it, standing for the probe Job's in these tests.
const std::string kJobUid = "6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b";
// The label that holds it on a Job's pods (Kubernetes 1.27+).
const std::string kJobUidField = "metadata.labels['batch.kubernetes.io/controller-uid']";
// The value of the merge Job's RUN_ID that deploy/README.md replaces with the probe Job's uid.
const std::string kRunIdPlaceholder = "REPLACE-WITH-PROBE-JOB-UID";

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path << " cannot be read";
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string repo_text(const std::string& relative) { return file_text(kRepo / relative); }

// The one document of `kind` in a manifest's text.
YAML::Node manifest_in(const std::string& text, const std::string& kind, const std::string& what) {
  std::vector<YAML::Node> found;
  for (const YAML::Node& doc : YAML::LoadAll(text))
    if (doc.IsMap() && doc["kind"] && doc["kind"].as<std::string>() == kind) found.push_back(doc);
  EXPECT_EQ(found.size(), 1u) << what << " should hold exactly one " << kind;
  return found.empty() ? YAML::Node() : found.front();
}

YAML::Node manifest(const std::string& relative, const std::string& kind) {
  return manifest_in(repo_text(relative), kind, relative);
}

YAML::Node probe_job() { return manifest("deploy/kubernetes/probe-job.yaml", "Job"); }
// merge-job.yaml as written, with the placeholder for the probe Job's uid.
YAML::Node merge_job() { return manifest("deploy/kubernetes/merge-job.yaml", "Job"); }

// merge-job.yaml as deploy/README.md applies it: the placeholder replaced with `uid`, as
// `sed "s/PLACEHOLDER/$uid/"` does (the first on each line).
YAML::Node merge_job_for(const std::string& uid) {
  std::istringstream in(repo_text("deploy/kubernetes/merge-job.yaml"));
  std::string text;
  for (std::string line; std::getline(in, line);) {
    if (const auto at = line.find(kRunIdPlaceholder); at != std::string::npos)
      line.replace(at, kRunIdPlaceholder.size(), uid);
    text += line + "\n";
  }
  return manifest_in(text, "Job", "merge-job.yaml for run " + uid);
}

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

// The container's environment in the pod of completion index `index` of the Job of uid `uid`,
// as the kubelet makes it: each value sees only the variables declared before it; the index
// and the uid come from their fieldRefs.
std::map<std::string, std::string> pod_env(const YAML::Node& container, int index,
                                           const std::string& uid = kJobUid) {
  std::map<std::string, std::string> vars;
  for (const YAML::Node& e : container["env"]) {
    const auto name = e["name"].as<std::string>();
    if (e["value"]) {  // `value:` with nothing after it is null: Kubernetes takes it as ""
      vars[name] = e["value"].IsNull() ? "" : expand(e["value"].as<std::string>(), vars);
    } else if (const auto field = e["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>();
               field == "metadata.annotations['batch.kubernetes.io/job-completion-index']") {
      vars[name] = std::to_string(index);
    } else if (field == kJobUidField) {
      vars[name] = uid;
    }
  }
  return vars;
}

// The container's args in the pod of completion index `index` of the Job of uid `uid`.
std::vector<std::string> pod_args(const YAML::Node& container, int index,
                                  const std::string& uid = kJobUid) {
  const auto vars = pod_env(container, index, uid);
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

// A temporary directory with a stand-in stickycheck: it writes its args, one a line, to
// DIR/argv, writes $REPORT when WRITE=1, and exits with $CODE.
class FakeStickycheck {
 public:
  FakeStickycheck() {
    std::string dir_template = (fs::temp_directory_path() / "deploy-wrapper-XXXXXX").string();
    EXPECT_NE(::mkdtemp(dir_template.data()), nullptr);
    dir_ = dir_template;
    std::ofstream(dir_ / "stickycheck") << "#!/bin/sh\n"
                                           "printf '%s\\n' \"$@\" > \"$ARGV_FILE\"\n"
                                           "[ \"$WRITE\" = 1 ] && echo '{}' > \"$REPORT\"\n"
                                           "exit \"$CODE\"\n";
    fs::permissions(dir_ / "stickycheck", fs::perms::owner_all);
  }
  FakeStickycheck(const FakeStickycheck&) = delete;
  FakeStickycheck& operator=(const FakeStickycheck&) = delete;
  ~FakeStickycheck() { fs::remove_all(dir_); }

  const fs::path& dir() const { return dir_; }
  bool ran() const { return fs::exists(dir_ / "argv"); }
  std::string argv() const { return file_text(dir_ / "argv"); }

  // Runs a container's `/bin/sh -c SCRIPT NAME` command with `args` (shell words) and only the
  // environment `env` (and PATH, which finds this stickycheck first); the exit status.
  int run(const std::vector<std::string>& command, std::map<std::string, std::string> env,
          int code, bool writes, const std::string& args) const {
    fs::remove(dir_ / "argv");
    env["PATH"] = dir_.string() + ":/usr/bin:/bin";
    env["ARGV_FILE"] = (dir_ / "argv").string();
    env["WRITE"] = writes ? "1" : "0";
    env["CODE"] = std::to_string(code);
    std::string line = "env -i";
    for (const auto& [name, value] : env) line += " " + name + "=" + quoted(value);
    EXPECT_EQ(command.size(), 4u);
    line += " " + quoted(command.at(0)) + " " + quoted(command.at(1)) + " " +
            quoted(command.at(2)) + " " + quoted(command.at(3)) + " " + args;
    const int status = std::system(line.c_str());
    EXPECT_TRUE(WIFEXITED(status)) << line;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  fs::path dir_;
};

// A container's command, checked to be a /bin/sh -c script that Kubernetes passes on as written.
std::vector<std::string> shell_command(const YAML::Node& container) {
  const auto command = strings(container["command"]);
  EXPECT_EQ(command.size(), 4u);
  if (command.size() != 4u) return {"/bin/sh", "-c", "exit 99", "missing"};
  EXPECT_EQ(command[0], "/bin/sh");
  EXPECT_EQ(command[1], "-c");
  // Kubernetes expands $(NAME) in the command too: the script must come through as written.
  EXPECT_EQ(expand(command[2], pod_env(container, 1)), command[2]);
  return command;
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
  EXPECT_EQ(pod_spec(job)["restartPolicy"].as<std::string>(), "Never");
}

// A Job-wide backoffLimit fails every shard on a few failures anywhere: retries are counted per
// shard instead, and the first shard that runs out of them fails the Job (its report would be
// missing: the merge refuses).
TEST(DeployManifests, ProbeJobRetriesEachShardOnItsOwnAndFailsWithTheFirstLostShard) {
  const YAML::Node spec = probe_job()["spec"];
  // The API's rules for these fields: an Indexed Job whose pods are not restarted in place.
  ASSERT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  ASSERT_EQ(spec["template"]["spec"]["restartPolicy"].as<std::string>(), "Never");
  ASSERT_TRUE(spec["backoffLimitPerIndex"]);
  EXPECT_GT(spec["backoffLimitPerIndex"].as<int>(), 0) << "a lost pod is retried";
  ASSERT_TRUE(spec["maxFailedIndexes"]);
  EXPECT_EQ(spec["maxFailedIndexes"].as<int>(), 0);
  EXPECT_FALSE(spec["backoffLimit"])
      << "with backoffLimitPerIndex it defaults to the largest int32; a number here caps the "
         "failures of all the shards together again";
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

// Every shard's report names its run, the probe Job's uid: the same in all its pods and their
// retries, new with every Job. The merge refuses reports of different runs.
TEST(DeployManifests, ProbeJobGivesItsUidAsEveryShardsRunId) {
  const YAML::Node probe = only_container(probe_job(), "probe");
  EXPECT_EQ(value_after(strings(probe["args"]), "--run-id"), "$(JOB_UID)");
  std::vector<std::string> declared;  // the env names, in order
  for (const YAML::Node& e : probe["env"]) {
    const auto name = e["name"].as<std::string>();
    if (name == "JOB_UID") {
      EXPECT_EQ(e["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>(), kJobUidField);
    }
    // A $(JOB_UID) before its declaration would stay as written.
    if (e["value"] && e["value"].as<std::string>().find("$(JOB_UID)") != std::string::npos) {
      EXPECT_NE(std::find(declared.begin(), declared.end(), "JOB_UID"), declared.end())
          << name << " uses JOB_UID, declared after it";
    }
    declared.push_back(name);
  }
  ASSERT_NE(std::find(declared.begin(), declared.end(), "JOB_UID"), declared.end());
  for (int index : {0, 2})
    EXPECT_EQ(value_after(pod_args(probe, index, "uid-a"), "--run-id"), "uid-a");
}

// Each run writes to a directory of its own, named by the Job's uid: a report of an earlier
// run (a shard that did not run this time) is never among this run's.
TEST(DeployManifests, ProbeJobWritesEachRunsReportsToADirectoryOfItsOwn) {
  const YAML::Node job = probe_job();
  const YAML::Node probe = only_container(job, "probe");
  EXPECT_EQ(value_after(pod_args(probe, 0), "--json"), "/reports/" + kJobUid + "/shard-0.json");
  EXPECT_EQ(value_after(pod_args(probe, 7, "uid-b"), "--json"), "/reports/uid-b/shard-7.json");
  // The wrapper removes and checks the same file.
  EXPECT_EQ(pod_env(probe, 7, "uid-b").at("REPORT"), "/reports/uid-b/shard-7.json");
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
  const auto command = shell_command(probe);
  const FakeStickycheck fake;
  const fs::path report = fake.dir() / kJobUid / "shard-1.json";

  struct Case {
    int code;
    bool writes;
    bool stale_report;  // one from an earlier attempt of this shard is there before
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
    fs::remove_all(report.parent_path());
    if (c.stale_report) {
      fs::create_directories(report.parent_path());
      std::ofstream(report) << "{}";
    }
    const int pod_exit =
        fake.run(command, {{"JOB_UID", kJobUid}, {"REPORT", report.string()}}, c.code, c.writes,
                 "probe 'http://x/?a=1&b=2' --shard 1/3 --header 'X-Test: a  b*'");
    EXPECT_EQ(pod_exit, c.pod_exit);
    EXPECT_EQ(fs::exists(report), c.writes) << "a stale report must not outlive its shard's run";
    EXPECT_EQ(fake.argv(), "probe\nhttp://x/?a=1&b=2\n--shard\n1/3\n--header\nX-Test: a  b*\n")
        << "the args reach stickycheck unchanged";
  }
}

// The first shard of a run to start finds no directory for it; the others find it made.
TEST(DeployManifests, ProbePodMakesItsRunsDirectory) {
  const auto command = shell_command(only_container(probe_job(), "probe"));
  const FakeStickycheck fake;
  const fs::path run_dir = fake.dir() / "reports" / kJobUid;
  for (int shard : {0, 1}) {
    SCOPED_TRACE("shard " + std::to_string(shard));
    const fs::path report = run_dir / ("shard-" + std::to_string(shard) + ".json");
    EXPECT_EQ(fake.run(command, {{"JOB_UID", kJobUid}, {"REPORT", report.string()}}, 0, true,
                       "probe http://x/"),
              0);
    EXPECT_TRUE(fs::exists(report));
  }
}

// Without the uid label (Kubernetes older than 1.27) every shard would write to /reports/ and
// share a run id of "": the pod exits 2, which fails the Job at once, before any probing.
TEST(DeployManifests, ProbePodRefusesToRunWithoutTheJobUid) {
  const auto command = shell_command(only_container(probe_job(), "probe"));
  const FakeStickycheck fake;
  const fs::path report = fake.dir() / "shard-0.json";
  EXPECT_EQ(fake.run(command, {{"JOB_UID", ""}, {"REPORT", report.string()}}, 0, true,
                     "probe http://x/"),
            2);
  EXPECT_FALSE(fake.ran());
  EXPECT_FALSE(fs::exists(report));
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


TEST(DeployManifests, MergeJobMergesOneRunsShardsIntoHtmlJsonAndJunit) {
  const YAML::Node job = merge_job_for(kJobUid);
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["metadata"]["name"].as<std::string>(), "stickycheck-merge");
  EXPECT_EQ(job["spec"]["completions"].as<int>(), 1);
  const YAML::Node merge = only_container(job, "merge");
  EXPECT_EQ(pod_env(only_container(merge_job(), "merge"), 0).at("RUN_ID"), kRunIdPlaceholder)
      << "as written, merge-job.yaml holds the placeholder deploy/README.md replaces";
  const auto env = pod_env(merge, 0);
  EXPECT_EQ(env.at("RUN_ID"), kJobUid);
  const std::string run_dir = "/reports/" + kJobUid;
  EXPECT_EQ(env.at("RUN_DIR"), run_dir) << "where the probe's shards wrote";
  EXPECT_EQ(env.at("SHARDS"), probe_job()["spec"]["completions"].as<std::string>())
      << "--shards must be the probe Job's completions";
  const auto args = pod_args(merge, 0);
  EXPECT_EQ(value_after(args, "--json"), run_dir + "/merged.json");
  EXPECT_EQ(value_after(args, "--html"), run_dir + "/merged.html");
  EXPECT_EQ(value_after(args, "--junit"), run_dir + "/merged.xml");
  EXPECT_EQ(claim_mounted_at(job, "/reports"), claim_mounted_at(probe_job(), "/reports"));
}

// The merge pod's environment and args for the probe run `uid`, with its /reports at `reports`.
std::pair<std::map<std::string, std::string>, std::string> merge_pod_in(const fs::path& reports,
                                                                        const std::string& uid) {
  const YAML::Node merge = only_container(merge_job_for(uid), "merge");
  auto env = pod_env(merge, 0);
  for (auto& [name, value] : env)
    if (value.starts_with("/reports/")) value = reports.string() + value.substr(8);
  std::string args;
  for (const std::string& a : strings(merge["args"])) args += " " + quoted(expand(a, env));
  return {env, args};
}

// The merge pod's wrapper, run as the container would run it against a volume that also holds
// an earlier run's reports: it merges this run's shards, all of them and no others, and exits
// with stickycheck's code (the verdict, or 2 for a refusal).
TEST(DeployManifests, MergePodMergesAllItsRunsShardsAndNoOthers) {
  const auto command = shell_command(only_container(merge_job(), "merge"));
  const FakeStickycheck fake;
  const fs::path reports = fake.dir() / "reports";
  const fs::path run_dir = reports / kJobUid;
  fs::create_directories(run_dir);
  fs::create_directories(reports / "0e0e0e0e-1111-4222-8333-444455556666");
  for (const fs::path& earlier :
       {reports / "0e0e0e0e-1111-4222-8333-444455556666" / "shard-0.json",
        reports / "shard-1.json" /* before reports had a directory per run */})
    std::ofstream(earlier) << "{}";
  const int shards = probe_job()["spec"]["completions"].as<int>();
  ASSERT_EQ(shards, 3);
  std::string expected = "merge\n--shards\n3\n";
  for (int i = 0; i < shards; ++i) {
    const fs::path shard = run_dir / ("shard-" + std::to_string(i) + ".json");
    std::ofstream(shard) << "{}";
    expected += shard.string() + "\n";
  }
  for (const char* format : {"json", "html", "junit"})
    expected += std::string("--") + format + "\n" + (run_dir / "merged.").string() +
                (format == std::string("junit") ? "xml" : format) + "\n";

  const auto [env, args] = merge_pod_in(reports, kJobUid);
  for (int code : {0, 1, 2, 3}) {
    SCOPED_TRACE("stickycheck merge exits " + std::to_string(code));
    EXPECT_EQ(fake.run(command, env, code, false, args), code);
    EXPECT_EQ(fake.argv(), expected);
  }
}

TEST(DeployManifests, MergeSkipsAReportStillBeingWritten) {
  // The temporary file of an atomic write (src/render/output_file.cpp) is path.XXXXXXXX.tmp.
  ASSERT_NE(repo_text("src/render/output_file.cpp").find(R"("{}.{:08x}.tmp")"), std::string::npos)
      << "the temporary report's name changed: check the merge's glob still skips it";
  const auto command = shell_command(only_container(merge_job(), "merge"));
  const FakeStickycheck fake;
  const fs::path run_dir = fake.dir() / "reports" / kJobUid;
  fs::create_directories(run_dir);
  std::ofstream(run_dir / "shard-0.json") << "{}";
  std::ofstream(run_dir / "shard-1.json.0a1b2c3d.tmp") << "{";
  const auto [env, args] = merge_pod_in(fake.dir() / "reports", kJobUid);
  EXPECT_EQ(fake.run(command, env, 0, false, args), 0);
  EXPECT_NE(fake.argv().find((run_dir / "shard-0.json").string() + "\n"), std::string::npos);
  EXPECT_EQ(fake.argv().find(".tmp"), std::string::npos) << fake.argv();
}

// merge-job.yaml applied as written, or with an empty uid, would merge whatever matches
// /reports/REPLACE-WITH-PROBE-JOB-UID/ or /reports//: the pod refuses before reading any report.
TEST(DeployManifests, MergePodRefusesToRunWithoutTheProbeJobsUid) {
  const auto command = shell_command(only_container(merge_job(), "merge"));
  const FakeStickycheck fake;
  for (const std::string& uid : {kRunIdPlaceholder, std::string(), std::string("../x")}) {
    SCOPED_TRACE("RUN_ID \"" + uid + "\"");
    const auto [env, args] = merge_pod_in(fake.dir() / "reports", uid);
    EXPECT_EQ(fake.run(command, env, 0, false, args), 2);
    EXPECT_FALSE(fake.ran());
  }
}

// The README's run gets the probe Job's uid and puts it in place of merge-job.yaml's placeholder.
TEST(DeployReadme, AppliesTheMergeJobWithTheProbeJobsUid) {
  const std::string readme = repo_text("deploy/README.md");
  const std::string probe = probe_job()["metadata"]["name"].as<std::string>();
  const std::string get_uid =
      "uid=$(kubectl get job " + probe + " -o jsonpath='{.metadata.uid}')\n";
  const std::string apply_merge = "sed \"s/" + kRunIdPlaceholder +
                                  "/$uid/\" deploy/kubernetes/merge-job.yaml | kubectl apply -f -";
  const auto got = readme.find(get_uid);
  ASSERT_NE(got, std::string::npos) << get_uid;
  const auto applied = readme.find(apply_merge);
  ASSERT_NE(applied, std::string::npos) << apply_merge;
  EXPECT_LT(got, applied);
}

// `kubectl wait --for=condition=complete` waits out its whole timeout when the Job fails (as
// FailJob on bad input makes it): the README waits for either, and merges only a complete Job.
TEST(DeployReadme, WaitsForTheProbeJobToCompleteOrFail) {
  const std::string readme = repo_text("deploy/README.md");
  for (const char* one_condition : {"--for=condition=complete job", "--for=condition=failed job"})
    EXPECT_EQ(readme.find(one_condition), std::string::npos) << one_condition;
  EXPECT_NE(readme.find("grep -owE 'Complete|Failed'"), std::string::npos);
  const auto waited = readme.find("[ \"$(finished stickycheck-probe)\" = Complete ]");
  ASSERT_NE(waited, std::string::npos);
  EXPECT_LT(waited, readme.find("deploy/kubernetes/merge-job.yaml | kubectl apply"));
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
