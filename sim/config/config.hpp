// The configuration of one simulated system. Every parameter is declared once, in
// sim/params.cpp (key, type, default, unit, description, validator); from that list
// come the YAML validation, `Config::to_yaml()` (what `cohsim config show` prints),
// the reference docs (docs/config.md, see config_reference_markdown()) and the key
// names for Python. A Config is a plain value: load it, override keys with set(),
// read typed values with the getters.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/base/registry.hpp"
#include "sim/base/types.hpp"
#include "sim/base/units.hpp"

namespace cohsim {

// ---- The schema (declared in sim/params.cpp) --------------------------------------

enum class ParamType { Int, Bool, Size, Frequency, Latency, Bandwidth, Choice, String };

// A parsed value of any type; only the field of the parameter's type is meaningful.
struct ParamValue {
  std::string text;  // canonical text (format_size(...) etc.); parses back to the same value
  std::int64_t integer = 0;
  bool flag = false;
  std::uint64_t bytes = 0;
  double number = 0;  // hertz or bytes per second
  Latency latency;
};

struct Validator {
  std::string text;  // the rule as the docs show it: "1..256", "power of two, 16B..4KiB"
  // "" when `v` is fine, else what is wrong ("must be 1..256, got 0").
  std::function<std::string(const ParamValue& v)> check;
};

struct ParamSpec {
  std::string key;  // "cores", "l1d.size": section and name, at most one dot
  ParamType type = ParamType::Int;
  std::string default_text;
  std::string unit;  // hint for the docs: "entries", "cycles of the core clock", ...
  std::string description;
  Validator valid;                                    // optional
  std::function<std::vector<std::string>()> choices;  // Choice only
  std::string choice_noun;                            // Choice only: "'mesi2' is not a <protocol>"
  // Choice only: the value is a list of choices ("[next_line, stream]" in YAML, a
  // sequence or a comma-separated string), kept as "next_line,stream".
  bool list = false;

  std::string section() const;  // "l1d" for "l1d.size", "" for "cores"
  std::string name() const;     // "size" for "l1d.size"
};

// A group of keys: the top level (""), `core`, a cache level, `memory`, ...
struct SectionSpec {
  std::string name;
  std::string description;
  bool nullable = false;  // `l2: null` removes the level
  bool present_by_default = true;
};

const std::vector<SectionSpec>& config_sections();  // in declaration order
const std::vector<ParamSpec>& config_params();      // in declaration order

// The names these choices accept: the entries registered under their kind
// (sim/base/registry.hpp; docs/architecture.md "Plug-ins and choices"), so a new ISA,
// protocol or fabric is accepted, documented and swept by the tests once it registers.
std::vector<std::string> isa_choices();       // kind "isa": x86, arm, riscv
std::vector<std::string> protocol_choices();  // kind "coherence.protocol": msi, mesi, ...
std::vector<std::string> fabric_choices();    // kind "coherence.fabric": bus, directory

// ---- The configuration ---------------------------------------------------------

class Config {
 public:
  // UserError on I/O, YAML syntax (with line:col) and schema violations.
  static Config load(const std::string& path);
  static Config from_yaml(const std::string& text, const std::string& origin = "<yaml>");
  static Config defaults();

  // `--set key=value`: the same validation as YAML, with origin "--set key=value".
  // `--set l2=null` removes a level; setting a key of an absent level re-creates the
  // level from its defaults. Then validate(); on error nothing changes.
  void set(const std::string& key, const std::string& value);
  void set_assignment(const std::string& key_eq_value);  // "key=value"
  // Every assignment applied (each key parsed and range-checked), then validate()
  // once: the order of the assignments never matters, and a combination reached
  // only after all of them (l1d.size=256B with l1d.assoc=2) is fine. A later
  // assignment of the same key wins. On error nothing changes.
  void set_all(const std::vector<std::pair<std::string, std::string>>& assignments);
  void set_assignments(const std::vector<std::string>& key_eq_values);

  // Every cross-key rule (config_rules(), in rank order); UserError naming the
  // file:line (or the --set) of the key to blame and what would be valid. Load,
  // set, every command and Python's Config run it; a Config that passed it builds.
  void validate() const;

  // Was the key given (in a file or by --set), not left at its default?
  bool given(const std::string& key) const;
  // The first of `keys` that was given, else the first: the key a rule blames.
  std::string blame(const std::vector<std::string>& keys) const;

  // The resolved configuration, every default filled in, in declaration order, one
  // `# description` comment per key. Loading it gives back the same Config.
  std::string to_yaml() const;

  // Typed getters. The key must be declared with that type and, for a cache key, its
  // level must be present; otherwise std::logic_error (a simulator bug).
  std::int64_t integer(const std::string& key) const;
  bool flag(const std::string& key) const;
  std::uint64_t bytes(const std::string& key) const;
  double hertz(const std::string& key) const;
  Tick period(const std::string& key) const;  // period of a frequency key, in fs
  Latency latency(const std::string& key) const;
  double bytes_per_second(const std::string& key) const;
  const std::string& choice(const std::string& key) const;  // Choice or String keys
  const std::string& text(const std::string& key) const;    // canonical text of any key

  bool has_level(const std::string& level) const;  // "l2" present?
  // "file:line:col" (or "--set key=value") where the value came from, or "default".
  // Also accepts a level name ("l2").
  std::string where(const std::string& key) const;
  const std::string& origin() const { return origin_; }

  struct Where {
    std::string file;  // "" for a default
    int line = 0;      // 1-based; 0 when unknown (--set)
    int col = 0;
  };

 private:
  struct Slot {
    ParamValue value;
    Where where;
  };

  Config() = default;
  const Slot& slot(const std::string& key, ParamType type) const;
  void reset_section(const std::string& section);
  void assign(const std::string& key, const std::string& value);
  [[noreturn]] void fail_at(const std::string& key, const std::string& msg) const;

  friend struct ConfigBuilder;

  std::map<std::string, Slot> slots_;           // every declared key
  std::map<std::string, bool> present_;         // per nullable section
  std::map<std::string, Where> section_where_;  // where a section was given or removed
  std::string origin_;
};

// A rule across keys, registered next to the component whose keys it relates
// (COHSIM_REGISTER(config_rules, "dram", "what it checks", ConfigRule{...}[, rank])).
// Config::validate() (load, set, `config check`, every command, Python) runs them all
// after the per-key checks, by rank then name: a rule may rely on every rule of a
// lower rank (rank -1: the cache geometry, so the number of sets is a power of two
// before any rule divides by it). `check` returns "" when the configuration is fine,
// else the message, with the key to blame (whose file:line starts the message) in
// `blame`. A rule never throws: it only reads keys the per-key ranges have bounded.
struct ConfigRule {
  std::function<std::string(const Config& cfg, std::string& blame)> check;
};
Registry<ConfigRule>& config_rules();

// The declared defaults (Config::defaults()), for the C++ parameter structs whose
// members mirror configuration keys: a member's default is read from params.cpp,
// never typed a second time (DirectoryParams::latency was 0 here and 10 cycles there).
namespace declared {
Tick period(const std::string& frequency_key);                  // fs
Tick ticks(const std::string& latency_key, Tick clock_period);  // fs
unsigned count(const std::string& int_key);
std::uint64_t bytes(const std::string& size_key);
bool flag(const std::string& bool_key);
bool present(const std::string& level);
const std::string& choice(const std::string& key);
}  // namespace declared

// docs/config.md, generated from the declarations.
std::string config_reference_markdown();

// Every key path, in declaration order ("cores", ..., "l1d.size", ...).
std::vector<std::string> all_keys();

}  // namespace cohsim
