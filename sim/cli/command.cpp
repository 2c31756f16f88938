#include "sim/cli/command.hpp"

#include <iostream>
#include <sstream>

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

bool CommandLine::parse(const std::vector<std::string>& args) {
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
  Config cfg = has(name) ? Config::load(str(name)) : Config::defaults();
  apply_sets(cfg);
  return cfg;
}

}  // namespace cohsim
