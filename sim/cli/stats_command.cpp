// `cohsim stats docs|schema`: the declarations of every statistic (COHSIM_STAT).
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/base/error.hpp"
#include "sim/base/stats.hpp"
#include "sim/cli/command.hpp"

#include <cctype>
#include <set>

namespace cohsim {

namespace {

// A C++ identifier suggested for a statistic's declaration: bus.avg_wait_cycles -> kStatAvgWaitCycles.
std::string suggested_var(const std::string& name) {
  std::string leaf = name.substr(name.rfind('.') + 1), v = "kStat";
  bool up = true;
  for (char c : leaf) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      up = true;
      continue;
    }
    v += up ? char(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return v;
}

// The pattern suggested for a statistic: numbers in its parts become '*' (core3 -> core*).
std::string suggested_pattern(const std::string& name) {
  std::string p;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(name[i])) && i > 0 && std::isalpha(static_cast<unsigned char>(name[i - 1]))) {
      while (i + 1 < name.size() && std::isdigit(static_cast<unsigned char>(name[i + 1]))) ++i;
      p += '*';
    } else {
      p += name[i];
    }
  }
  return p;
}

int check_files(const std::vector<std::string>& files) {
  std::size_t keys = 0, missing = 0;
  std::set<std::string> reported;
  for (const std::string& path : files) {
    std::ifstream f(path);
    if (!f) throw UserError(path + ": cannot read");
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(f);
    } catch (const nlohmann::json::exception& e) {
      throw UserError(path + ": not JSON: " + e.what());
    }
    if (!j.is_object()) throw UserError(path + ": not a statistics JSON object");
    for (auto& [name, value] : j.items()) {
      if (name.empty() || name[0] == '_') continue;  // "_meta", "_provenance": not statistics
      ++keys;
      if (find_stat_declaration(name)) continue;
      ++missing;
      const std::string pattern = suggested_pattern(name);
      if (!reported.insert(pattern).second) continue;
      std::cout << path << ": statistic '" << name << "' is not declared. Declare it beside its registration:\n"
                << "  COHSIM_STAT(" << suggested_var(name) << ", \"" << pattern << "\", \"count\", \"\", \"<what it "
                << "counts>\");\n"
                << "  (unit: one of `cohsim stats docs`'s units; clock \"core\"/\"uncore\"/\"dram\" for cycles) and "
                   "register it with that name: s.counter("
                << suggested_var(name) << ", ...); then: build/cohsim stats docs > docs/stats.md\n";
    }
  }
  std::cout << keys << " statistics in " << files.size() << " file(s), " << missing << " undeclared\n";
  return missing ? 1 : 0;
}

int run_stats(const std::vector<std::string>& args) {
  const char* kForms = "cohsim stats docs|schema\n       cohsim stats check FILE.json...";
  if (args.empty()) throw UsageError(std::string("missing a stats command (docs, schema, check)\nusage: ") + kForms);
  const std::string sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "--help" || sub == "-h") {
    std::cout << "usage: " << kForms << "\n";
    return 0;
  }
  if (sub == "docs") {
    CommandLine cl("cohsim stats docs", "Prints the reference of every statistic (markdown; docs/stats.md).");
    if (!cl.parse(rest)) return 0;
    std::cout << stats_reference_markdown();
    return 0;
  }
  if (sub == "schema") {
    CommandLine cl("cohsim stats schema",
                   "Prints every statistic's declaration as JSON: {PATTERN: {unit, clock, description, file}}.");
    if (!cl.parse(rest)) return 0;
    std::cout << stats_schema_json() << "\n";
    return 0;
  }
  if (sub == "check") {
    CommandLine cl("cohsim stats check FILE.json...",
                   "Checks that every statistic in --stats JSON files is declared (COHSIM_STAT); exit 1 naming "
                   "each one that is not, with the line to add.");
    cl.positional("files", true, true);
    if (!cl.parse(rest)) return 0;
    return check_files(cl.strs("files"));
  }
  const std::string near = nearest(sub, {"docs", "schema", "check"});
  throw UsageError("unknown stats command '" + sub + "'; valid: docs, schema, check" +
                   (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

}  // namespace

COHSIM_REGISTER(command_registry, "stats", "document the statistics",
                Command{{{"stats docs", "print the reference of every statistic (markdown)"},
                         {"stats schema", "print every statistic's unit, clock and description (JSON)"},
                         {"stats check FILE.json...", "check that every statistic in --stats files is declared"}},
                        run_stats},
                1);

}  // namespace cohsim
