#include "run_cohsim.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace cohsim::test {

double RunResult::at(const std::string& k) const {
  auto it = stats.find(k);
  if (it == stats.end()) {
    ADD_FAILURE() << "no statistic " << k << "\nstderr: " << err;
    return -1;
  }
  return it->second;
}

std::string RunResult::statistics_json() const {
  const std::size_t at = json.find(",\n  \"_provenance\": ");
  return at == std::string::npos ? json : json.substr(0, at) + "\n}\n";
}

// One directory per test process, removed when the process exits (set
// COHSIM_KEEP_TEST_FILES to keep it for a look at the traces and outputs).
std::string temp_dir() {
  struct Dir {
    std::string path;
    Dir() {
      char tmpl[] = "/tmp/cohsim-test-XXXXXX";
      if (!mkdtemp(tmpl)) throw std::runtime_error("cannot create a directory under /tmp");
      path = tmpl;
    }
    ~Dir() {
      std::error_code ec;
      if (!std::getenv("COHSIM_KEEP_TEST_FILES")) std::filesystem::remove_all(path, ec);
    }
  };
  static Dir dir;
  return dir.path;
}

std::string write_temp(const std::string& name, const std::string& text) {
  std::string p = temp_dir() + "/" + name;
  std::ofstream(p) << text;
  return p;
}

static std::string slurp(const std::string& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The stats JSON: "key": number, or "key": {histogram}; "_meta" and "_provenance" are
// not statistics. Reads the numbers.
static std::map<std::string, double> parse_stats(const std::string& text) {
  std::map<std::string, double> m;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return m;
  for (auto& [k, v] : j.items())
    if (v.is_number()) m[k] = v.get<double>();
  return m;
}

RunResult run_cli(const std::vector<std::string>& args) {
  static int n = 0;
  const std::string base = temp_dir() + "/run" + std::to_string(n++);
  const std::string out = base + ".out", err = base + ".err";
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string bin = COHSIM_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(126);
    // A run that hangs or floods its output must fail the test, not the machine.
    alarm(900);
    struct rlimit fsize {
      64 << 20, 64 << 20
    };
    setrlimit(RLIMIT_FSIZE, &fsize);
    execv(bin.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

RunResult simulate(const std::string& yaml, const std::string& trace, const std::vector<std::string>& extra) {
  static int n = 0;
  const std::string id = std::to_string(n++);
  const std::string cfg = write_temp("sim" + id + ".yaml", yaml);
  const std::string tr = write_temp("sim" + id + ".trace", trace);
  const std::string js = temp_dir() + "/sim" + id + ".json";
  std::vector<std::string> args{"run", cfg, "--trace", tr, "--stats", js, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult r = run_cli(args);
  r.json = slurp(js);
  r.stats = parse_stats(r.json);
  return r;
}

void expect_stress_coverage(const std::string& stress_json, const std::map<std::string, int>& floors,
                            const std::string& key) {
  const std::string field = "\"cells_hit\": ";
  const std::size_t at = stress_json.find(field);
  ASSERT_NE(at, std::string::npos) << stress_json;
  const int hit = std::stoi(stress_json.substr(at + field.size()));
  const auto it = floors.find(key);
  if (it == floors.end()) {
    ADD_FAILURE() << "no coverage floor for " << key << ": this run hit " << hit << " cells";
    return;
  }
  const std::size_t never = stress_json.find("\"cells_never_hit\"");
  EXPECT_GE(hit, it->second) << key << ": the run hit fewer protocol-table cells than when its floor was recorded\n"
                             << (never == std::string::npos ? stress_json : stress_json.substr(never, 600));
}

}  // namespace cohsim::test
