#include "sim/config/yaml_doc.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <sstream>

#include "sim/base/error.hpp"

namespace cohsim::yaml {
namespace {

// Builds the first document's tree from the parser's events, as yaml-cpp's NodeBuilder
// builds YAML::Load's nodes (each node marked where its event was; an alias is the
// anchored node itself), and notes where every document and its root node start.
// The documents after the first are only noted.
struct TreeBuilder final : YAML::EventHandler {
  explicit TreeBuilder(Document& d) : doc(d) {}
  Document& doc;
  std::vector<YAML::Mark> starts, roots;  // each document's start and its root node's place
  std::vector<std::uint32_t> open;        // the collections being filled, innermost last
  std::vector<std::uint32_t> anchors{0};  // anchor -> node (yaml-cpp numbers them from 1)

  bool building() const { return starts.size() == 1; }

  void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { add(m, a, Node::Kind::Null); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    note_root(m);
    if (building()) attach(anchors.at(a));
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string& value) override {
    if (const std::uint32_t n = add(m, a, Node::Kind::Scalar); n != kNone) doc.nodes[n].scalar = value;
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    start(add(m, a, Node::Kind::Sequence));
  }
  void OnSequenceEnd() override { end(); }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    start(add(m, a, Node::Kind::Map));
  }
  void OnMapEnd() override { end(); }

 private:
  static constexpr std::uint32_t kNone = ~std::uint32_t(0);

  void note_root(const YAML::Mark& m) {
    if (roots.size() < starts.size()) roots.push_back(m);
  }
  // A new node of the first document (kNone in a later one), put in its collection.
  std::uint32_t add(const YAML::Mark& m, YAML::anchor_t a, Node::Kind kind) {
    note_root(m);
    if (!building()) return kNone;
    const auto n = static_cast<std::uint32_t>(doc.nodes.size());
    Node& node = doc.nodes.emplace_back();
    node.kind = kind;
    node.line = m.line;
    node.column = m.column;
    if (a) {
      if (anchors.size() <= a) anchors.resize(a + 1, 0);
      anchors[a] = n;
    }
    attach(n);
    return n;
  }
  void attach(std::uint32_t n) {
    if (!open.empty()) doc.nodes[open.back()].items.push_back(n);
  }
  void start(std::uint32_t n) {
    if (n != kNone) open.push_back(n);
  }
  void end() {
    if (building() && !open.empty()) open.pop_back();
  }
};

// Whether line [b, e) of a config (its '\n' not included) surely opens nothing that
// runs on into the next lines and in which a later line starting with '#' would be
// text, not a comment: a block scalar (`|`, `>`) or a quoted scalar left open. Sure
// when the line, up to a comment (a '#' at its start or after a blank, before any
// quote), has no '|' or '>' and no quote; or when it is `KEY: "TEXT"` or `KEY: 'TEXT'`
// (after `- `s; the key optional) with only blanks after the closing quote. Anything
// else (an apostrophe in a plain value, a trailing comment after a quoted value) is
// not sure, which only costs speed.
bool opens_nothing(const char* b, const char* e) {
  const char* cut = e;
  bool quotes = false;
  for (const char* p = b; p < e && !quotes; ++p) {
    if (*p == '#' && (p == b || p[-1] == ' ' || p[-1] == '\t')) {
      cut = p;
      break;
    }
    quotes = *p == '"' || *p == '\'';
  }
  if (!quotes) return std::find_if(b, cut, [](char c) { return c == '|' || c == '>'; }) == cut;
  const char* p = b;
  auto blanks = [&] {
    while (p < e && *p == ' ') ++p;
  };
  blanks();
  while (e - p >= 2 && p[0] == '-' && p[1] == ' ') p += 2, blanks();
  const char* k = p;
  while (p < e && (std::isalnum(static_cast<unsigned char>(*p)) || *p == '_' || *p == '.' || *p == '-')) ++p;
  if (p > k) {
    if (e - p < 2 || p[0] != ':' || p[1] != ' ') return false;
    ++p, blanks();
  }
  if (p == e || (*p != '"' && *p != '\'')) return false;
  const char q = *p++;
  while (p < e && *p != q && !(q == '"' && *p == '\\')) ++p;
  if (p == e || *p != q) return false;
  ++p;
  while (p < e && (*p == ' ' || *p == '\r')) ++p;
  return p == e;
}

}  // namespace

Compacted drop_comment_bodies(const std::string& t) {
  Compacted c;
  bool plain = !t.empty() && static_cast<unsigned char>(t[0]) < 0x80;  // no byte-order mark: UTF-8, byte = char
  for (const char ch : t)
    if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') plain = false;
  if (!plain) {
    c.text = t;
    return c;
  }
  c.text.reserve(t.size());
  bool sure = true;  // every line so far leaves a following `#` line a comment
  std::size_t removed = 0;
  for (std::size_t b = 0; b < t.size();) {
    const std::size_t nl = t.find('\n', b);
    if (nl == std::string::npos) {  // the last line, unended: kept whole (a mark may be at its end)
      c.text.append(t, b, std::string::npos);
      break;
    }
    const std::size_t i = t.find_first_not_of(' ', b);  // <= nl
    if (sure && t[i] == '#') {
      // Keep the '#' and the line break ("\r\n" is one): yaml-cpp then reads the same
      // comment, only shorter.
      const std::size_t body_end = nl > i + 1 && t[nl - 1] == '\r' ? nl - 1 : nl;
      c.text.append(t, b, i + 1 - b);
      if (body_end > i + 1) {
        removed += body_end - (i + 1);
        c.cuts.emplace_back(c.text.size(), removed);
      }
      c.text.append(t, body_end, nl + 1 - body_end);
    } else {
      if (sure && !opens_nothing(t.data() + b, t.data() + nl)) sure = false;
      c.text.append(t, b, nl + 1 - b);
    }
    b = nl + 1;
  }
  return c;
}

std::size_t Compacted::original_offset(std::size_t at) const {
  // The last cut at or before `at`: every byte from there on is `removed` later.
  auto it = std::upper_bound(cuts.begin(), cuts.end(), at,
                             [](std::size_t v, const std::pair<std::size_t, std::size_t>& c) { return v < c.first; });
  return it == cuts.begin() ? at : at + std::prev(it)->second;
}

Document load_one_document(const std::string& original, const std::string& origin) {
  const Compacted compact = drop_comment_bodies(original);
  const std::string& text = compact.text;
  std::istringstream in(text);
  YAML::Parser parser(in);
  Document doc;
  TreeBuilder b(doc);
  // A third document is read only to tell a stuck parser from a second document.
  while (b.starts.size() < 3 && parser.HandleNextDocument(b)) {
    const std::size_t n = b.starts.size();
    if (n < 2 || b.starts[n - 1].pos != b.starts[n - 2].pos) continue;
    const YAML::Mark& m = b.starts[n - 1];
    const std::size_t at = compact.original_offset(std::size_t(std::max(m.pos, 0)));
    const std::string what = at < original.size() ? "'" + excerpt(original.substr(at, 1)) + "'" : "the end";
    throw UserError(located(origin, m.line + 1, m.column + 1,
                            "YAML syntax error: cannot parse a document starting at " + what +
                                " (a ',' '[' ']' '{' or '}' outside a flow collection?)"));
  }
  if (b.starts.size() >= 2) {
    const YAML::Mark& r = b.roots.size() >= 2 && b.roots[1].line >= 0 ? b.roots[1] : b.starts[1];
    throw UserError(located(origin, r.line + 1, r.column + 1, "only one YAML document is allowed in a config file"));
  }
  return doc;
}

}  // namespace cohsim::yaml
