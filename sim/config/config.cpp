#include "sim/config/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "sim/base/error.hpp"

namespace cohsim {

std::string ParamSpec::section() const {
  std::size_t dot = key.find('.');
  return dot == std::string::npos ? "" : key.substr(0, dot);
}

std::string ParamSpec::name() const {
  std::size_t dot = key.find('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& choices) {
  std::string n = nearest(word, choices);
  return n.empty() ? "" : " (did you mean '" + n + "'?)";
}

const ParamSpec* find_param(const std::string& key) {
  static const std::map<std::string, const ParamSpec*> index = [] {
    std::map<std::string, const ParamSpec*> m;
    for (const auto& p : config_params()) m[p.key] = &p;
    return m;
  }();
  auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

const SectionSpec* find_section(const std::string& name) {
  for (const auto& s : config_sections())
    if (s.name == name) return &s;
  return nullptr;
}

// The names valid directly inside `section`: its keys, and at the top level also the
// section names.
std::vector<std::string> names_in(const std::string& section) {
  std::vector<std::string> names;
  for (const auto& p : config_params())
    if (p.section() == section) names.push_back(p.name());
  if (section.empty())
    for (const auto& s : config_sections())
      if (!s.name.empty()) names.push_back(s.name);
  return names;
}

std::string where_text(const std::string& section) { return section.empty() ? "at the top level" : "in " + section; }

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::Int: return "int";
    case ParamType::Bool: return "bool";
    case ParamType::Size: return "size";
    case ParamType::Frequency: return "frequency";
    case ParamType::Latency: return "latency";
    case ParamType::Bandwidth: return "bandwidth";
    case ParamType::Choice: return "choice";
    case ParamType::String: return "string";
  }
  return "?";
}

// "a size such as 32KiB", for "missing value" and "wrong node type" messages.
std::string expected(const ParamSpec& p) {
  switch (p.type) {
    case ParamType::Int: return "an integer such as " + p.default_text;
    case ParamType::Bool: return "true or false";
    case ParamType::Size: return "a size such as 32KiB";
    case ParamType::Frequency: return "a frequency such as 3GHz";
    case ParamType::Latency: return "a latency such as 14ns or 4cycles";
    case ParamType::Bandwidth: return "a bandwidth such as 25.6GB/s";
    case ParamType::Choice: return "one of: " + join(p.choices());
    case ParamType::String: return "a string";
  }
  return "a value";
}

bool is_null_text(const std::string& v) { return v == "null" || v == "Null" || v == "NULL" || v == "~"; }

std::string unquote(const std::string& v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    return v.substr(1, v.size() - 2);
  return v;
}

// Parses `text` as the value of `p` and runs its validator. The UserError names the
// key but not the location; the caller adds that.
ParamValue parse_value(const ParamSpec& p, const std::string& raw) {
  ParamValue v;
  std::string text = p.type == ParamType::String ? raw : trim(raw);
  try {
    switch (p.type) {
      case ParamType::Int:
        v.integer = parse_integer(text);
        v.text = std::to_string(v.integer);
        break;
      case ParamType::Bool:
        v.flag = parse_bool(text);
        v.text = v.flag ? "true" : "false";
        break;
      case ParamType::Size:
        v.bytes = parse_size(text);
        v.text = format_size(v.bytes);
        break;
      case ParamType::Frequency:
        v.number = parse_frequency(text);
        v.text = format_frequency(v.number);
        break;
      case ParamType::Latency:
        v.latency = parse_latency(text);
        v.text = format_latency(v.latency);
        break;
      case ParamType::Bandwidth:
        v.number = parse_bandwidth(text);
        v.text = format_bandwidth(v.number);
        break;
      case ParamType::Choice: {
        std::vector<std::string> choices = p.choices();
        if (std::find(choices.begin(), choices.end(), text) == choices.end())
          throw UserError("'" + text + "' is not a" +
                          (std::strchr("aeiouAEIOU", p.choice_noun.empty() ? 'x' : p.choice_noun[0]) ? "n " : " ") +
                          p.choice_noun + "; valid: " + join(choices) + did_you_mean(text, choices));
        v.text = text;
        break;
      }
      case ParamType::String: v.text = text; break;
    }
  } catch (const UserError& e) {
    throw UserError(p.key + ": " + e.what());
  }
  if (p.valid.check) {
    std::string why = p.valid.check(v);
    if (!why.empty()) throw UserError(p.key + ": " + why);
  }
  return v;
}

// A value written into YAML: plain when it reads back as the same string, else quoted.
std::string yaml_scalar(const ParamSpec& p, const std::string& text) {
  bool plain = !text.empty() && p.type != ParamType::String;
  for (unsigned char c : text)
    if (!(std::isalnum(c) || (c && std::strchr("_./+-", c)) || c >= 0x80)) plain = false;
  if (plain) return text;
  std::string q = "\"";
  for (char c : text) {
    if (c == '\n') {
      q += "\\n";
    } else if (c == '\t') {
      q += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
      q += hex;
    } else {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
  }
  return q + "\"";
}

// yaml-cpp reports a tab in the indentation as "illegal map value" and the like.
std::string tab_hint(const std::string& text, int line) {
  std::istringstream in(text);
  std::string l;
  for (int i = 1; std::getline(in, l); ++i) {
    if (i < line - 1) continue;  // the error may be reported on the line after the tab
    if (i > line) break;
    if (l.substr(0, l.find_first_not_of(" \t")).find('\t') != std::string::npos)
      return " (line " + std::to_string(i) + " is indented with a tab; YAML allows only spaces)";
  }
  return "";
}

struct Pos {
  int line = 0, col = 0;
};

Pos pos_of(const YAML::Node& n, Pos fallback = {}) {
  YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return fallback;
  return {m.line + 1, m.column + 1};
}

const char* node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Sequence: return "a sequence";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Null: return "null";
    case YAML::NodeType::Scalar: return "a scalar";
    default: return "nothing";
  }
}

}  // namespace

// Fills a Config from a parsed YAML document, remembering where each value was.
struct ConfigBuilder {
  Config& c;
  const std::string& file;

  [[noreturn]] void fail(Pos at, const std::string& msg) { throw UserError(located(file, at.line, at.col, msg)); }

  void set_value(const ParamSpec& p, const YAML::Node& value, Pos key_pos) {
    // yaml-cpp marks an empty value at the next token, so point at the key instead.
    Pos at = value.IsNull() ? key_pos : pos_of(value, key_pos);
    if (value.IsNull()) fail(at, p.key + ": missing value; expected " + expected(p));
    if (!value.IsScalar()) fail(at, p.key + ": expected " + expected(p) + ", got " + node_kind(value));
    try {
      c.slots_[p.key] = {parse_value(p, value.Scalar()), {file, at.line, at.col}};
    } catch (const UserError& e) {
      fail(at, e.what());
    }
  }

  // The keys of `map`, which sits in `section` ("" for the top level).
  void walk(const std::string& section, const YAML::Node& map) {
    std::map<std::string, int> seen;  // key → line
    for (const auto& kv : map) {
      const YAML::Node key = kv.first;
      const YAML::Node value = kv.second;
      Pos kp = pos_of(key);
      if (!key.IsScalar()) fail(kp, "a key " + where_text(section) + " must be a plain name, got " + node_kind(key));
      const std::string name = key.Scalar();
      if (auto [at, fresh] = seen.emplace(name, kp.line); !fresh)
        fail(kp, "duplicate key '" + name + "' " + where_text(section) + " (first given at line " +
                     std::to_string(at->second) + ")");
      const std::string full = section.empty() ? name : section + "." + name;
      if (section.empty() && !name.empty()) {
        if (const SectionSpec* s = find_section(name)) {
          walk_section(*s, value, kp);
          continue;
        }
      }
      if (const ParamSpec* p = find_param(full); p && p->section() == section) {
        set_value(*p, value, kp);
        continue;
      }
      std::string hint;
      if (section.empty() && find_param(name))
        hint = " (write it nested: " + name.substr(0, name.find('.')) + ": {" + name.substr(name.find('.') + 1) +
               ": ...})";
      else hint = did_you_mean(name, names_in(section));
      fail(kp, "unknown key '" + name + "' " + where_text(section) + "; valid keys: " + join(names_in(section)) + hint);
    }
  }

  void walk_section(const SectionSpec& s, const YAML::Node& value, Pos key_pos) {
    Pos at = value.IsNull() ? key_pos : pos_of(value, key_pos);
    if (value.IsNull()) {
      if (s.name == "l1d") fail(at, "l1d cannot be null: every core needs an L1 data cache");
      if (!s.nullable) return;  // an empty section: every key keeps its default
      c.present_[s.name] = false;
      c.section_where_[s.name] = {file, key_pos.line, key_pos.col};
      c.reset_section(s.name);
      return;
    }
    if (!value.IsMap()) {
      std::string got = node_kind(value);
      if (value.IsScalar()) got += " '" + value.Scalar() + "'";
      fail(at, s.name + ": expected a mapping of its keys (" + join(names_in(s.name)) + ")" +
                   (s.nullable ? " or null" : "") + ", got " + got);
    }
    if (s.nullable) c.present_[s.name] = true;
    c.section_where_[s.name] = {file, key_pos.line, key_pos.col};
    walk(s.name, value);
  }
};

Config Config::defaults() {
  static const Config d = [] {
    Config c;
    c.origin_ = "defaults";
    for (const auto& p : config_params()) c.slots_[p.key] = {parse_value(p, p.default_text), {}};
    for (const auto& s : config_sections())
      if (s.nullable) c.present_[s.name] = s.present_by_default;
    c.cross_check();
    return c;
  }();
  return d;
}

Config Config::load(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw UserError("cannot read config file '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError("cannot read config file '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw UserError("cannot read config file '" + path + "'");
  return from_yaml(text.str(), path);
}

Config Config::from_yaml(const std::string& text, const std::string& origin) {
  Config c = defaults();
  c.origin_ = origin;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    Pos at = e.mark.is_null() ? Pos{} : Pos{e.mark.line + 1, e.mark.column + 1};
    throw UserError(located(origin, at.line, at.col, "YAML syntax error: " + e.msg + tab_hint(text, at.line)));
  }
  ConfigBuilder b{c, c.origin_};
  if (docs.size() > 1) b.fail(pos_of(docs[1]), "only one YAML document is allowed in a config file");
  if (docs.empty() || docs[0].IsNull()) return c;
  const YAML::Node& root = docs[0];
  if (!root.IsMap())
    b.fail(pos_of(root),
           std::string("the top level must be a mapping of keys (cores: 4, l1d: {...}), got ") + node_kind(root));
  try {
    b.walk("", root);
  } catch (const YAML::Exception& e) {  // e.g. a bad alias; reported, never thrown through
    Pos at = e.mark.is_null() ? Pos{} : Pos{e.mark.line + 1, e.mark.column + 1};
    throw UserError(located(origin, at.line, at.col, "YAML error: " + e.msg));
  }
  c.cross_check();
  return c;
}

void Config::set(const std::string& key_in, const std::string& value_in) {
  const std::string origin = "--set " + key_in + "=" + value_in;
  auto fail = [&](const std::string& msg) { throw UserError(located(origin, 0, 0, msg)); };
  const std::string key = trim(key_in);
  const std::string value = unquote(trim(value_in));
  const Where here{origin, 0, 0};
  Config next = *this;

  if (const SectionSpec* s = find_section(key); s && !key.empty()) {
    bool null = is_null_text(value);
    if (key == "l1d" && null) fail("l1d cannot be null: every core needs an L1 data cache");
    if (!s->nullable || !null)
      fail(key + " is a section; set one of its keys (" + join(names_in(key)) + "), e.g. --set " + key + "." +
           names_in(key).front() + "=..." + (s->nullable ? ", or remove it with --set " + key + "=null" : ""));
    next.present_[key] = false;
    next.section_where_[key] = here;
    next.reset_section(key);
  } else if (const ParamSpec* p = find_param(key)) {
    const std::string section = p->section();
    if (next.present_.count(section) && !next.present_[section]) {
      next.present_[section] = true;  // re-created from its defaults
      next.section_where_[section] = here;
      next.reset_section(section);
    }
    try {
      next.slots_[key] = {parse_value(*p, value), here};
    } catch (const UserError& e) {
      fail(e.what());
    }
  } else {
    std::size_t dot = key.find('.');
    std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
    std::vector<std::string> valid;
    if (!section.empty() && find_section(section)) {
      for (const auto& n : names_in(section)) valid.push_back(section + "." + n);
    } else {
      section.clear();
      valid = names_in("");
    }
    std::vector<std::string> candidates = all_keys();
    for (const auto& s : config_sections())
      if (s.nullable) candidates.push_back(s.name);
    fail("unknown key '" + key + "'" + (section.empty() ? "" : " in " + section) + "; valid keys: " + join(valid) +
         did_you_mean(key, candidates));
  }
  next.cross_check();
  *this = std::move(next);
}

void Config::set_assignment(const std::string& key_eq_value) {
  std::size_t eq = key_eq_value.find('=');
  if (eq == std::string::npos)
    throw UserError("--set " + key_eq_value + ": expected key=value, e.g. --set l1d.size=64KiB");
  set(key_eq_value.substr(0, eq), key_eq_value.substr(eq + 1));
}

void Config::reset_section(const std::string& section) {
  const Config& d = defaults();
  for (const auto& p : config_params())
    if (p.section() == section) slots_[p.key] = d.slots_.at(p.key);
}

void Config::fail_at(const std::string& key, const std::string& msg) const {
  const Where& w = slots_.at(key).where;
  if (w.file.empty()) throw UserError(located(origin_, 0, 0, msg));
  throw UserError(located(w.file, w.line, w.col, msg));
}

void Config::cross_check() const {
  auto given = [&](const std::string& key) { return !slots_.at(key).where.file.empty(); };
  std::vector<std::string> levels;
  for (const char* level : {"l1d", "l2", "l3"})
    if (has_level(level)) levels.push_back(level);

  for (const auto& level : levels) {
    const std::uint64_t size = slots_.at(level + ".size").value.bytes;
    const std::int64_t assoc = slots_.at(level + ".assoc").value.integer;
    const std::uint64_t line = slots_.at(level + ".line_size").value.bytes;
    const std::uint64_t way_bytes = static_cast<std::uint64_t>(assoc) * line;
    const std::uint64_t sets = size / way_bytes;
    if (size % way_bytes == 0 && sets >= 1 && (sets & (sets - 1)) == 0) continue;
    std::ostringstream n;
    n.precision(4);
    n << static_cast<double>(size) / static_cast<double>(way_bytes);
    std::string blame = level + ".size";
    for (const char* k : {".size", ".assoc", ".line_size"})
      if (given(level + k)) {
        blame = level + k;
        break;
      }
    fail_at(blame, level + ": size " + format_size(size) + " / (assoc " + std::to_string(assoc) + " × line_size " +
                       format_size(line) + ") gives " + n.str() +
                       " sets; the number of sets must be a power of two (1, 2, 4, ...)");
  }

  const std::uint64_t l1_line = slots_.at("l1d.line_size").value.bytes;
  for (const auto& level : levels) {
    const std::string key = level + ".line_size";
    const std::uint64_t line = slots_.at(key).value.bytes;
    if (line == l1_line) continue;
    std::string blame = given(key) || !given("l1d.line_size") ? key : "l1d.line_size";
    fail_at(blame, key + " " + std::to_string(line) + " differs from l1d.line_size " + std::to_string(l1_line) +
                       "; the levels must agree");
  }

  // TLBs: a power-of-two number of sets.
  for (const char* level : {"dtlb", "stlb"}) {
    if (!has_level(level)) continue;
    const std::string l = level;
    const std::int64_t entries = slots_.at(l + ".entries").value.integer, assoc = slots_.at(l + ".assoc").value.integer;
    const std::int64_t sets = entries / assoc;
    if (entries % assoc == 0 && (sets & (sets - 1)) == 0) continue;
    fail_at(given(l + ".assoc") ? l + ".assoc" : l + ".entries",
            l + ": " + std::to_string(entries) + " entries / assoc " + std::to_string(assoc) +
                " must give a power-of-two number of sets (e.g. entries " + std::to_string(assoc * 16) + ")");
  }
  // A page-table format belongs to one ISA.
  const std::string& format = slots_.at("vm.format").value.text;
  const std::string& isa = slots_.at("isa").value.text;
  if (format != "auto") {
    const std::string fisa = format.rfind("x86", 0) == 0 ? "x86" : format == "arm-4k" ? "arm" : "riscv";
    if (fisa != isa) {
      std::string valid = "auto";
      for (const char* f : {"x86-4level", "x86-5level", "arm-4k", "sv39", "sv48"}) {
        const std::string fs = f;
        const std::string i = fs.rfind("x86", 0) == 0 ? "x86" : fs == "arm-4k" ? "arm" : "riscv";
        if (i == isa) valid += ", " + fs;
      }
      fail_at(given("vm.format") ? "vm.format" : "isa", "vm.format: " + format + " is a page-table format of isa " +
                                                            fisa + ", but isa is " + isa + "; for isa " + isa +
                                                            " use one of: " + valid);
    }
  }

  // The rules registered next to the components they protect.
  for (const auto* rule : config_rules().entries()) {
    std::string blame;
    const std::string why = rule->value.check(*this, blame);
    if (!why.empty()) fail_at(blame, why);
  }
}

COHSIM_DEFINE_REGISTRY(ConfigRule, config_rules, "config.rule")

const Config::Slot& Config::slot(const std::string& key, ParamType type) const {
  const ParamSpec* p = find_param(key);
  if (!p) throw std::logic_error("unknown config key '" + key + "'");
  bool ok = p->type == type || (type == ParamType::String && p->type == ParamType::Choice);
  if (!ok)
    throw std::logic_error("config key '" + key + "' is a " + type_name(p->type) + ", read as a " + type_name(type));
  if (!has_level(p->section()))
    throw std::logic_error("config key '" + key + "' read while " + p->section() + " is absent (check has_level)");
  return slots_.at(key);
}

std::int64_t Config::integer(const std::string& key) const { return slot(key, ParamType::Int).value.integer; }
bool Config::flag(const std::string& key) const { return slot(key, ParamType::Bool).value.flag; }
std::uint64_t Config::bytes(const std::string& key) const { return slot(key, ParamType::Size).value.bytes; }
double Config::hertz(const std::string& key) const { return slot(key, ParamType::Frequency).value.number; }
Tick Config::period(const std::string& key) const { return period_ticks(hertz(key)); }
Latency Config::latency(const std::string& key) const { return slot(key, ParamType::Latency).value.latency; }
double Config::bytes_per_second(const std::string& key) const { return slot(key, ParamType::Bandwidth).value.number; }
const std::string& Config::choice(const std::string& key) const { return slot(key, ParamType::String).value.text; }

const std::string& Config::text(const std::string& key) const {
  const ParamSpec* p = find_param(key);
  if (!p) throw std::logic_error("unknown config key '" + key + "'");
  return slot(key, p->type).value.text;
}

bool Config::has_level(const std::string& level) const {
  if (!find_section(level)) throw std::logic_error("unknown config section '" + level + "'");
  auto it = present_.find(level);
  return it == present_.end() || it->second;
}

std::string Config::where(const std::string& key) const {
  const Where* w = nullptr;
  if (find_section(key) && !key.empty()) {
    auto it = section_where_.find(key);
    if (it != section_where_.end()) w = &it->second;
  } else {
    if (!find_param(key)) throw std::logic_error("unknown config key '" + key + "'");
    w = &slots_.at(key).where;
  }
  if (!w || w->file.empty()) return "default";
  std::string s = w->file;
  if (w->line > 0) s += ":" + std::to_string(w->line);
  if (w->line > 0 && w->col > 0) s += ":" + std::to_string(w->col);
  return s;
}

namespace {

// The rule of a key as one short phrase: "1..256", "one of: lru, plru, random".
std::string valid_text(const ParamSpec& p) {
  if (p.type == ParamType::Choice) return "one of: " + join(p.choices());
  return p.valid.text;
}

}  // namespace

std::string Config::to_yaml() const {
  std::ostringstream out;
  out << "# cohsim configuration, resolved: every key with its value or default.\n"
         "# Reference: docs/config.md\n";
  std::string section = "-";  // none yet
  bool skipping = false;      // inside an absent level
  for (const auto& p : config_params()) {
    const std::string s = p.section();
    if (s != section) {
      section = s;
      skipping = false;
      out << "\n";
      if (!s.empty()) {
        out << "# " << find_section(s)->description << "\n";
        if (!has_level(s)) {
          out << s << ": null\n";
          skipping = true;
        } else {
          out << s << ":\n";
        }
      }
    }
    if (skipping) continue;
    const std::string indent = s.empty() ? "" : "  ";
    std::string rule = valid_text(p);
    out << indent << "# " << p.description << (rule.empty() ? "" : " [" + rule + "]") << "\n";
    out << indent << p.name() << ": " << yaml_scalar(p, slots_.at(p.key).value.text) << "\n";
  }
  return out.str();
}

std::vector<std::string> all_keys() {
  std::vector<std::string> keys;
  for (const auto& p : config_params()) keys.push_back(p.key);
  return keys;
}

std::string config_reference_markdown() {
  auto cell = [](std::string s) {
    std::string r;
    for (char c : s) r += c == '|' ? std::string("\\|") : std::string(1, c);
    return r;
  };
  std::ostringstream md;
  md << "# Configuration reference\n\n"
        "<!-- GENERATED from sim/params.cpp by config_reference_markdown(); do not edit.\n"
        "     Regenerate: COHSIM_UPDATE_DOCS=1 <build>/tests/unit_tests --gtest_filter='ConfigDocs.*' -->\n\n"
        "One YAML file describes a system. Every key has a default, so a file lists only what\n"
        "differs from it; `cohsim config show` prints the resolved configuration with every\n"
        "default filled in. Unknown keys, bad values and impossible combinations are errors that\n"
        "name the file, line and column.\n\n"
        "Any key can be overridden from the command line (and from Python) with\n"
        "`--set key=value`, e.g. `--set l1d.size=64KiB`. `--set l2=null` removes a cache level;\n"
        "setting a key of an absent level (`--set l2.size=1MiB`) re-creates it from its defaults.\n\n"
        "```yaml\n"
        "cores: 4\n"
        "l1d: {size: 64KiB, assoc: 8, latency: 1ns}\n"
        "l2: null            # no L2: the L1s sit directly below the shared L3\n"
        "l3: {size: 16MiB}   # the keys not given keep their defaults\n"
        "memory: {latency: 80ns, bandwidth: 19.2GiB/s}\n"
        "```\n\n"
        "## Units\n\n"
        "| type | examples | meaning |\n"
        "| --- | --- | --- |\n"
        "| int | `16`, `1_000_000` | a whole number; `_` separates digits |\n"
        "| bool | `true`, `false` | |\n"
        "| size | `64`, `64B`, `32KiB`, `1MiB`, `2GiB` | bytes; `KB`, `MB`, `GB` are rejected as "
        "ambiguous (use `KiB` = 1024 bytes) |\n"
        "| frequency | `3GHz`, `2.4GHz`, `800MHz`, `100kHz` | hertz |\n"
        "| latency | `14ns`, `500ps`, `1.5us`, `40cycles`, `1cycle` | a time, or a whole number of "
        "cycles of the clock of the component it belongs to |\n"
        "| bandwidth | `25.6GB/s`, `800MB/s`, `19.2GiB/s` | bytes per second; `GB` = 10^9, `GiB` = "
        "2^30 |\n"
        "| choice | `msi` | one of the listed names |\n\n"
        "Cross-checks: for each cache level, size / (assoc × line_size) must be a power of two\n"
        "(the number of sets), and every level must have the same line_size.\n";
  for (const auto& s : config_sections()) {
    md << "\n## " << (s.name.empty() ? "Top level" : "`" + s.name + "`") << "\n\n" << s.description << "\n\n";
    if (s.nullable) md << "Default: " << (s.present_by_default ? "present" : "absent (`null`)") << ".\n\n";
    md << "| key | type | default | valid | description |\n"
          "| --- | --- | --- | --- | --- |\n";
    for (const auto& p : config_params()) {
      if (p.section() != s.name) continue;
      std::string type = type_name(p.type);
      if (!p.unit.empty()) type += " (" + p.unit + ")";
      std::string rule;
      if (p.type == ParamType::Choice) {
        for (const auto& c : p.choices()) rule += (rule.empty() ? "`" : ", `") + c + "`";
      } else {
        rule = p.valid.text;
      }
      const std::string def = p.default_text.empty() ? "(empty)" : "`" + cell(p.default_text) + "`";
      md << "| `" << p.key << "` | " << cell(type) << " | " << def << " | " << cell(rule) << " | "
         << cell(p.description) << " |\n";
    }
  }
  return md.str();
}

}  // namespace cohsim
