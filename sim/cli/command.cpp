#include "sim/cli/command.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <systemc>

#include "sim/base/error.hpp"
#include "sim/base/version.hpp"
#include "sim/config/config.hpp"

namespace po = boost::program_options;

namespace cohsim {

COHSIM_DEFINE_REGISTRY(Command, command_registry, "command")

std::string command_usage() {
  std::size_t w = 0;
  for (auto* e : command_registry().entries())
    for (auto& u : e->value.usage) w = std::max(w, u.first.size());
  std::ostringstream o;
  o << "usage: cohsim COMMAND [options]\n       cohsim --version\n\ncommands:\n";
  for (auto* e : command_registry().entries())
    for (auto& u : e->value.usage) o << "  " << u.first << std::string(w + 2 - u.first.size(), ' ') << u.second << "\n";
  o << "\n`cohsim COMMAND --help` explains a command's options.\n";
  return o.str();
}

namespace {

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cerr << command_usage();
    return 2;
  }
  const std::string cmd = argv[0];
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    std::cout << command_usage();
    return 0;
  }
  if (cmd == "--version" || cmd == "version") {
    if (!args.empty()) throw UsageError("--version takes no arguments");
    std::cout << version_line() << "\n";
    return 0;
  }
  if (const Command* c = command_registry().find(cmd)) return c->run(args);
  const auto names = command_registry().names();
  std::string list;
  for (auto& n : names) list += (list.empty() ? "" : ", ") + n;
  const std::string near = nearest(cmd, names);
  throw UsageError("unknown command '" + cmd + "'; valid: " + list +
                   (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

int run_caught(const std::vector<std::string>& argv) {
  try {
    return dispatch(argv);
  } catch (const UserError& e) {
    std::cerr << "cohsim: error: " << e.what() << "\n";
    return 1;
  } catch (const UsageError& e) {
    std::cerr << "cohsim: " << e.what() << "\n";
    return 2;
  } catch (const po::error& e) {
    std::cerr << "cohsim: " << e.what() << " (see cohsim " << (argv.empty() ? "" : argv[0]) << " --help)\n";
    return 2;
  } catch (const SimError& e) {
    std::cerr << "cohsim: internal error (a simulator bug; please report it with this dump):\n" << e.what() << "\n";
    return 3;
  } catch (const sc_core::sc_report& e) {
    std::cerr << "cohsim: internal SystemC error: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "cohsim: internal error: " << e.what() << "\n";
    return 3;
  }
}

std::vector<std::string>& added_data_dirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

// declared_options: while set, CommandLine::parse throws the options it declares.
bool probing = false;
struct Declared {
  std::vector<std::string> options;
};

bool is_file(const std::string& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec);
}

}  // namespace

int run_cohsim(const std::vector<std::string>& args) {
  const int status = run_caught(args);
  std::cout.flush();
  return status;
}

void add_data_dir(const std::string& dir) { added_data_dirs().push_back(dir); }

std::vector<std::string> data_dirs() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("COHSIM_DATA_DIR")) {
    std::string s = env;
    for (std::size_t a = 0; a <= s.size();) {
      std::size_t b = s.find(':', a);
      if (b == std::string::npos) b = s.size();
      if (b > a) candidates.push_back(s.substr(a, b - a));
      a = b + 1;
    }
  }
  for (auto& d : added_data_dirs()) candidates.push_back(d);
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    const std::filesystem::path exe(std::string(buf, std::size_t(n)));
    candidates.push_back((exe.parent_path().parent_path() / "share" / "cohsim").string());
  }
  std::vector<std::string> dirs;
  for (auto& c : candidates) {
    std::error_code ec;
    if (std::filesystem::is_directory(c, ec) && std::find(dirs.begin(), dirs.end(), c) == dirs.end()) dirs.push_back(c);
  }
  return dirs;
}

std::string find_input(const std::string& path, InputKind kind) {
  if (path.empty() || path == "-" || is_file(path) || path[0] == '/') return path;
  const bool bare = kind == InputKind::Config && path.find('/') == std::string::npos;
  const std::string as_config = "configs/" + path + (path.size() > 5 && path.substr(path.size() - 5) == ".yaml" ? "" : ".yaml");
  if (bare && is_file(as_config)) return as_config;
  for (auto& d : data_dirs()) {
    if (is_file(d + "/" + path)) return d + "/" + path;
    if (bare && is_file(d + "/" + as_config)) return d + "/" + as_config;
  }
  return path;
}

po::typed_value<std::string>* count_value(std::uint64_t default_value) {
  return po::value<std::string>()->default_value(std::to_string(default_value))->value_name("N");
}
po::typed_value<std::string>* count_value() { return po::value<std::string>()->value_name("N"); }

CommandLine::CommandLine(std::string synopsis, std::string about)
    : synopsis_(std::move(synopsis)), about_(std::move(about)) {
  while (!about_.empty() && about_.back() == '\n') about_.pop_back();
  desc_.add_options()("help,h", "explain the options");
}

void CommandLine::positional(const std::string& name, bool required, bool many) {
  positional_.emplace_back(name, required);
  many_ = many;
}

void CommandLine::add_set(const std::string& example) {
  desc_.add_options()("set,s", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
                      ("override a configuration key: --set " + example + " (repeatable)").c_str());
}

void CommandLine::add_json(const std::string& what) { desc_.add_options()("json", what.c_str()); }

std::vector<std::string> declared_options(const std::vector<std::string>& path) {
  const Command* c = path.empty() ? nullptr : command_registry().find(path[0]);
  if (!c) return {};
  struct Probe {
    Probe() { probing = true; }
    ~Probe() { probing = false; }
  } probe;
  try {
    c->run(std::vector<std::string>(path.begin() + 1, path.end()));
  } catch (const Declared& d) {
    return d.options;
  } catch (...) {
  }
  return {};
}

bool CommandLine::parse(const std::vector<std::string>& args) {
  if (probing) {
    Declared d;
    for (auto& o : desc_.options()) {
      d.options.push_back("--" + o->long_name());
      const std::string s = o->canonical_display_name(po::command_line_style::allow_dash_for_short);
      if (s.size() == 2 && s[0] == '-') d.options.push_back(s);
    }
    throw d;
  }
  po::options_description all;
  all.add(desc_);
  po::positional_options_description pos;
  for (std::size_t i = 0; i < positional_.size(); ++i) {
    const std::string& p = positional_[i].first;
    const bool last_many = many_ && i + 1 == positional_.size();
    if (last_many) all.add_options()(p.c_str(), po::value<std::vector<std::string>>(), "");
    else all.add_options()(p.c_str(), po::value<std::string>(), "");
    pos.add(p.c_str(), last_many ? -1 : 1);
  }
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm_);
  if (vm_.count("help")) {
    std::cout << "usage: " << synopsis_ << "\n\n" << (about_.empty() ? "" : about_ + "\n\n") << desc_ << "\n";
    return false;
  }
  po::notify(vm_);
  for (auto& [p, required] : positional_) {
    std::string upper = p;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    if (required && !vm_.count(p)) throw UsageError("missing " + upper + "\nusage: " + synopsis_);
  }
  return true;
}

std::string CommandLine::str(const std::string& name) const { return vm_[name].as<std::string>(); }

std::vector<std::string> CommandLine::strs(const std::string& name) const {
  if (!vm_.count(name)) return {};
  return vm_[name].as<std::vector<std::string>>();
}

std::uint64_t CommandLine::count(const std::string& name, std::uint64_t min, std::uint64_t max) const {
  const std::string text = str(name);
  const std::string range =
      max == std::numeric_limits<std::uint64_t>::max()
          ? (min == 0 ? "a whole number, 0 or more" : "a whole number, " + std::to_string(min) + " or more")
          : "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  std::uint64_t v = 0;
  bool ok = !text.empty();
  for (std::size_t i = (text.size() > 1 && text[0] == '+') ? 1 : 0; ok && i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') ok = false;
    else if (v > (std::numeric_limits<std::uint64_t>::max() - std::uint64_t(c - '0')) / 10) {
      ok = false;  // more than 2^64-1
    } else v = v * 10 + std::uint64_t(c - '0');
  }
  if (!ok || v < min || v > max) throw UsageError("--" + name + " " + text + ": give " + range);
  return v;
}

std::vector<std::string> CommandLine::sets() const { return strs("set"); }

void CommandLine::apply_sets(Config& cfg) const {
  cfg.set_assignments(sets());  // all applied, then validated once: their order never matters
}

Config CommandLine::config(const std::string& name) const {
  Config cfg = Config::defaults();
  if (has(name)) {
    const std::string given = str(name), path = find_input(given, InputKind::Config);
    if (path == given && !is_file(path) && given[0] != '/') {
      // Not here, nor installed: say where else it was looked for.
      std::string where;
      for (auto& d : data_dirs()) where += (where.empty() ? "" : ", ") + d;
      try {
        cfg = Config::load(path);
      } catch (const UserError& e) {
        if (where.empty()) throw;
        throw UserError(std::string(e.what()) + " (nor under the installed data: " + where + ")");
      }
    } else {
      cfg = Config::load(path);
    }
  }
  apply_sets(cfg);
  return cfg;
}

}  // namespace cohsim
