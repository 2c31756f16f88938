#include "sim/config/yaml_doc.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
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

}  // namespace

Document load_one_document(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  Document doc;
  TreeBuilder b(doc);
  // A third document is read only to tell a stuck parser from a second document.
  while (b.starts.size() < 3 && parser.HandleNextDocument(b)) {
    const std::size_t n = b.starts.size();
    if (n < 2 || b.starts[n - 1].pos != b.starts[n - 2].pos) continue;
    const YAML::Mark& m = b.starts[n - 1];
    const std::size_t at = std::size_t(std::max(m.pos, 0));
    const std::string what = at < text.size() ? "'" + excerpt(text.substr(at, 1)) + "'" : "the end";
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
