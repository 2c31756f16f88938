#include "sim/config/config.hpp"

#include <yaml-cpp/exceptions.h>

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
#include "sim/config/yaml_doc.hpp"

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
    case ParamType::Choice: return (p.list ? "a list of: " : "one of: ") + join(p.choices());
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
        if (p.list) {
          // "[a, b]", "a,b" or "a b": each name one of the choices, kept as "a,b".
          std::string name, canon;
          auto take = [&] {
            if (name.empty()) return;
            if (std::find(choices.begin(), choices.end(), name) == choices.end())
              throw UserError("'" + name + "' is not a" +
                              (std::strchr("aeiouAEIOU", p.choice_noun.empty() ? 'x' : p.choice_noun[0]) ? "n " : " ") +
                              p.choice_noun + "; valid: " + join(choices) + " (or a list of them, such as [" +
                              choices.back() + ", " + choices.front() + "])" + did_you_mean(name, choices));
            canon += (canon.empty() ? "" : ",") + name;
            name.clear();
          };
          for (char ch : text) {
            if (ch == ',' || ch == '[' || ch == ']' || std::isspace(static_cast<unsigned char>(ch))) take();
            else name += ch;
          }
          take();
          v.text = canon.empty() ? p.default_text : canon;
          break;
        }
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

Pos pos_of(const yaml::Node& n, Pos fallback = {}) {
  if (n.line < 0) return fallback;
  return {n.line + 1, n.column + 1};
}

const char* node_kind(const yaml::Node& n) {
  switch (n.kind) {
    case yaml::Node::Kind::Sequence: return "a sequence";
    case yaml::Node::Kind::Map: return "a mapping";
    case yaml::Node::Kind::Null: return "null";
    case yaml::Node::Kind::Scalar: return "a scalar";
  }
  return "nothing";
}
}  // namespace

// Fills a Config from a parsed YAML document, remembering where each value was.
struct ConfigBuilder {
  Config& c;
  const std::string& file;
  const yaml::Document& doc;

  [[noreturn]] void fail(Pos at, const std::string& msg) { throw UserError(located(file, at.line, at.col, msg)); }

  void set_value(const ParamSpec& p, const yaml::Node& value, Pos key_pos) {
    using Kind = yaml::Node::Kind;
    // yaml-cpp marks an empty value at the next token, so point at the key instead.
    Pos at = value.kind == Kind::Null ? key_pos : pos_of(value, key_pos);
    if (value.kind == Kind::Null) fail(at, p.key + ": missing value; expected " + expected(p));
    if (p.list && value.kind == Kind::Sequence) {  // [next_line, stream]
      std::string joined;
      for (const std::uint32_t i : value.items) {
        const yaml::Node& item = doc.at(i);
        if (item.kind != Kind::Scalar)
          fail(pos_of(item, at), p.key + ": expected " + expected(p) + ", got " + node_kind(item));
        joined += (joined.empty() ? "" : ",") + item.scalar;
      }
      try {
        c.slots_[p.key] = {parse_value(p, joined), {file, at.line, at.col}};
      } catch (const UserError& e) {
        fail(at, e.what());
      }
      return;
    }
    if (value.kind != Kind::Scalar) fail(at, p.key + ": expected " + expected(p) + ", got " + node_kind(value));
    try {
      c.slots_[p.key] = {parse_value(p, value.scalar), {file, at.line, at.col}};
    } catch (const UserError& e) {
      fail(at, e.what());
    }
  }

  // The keys of `map`, which sits in `section` ("" for the top level).
  void walk(const std::string& section, const yaml::Node& map) {
    std::map<std::string, int> seen;  // key → line
    for (std::size_t k = 0; k + 1 < map.items.size(); k += 2) {
      const yaml::Node& key = doc.at(map.items[k]);
      const yaml::Node& value = doc.at(map.items[k + 1]);
      Pos kp = pos_of(key);
      if (key.kind != yaml::Node::Kind::Scalar)
        fail(kp, "a key " + where_text(section) + " must be a plain name, got " + node_kind(key));
      const std::string& name = key.scalar;
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

  void walk_section(const SectionSpec& s, const yaml::Node& value, Pos key_pos) {
    using Kind = yaml::Node::Kind;
    Pos at = value.kind == Kind::Null ? key_pos : pos_of(value, key_pos);
    if (value.kind == Kind::Null) {
      if (s.name == "l1d") fail(at, "l1d cannot be null: every core needs an L1 data cache");
      if (!s.nullable) return;  // an empty section: every key keeps its default
      c.present_[s.name] = false;
      c.section_where_[s.name] = {file, key_pos.line, key_pos.col};
      c.reset_section(s.name);
      return;
    }
    if (value.kind != Kind::Map) {
      std::string got = node_kind(value);
      if (value.kind == Kind::Scalar) got += " '" + value.scalar + "'";
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
    c.validate();
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
  yaml::Document doc;
  try {
    doc = yaml::load_one_document(text, origin);
  } catch (const YAML::Exception& e) {
    Pos at = e.mark.is_null() ? Pos{} : Pos{e.mark.line + 1, e.mark.column + 1};
    throw UserError(located(origin, at.line, at.col, "YAML syntax error: " + e.msg + tab_hint(text, at.line)));
  }
  ConfigBuilder b{c, c.origin_, doc};
  const yaml::Node* root = doc.root();
  if (!root || root->kind == yaml::Node::Kind::Null) {
    c.validate();
    return c;
  }
  if (root->kind != yaml::Node::Kind::Map)
    b.fail(pos_of(*root),
           std::string("the top level must be a mapping of keys (cores: 4, l1d: {...}), got ") + node_kind(*root));
  // (The tree is read through no yaml-cpp call: nothing here throws YAML::Exception.)
  b.walk("", *root);
  c.validate();
  return c;
}

void Config::set(const std::string& key, const std::string& value) { set_all({{key, value}}); }

void Config::set_all(const std::vector<std::pair<std::string, std::string>>& assignments) {
  Config next = *this;
  for (const auto& [key, value] : assignments) next.assign(key, value);
  next.validate();
  *this = std::move(next);
}

void Config::set_assignments(const std::vector<std::string>& key_eq_values) {
  std::vector<std::pair<std::string, std::string>> kv;
  for (const std::string& a : key_eq_values) {
    std::size_t eq = a.find('=');
    if (eq == std::string::npos) throw UserError("--set " + a + ": expected key=value, e.g. --set l1d.size=64KiB");
    kv.emplace_back(a.substr(0, eq), a.substr(eq + 1));
  }
  set_all(kv);
}

// One assignment, checked alone (the key exists, the value parses and is in its
// range); the rules across keys wait for validate().
void Config::assign(const std::string& key_in, const std::string& value_in) {
  const std::string origin = "--set " + key_in + "=" + value_in;
  auto fail = [&](const std::string& msg) { throw UserError(located(origin, 0, 0, msg)); };
  const std::string key = trim(key_in);
  const std::string value = unquote(trim(value_in));
  const Where here{origin, 0, 0};
  Config& next = *this;
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
}

void Config::set_assignment(const std::string& key_eq_value) { set_assignments({key_eq_value}); }

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

bool Config::given(const std::string& key) const { return !slots_.at(key).where.file.empty(); }

std::string Config::blame(const std::vector<std::string>& keys) const {
  for (const std::string& k : keys)
    if (given(k)) return k;
  return keys.front();
}

void Config::validate() const {
  for (const auto* rule : config_rules().entries()) {
    std::string blame;
    const std::string why = rule->value.check(*this, blame);
    if (!why.empty()) fail_at(blame, why);
  }
}

COHSIM_DEFINE_REGISTRY(ConfigRule, config_rules, "config.rule")

namespace {

// ---- The rules of the configuration's own structure --------------------------------
// (The rules of a component's keys live beside the component: coherence/, cpu/,
// sim/memory/, sim/system/.)

std::vector<std::string> present_cache_levels(const Config& c) {
  std::vector<std::string> levels;
  for (const char* level : {"l1d", "l2", "l3"})
    if (c.has_level(level)) levels.push_back(level);
  return levels;
}

// Each level: size / (assoc × line_size) sets, a power of two. The per-key ranges
// keep assoc × line_size below 2^32 and the size below 2^35: no product wraps.
std::string cache_geometry_problem(const Config& c, std::string& blame) {
  for (const std::string& level : present_cache_levels(c)) {
    const std::uint64_t size = c.bytes(level + ".size");
    const std::int64_t assoc = c.integer(level + ".assoc");
    const std::uint64_t line = c.bytes(level + ".line_size");
    const std::uint64_t way_bytes = static_cast<std::uint64_t>(assoc) * line;
    if (way_bytes != 0 && size % way_bytes == 0) {
      const std::uint64_t sets = size / way_bytes;
      if (sets >= 1 && (sets & (sets - 1)) == 0) continue;
    }
    std::ostringstream n;
    n.precision(4);
    n << static_cast<double>(size) / static_cast<double>(way_bytes);
    blame = c.blame({level + ".size", level + ".assoc", level + ".line_size"});
    return level + ": size " + format_size(size) + " / (assoc " + std::to_string(assoc) + " × line_size " +
           format_size(line) + ") gives " + n.str() + " sets; the number of sets must be a power of two (1, 2, 4, ...)";
  }
  return "";
}
COHSIM_REGISTER(config_rules, "cache.sets", "each cache level has a power-of-two number of sets",
                ConfigRule{cache_geometry_problem}, -2);

// The prefetchers of a shared level (coherence/shared_cache.*: a shared L2, the L3): it
// sees no PC (ip_stride would train on nothing), and an exclusive one holds only the
// victims of the levels above. A private L2's prefetchers take every choice.
std::string shared_prefetcher_problem(const Config& c, std::string& blame, const std::string& level) {
  const std::string key = level + ".prefetcher";
  const std::string name = level == "l2" ? "a shared L2" : "the L3";
  const std::string upper = level == "l2" ? "L2" : "L3";
  if (!c.has_level(level) || c.choice(key) == "none") return std::string();
  if (level == "l2" && !c.flag("l2.shared")) return std::string();
  std::istringstream names(c.choice(key));
  for (std::string n; std::getline(names, n, ',');)
    if (n.find("ip_stride") != std::string::npos) {
      blame = level == "l2" ? c.blame({key, "l2.shared"}) : key;
      return key + " '" + c.choice(key) + "': ip_stride needs the PC of each access, which " + name +
             " does not see (the fabric's requests carry none); use next_line, stream or best_offset at " + name +
             ", or ip_stride at l1d.prefetcher" + (level == "l2" ? " or a private L2 (l2.shared: false)" : " / l2.prefetcher");
    }
  if (c.choice(level + ".inclusion") == "exclusive") {
    blame = c.blame({key, level + ".inclusion"});
    return key + " '" + c.choice(key) + "' on an exclusive " + upper + " (" + level +
           ".inclusion: exclusive): an exclusive " + upper +
           " holds only the victims of the levels above, so prefetching into it is not modelled; set " + key +
           ": none or " + level + ".inclusion to one of: nine, inclusive";
  }
  return std::string();
}
COHSIM_REGISTER(config_rules, "l2.prefetcher", "a shared L2's prefetchers need no PC and a non-exclusive L2",
                ConfigRule{[](const Config& c, std::string& blame) { return shared_prefetcher_problem(c, blame, "l2"); }},
                -1);
COHSIM_REGISTER(config_rules, "l3.prefetcher", "the L3's prefetchers need no PC and a non-exclusive L3",
                ConfigRule{[](const Config& c, std::string& blame) { return shared_prefetcher_problem(c, blame, "l3"); }},
                -1);

// The L1I (l1i.size > 0): a power-of-two number of sets, above a private L2 (its misses
// read the L2; the L1I is kept a subset of it), and addresses that are physical (an
// ifetch is not translated).
COHSIM_REGISTER(config_rules, "l1i", "an L1I has a power-of-two number of sets and needs a private L2, without vm",
                ConfigRule{[](const Config& c, std::string& blame) {
                  const std::uint64_t size = c.bytes("l1i.size");
                  if (size == 0) return std::string();
                  const std::uint64_t way = std::uint64_t(c.integer("l1i.assoc")) * c.bytes("l1d.line_size");
                  const std::uint64_t sets = size % way == 0 ? size / way : 0;
                  if (sets == 0 || (sets & (sets - 1)) != 0) {
                    blame = c.blame({"l1i.size", "l1i.assoc"});
                    return "l1i: size " + format_size(size) + " / (assoc " + std::to_string(c.integer("l1i.assoc")) +
                           " × l1d.line_size " + format_size(c.bytes("l1d.line_size")) +
                           ") is not a power-of-two number of sets (1, 2, 4, ...)";
                  }
                  if (!c.has_level("l2") || c.flag("l2.shared")) {
                    blame = "l1i.size";
                    return std::string("an L1I (l1i.size ") + format_size(size) +
                           ") is modelled only above a private L2, which it shares with the L1D; this "
                           "configuration has " + (c.has_level("l2") ? "a shared L2" : "no L2") +
                           ". Set l2.shared: false (with an l2 level), or l1i.size: 0 (ifetches counted only)";
                  }
                  if (c.flag("vm.enabled")) {
                    blame = c.blame({"l1i.size", "vm.enabled"});
                    return std::string("an L1I with vm.enabled: true is not modelled (instruction fetches are not "
                                       "translated); set l1i.size: 0 or vm.enabled: false");
                  }
                  return std::string();
                }},
                -1);

// A write-through L1D (l1d.write_back: false) sends its stores to a private L2, which
// stays the coherence point (docs/architecture.md, "Write-through L1D"); the
// write-combining buffer (l1d.wc_entries) exists only on that path.
COHSIM_REGISTER(config_rules, "l1d.write_back",
                "a write-through L1D needs a private L2; a write-combining buffer and no-write-allocate need a "
                "write-through L1D",
                ConfigRule{[](const Config& c, std::string& blame) {
                  const bool through = !c.flag("l1d.write_back");
                  if (through && (!c.has_level("l2") || c.flag("l2.shared"))) {
                    blame = "l1d.write_back";
                    return std::string("a write-through L1D (l1d.write_back: false) is modelled only above a "
                                       "private L2, the coherence point its stores write through to; this "
                                       "configuration has ") +
                           (c.has_level("l2") ? "a shared L2" : "no L2") +
                           ". Set l2.shared: false (with an l2 level), or l1d.write_back: true";
                  }
                  if (!through && !c.flag("l1d.write_allocate")) {
                    blame = "l1d.write_allocate";
                    return std::string("l1d.write_allocate: false (no-write-allocate) is modelled only with a "
                                       "write-through L1D, whose stores reach the L2 without the L1D's line; "
                                       "set l1d.write_back: false, or l1d.write_allocate: true");
                  }
                  if (!through && c.integer("l1d.wc_entries") > 0) {
                    blame = "l1d.wc_entries";
                    return "l1d.wc_entries " + std::to_string(c.integer("l1d.wc_entries")) +
                           ": a write-combining buffer sits on the write-through path only; set l1d.write_back: "
                           "false, or l1d.wc_entries: 0";
                  }
                  return std::string();
                }},
                -1);

COHSIM_REGISTER(config_rules, "cache.line_size", "every cache level has the L1D's line size",
                ConfigRule{[](const Config& c, std::string& blame) {
                  const std::uint64_t l1_line = c.bytes("l1d.line_size");
                  for (const std::string& level : present_cache_levels(c)) {
                    const std::string key = level + ".line_size";
                    const std::uint64_t line = c.bytes(key);
                    if (line == l1_line) continue;
                    blame = c.given(key) || !c.given("l1d.line_size") ? key : "l1d.line_size";
                    return key + " " + std::to_string(line) + " differs from l1d.line_size " +
                           std::to_string(l1_line) + "; the levels must agree";
                  }
                  return std::string();
                }},
                -2);

COHSIM_REGISTER(config_rules, "tlb.sets", "each TLB has a power-of-two number of sets",
                ConfigRule{[](const Config& c, std::string& blame) {
                  for (const char* level : {"dtlb", "stlb"}) {
                    if (!c.has_level(level)) continue;
                    const std::string l = level;
                    const std::int64_t entries = c.integer(l + ".entries"), assoc = c.integer(l + ".assoc");
                    if (assoc >= 1 && entries % assoc == 0) {
                      const std::int64_t sets = entries / assoc;
                      if ((sets & (sets - 1)) == 0) continue;
                    }
                    blame = c.given(l + ".assoc") ? l + ".assoc" : l + ".entries";
                    return l + ": " + std::to_string(entries) + " entries / assoc " + std::to_string(assoc) +
                           " must give a power-of-two number of sets (e.g. entries " + std::to_string(assoc * 16) +
                           ")";
                  }
                  return std::string();
                }},
                -2);

}  // namespace



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

namespace declared {
namespace {
// One resolved copy of the declared defaults, built on first use: choice() returns a
// reference into it, which must outlive the call (a temporary Config did not — ASan).
const Config& the_defaults() {
  static const Config d = Config::defaults();
  return d;
}
}  // namespace
Tick period(const std::string& key) { return the_defaults().period(key); }
Tick ticks(const std::string& key, Tick clock) { return the_defaults().latency(key).to_ticks(clock); }
unsigned count(const std::string& key) { return unsigned(the_defaults().integer(key)); }
std::uint64_t bytes(const std::string& key) { return the_defaults().bytes(key); }
bool flag(const std::string& key) { return the_defaults().flag(key); }
bool present(const std::string& level) { return the_defaults().has_level(level); }
const std::string& choice(const std::string& key) { return the_defaults().choice(key); }
}  // namespace declared

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
        "## Rules across keys\n\n"
        "After every key is checked alone (its type and range, in the `valid` column), these\n"
        "rules relate keys to each other. `cohsim config check`, `cohsim run`, every other\n"
        "command and Python's `cohsim.Config` run them all, once after all `--set` overrides are\n"
        "applied (so their order never matters); a broken rule names the file:line (or the\n"
        "`--set`) of the key to blame and what would be valid.\n\n"
        "| rule | what it requires |\n"
        "| --- | --- |\n";
  for (const auto* r : config_rules().entries()) md << "| `" << r->info.name << "` | " << cell(r->info.description) << " |\n";
  for (const auto& s : config_sections()) {
    md << "\n## " << (s.name.empty() ? "Top level" : "`" + s.name + "`") << "\n\n" << s.description << "\n\n";
    if (s.nullable) md << "Default: " << (s.present_by_default ? "present" : "absent (`null`)") << ".\n\n";
    md << "| key | type | default | valid | description |\n"
          "| --- | --- | --- | --- | --- |\n";
    for (const auto& p : config_params()) {
      if (p.section() != s.name) continue;
      std::string type = p.list ? "list of choices" : type_name(p.type);
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
