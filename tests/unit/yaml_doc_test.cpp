// yaml::load_one_document (sim/config/yaml_doc.hpp), the one-pass reader of a config's
// YAML, against yaml-cpp's own YAML::Load of the same text: the same tree (node kinds,
// scalars, marks, the order of a map's pairs, repeated keys, aliases) and the same
// syntax errors, on hand-written texts, the shipped configs and the fuzz corpora.
#include "sim/config/yaml_doc.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/base/error.hpp"

namespace cohsim {
namespace {

using yaml::Node;

template <typename F>
std::string error_text(F f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Node::Kind kind_of(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return Node::Kind::Scalar;
    case YAML::NodeType::Sequence: return Node::Kind::Sequence;
    case YAML::NodeType::Map: return Node::Kind::Map;
    default: return Node::Kind::Null;
  }
}

// Compares node `i` of `d` with yaml-cpp's `n`; `seen` stops at an alias met again
// (a recursive alias makes a cycle in both trees).
void expect_same(const yaml::Document& d, std::uint32_t i, const YAML::Node& n, const std::string& where,
                 std::set<std::uint32_t>& seen) {
  const Node& m = d.at(i);
  ASSERT_EQ(m.kind, kind_of(n)) << where;
  EXPECT_EQ(m.line, n.Mark().line) << where;
  EXPECT_EQ(m.column, n.Mark().column) << where;
  if (!seen.insert(i).second) return;
  switch (m.kind) {
    case Node::Kind::Null: break;
    case Node::Kind::Scalar: EXPECT_EQ(m.scalar, n.Scalar()) << where; break;
    case Node::Kind::Sequence: {
      ASSERT_EQ(m.items.size(), n.size()) << where;
      std::size_t k = 0;
      for (const auto& item : n) {
        expect_same(d, m.items[k], item, where + "[" + std::to_string(k) + "]", seen);
        ++k;
      }
      break;
    }
    case Node::Kind::Map: {
      std::size_t k = 0;
      for (const auto& kv : n) {
        ASSERT_LT(2 * k + 1, m.items.size()) << where;
        const std::string w = where + "{" + std::to_string(k) + "}";
        expect_same(d, m.items[2 * k], kv.first, w + ".key", seen);
        expect_same(d, m.items[2 * k + 1], kv.second, w + ".value", seen);
        ++k;
      }
      EXPECT_EQ(2 * k, m.items.size()) << where;
      break;
    }
  }
}

// The reader's document-count errors as the reader before it computed them, on the
// text as given (no comment dropped): yaml-cpp's parser over up to three documents,
// noting where each starts and where its first node is.
struct Starts final : YAML::EventHandler {
  std::vector<YAML::Mark> starts, roots;
  void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { node(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(m);
  }
  void OnMapEnd() override {}
  void node(const YAML::Mark& m) {
    if (roots.size() < starts.size()) roots.push_back(m);
  }
};

std::string reference_document_error(const std::string& text, const std::string& origin) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  Starts d;
  while (d.starts.size() < 3 && parser.HandleNextDocument(d)) {
    const std::size_t n = d.starts.size();
    if (n < 2 || d.starts[n - 1].pos != d.starts[n - 2].pos) continue;
    const YAML::Mark& m = d.starts[n - 1];
    const std::size_t at = std::size_t(std::max(m.pos, 0));
    return located(origin, m.line + 1, m.column + 1,
                   "YAML syntax error: cannot parse a document starting at " +
                       (at < text.size() ? "'" + excerpt(text.substr(at, 1)) + "'" : std::string("the end")) +
                       " (a ',' '[' ']' '{' or '}' outside a flow collection?)");
  }
  if (d.starts.size() < 2) return "";
  const YAML::Mark& r = d.roots.size() >= 2 && d.roots[1].line >= 0 ? d.roots[1] : d.starts[1];
  return located(origin, r.line + 1, r.column + 1, "only one YAML document is allowed in a config file");
}

// The one-pass reader and YAML::Load agree on `text`: when YAML::Load throws, the
// reader throws the same error (the first document is read first); when the reader
// reads a document, YAML::Load reads the same tree. (The reader also refuses a second
// document, which YAML::Load does not look at: then only the first is compared.)
void expect_same_as_load(const std::string& text, const std::string& name) {
  SCOPED_TRACE(name);
  YAML::Node ref;
  std::string ref_error;
  try {
    ref = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    ref_error = e.what();
  }
  yaml::Document doc;
  try {
    doc = yaml::load_one_document(text, name);
  } catch (const YAML::Exception& e) {
    if (!ref_error.empty()) EXPECT_EQ(std::string(e.what()), ref_error);
    return;  // else an error in a later document
  } catch (const UserError& e) {
    EXPECT_EQ(ref_error, "") << "YAML::Load failed on the first document, the reader on a later one";
    EXPECT_EQ(std::string(e.what()), reference_document_error(text, name));
    return;  // several documents, or a stuck parser
  }
  EXPECT_EQ(reference_document_error(text, name), "");
  ASSERT_EQ(ref_error, "") << "YAML::Load fails where the reader does not";
  if (!doc.root()) {
    EXPECT_TRUE(ref.IsNull());
    return;
  }
  std::set<std::uint32_t> seen;
  expect_same(doc, 0, ref, "root", seen);
}

TEST(YamlDoc, SameTreeAsYamlCppLoad) {
  const char* texts[] = {
      "",
      "\n# only a comment\n",
      "cores: 2\n",
      "cores: 2\nl1d:\n  size: 32KiB\n  assoc: 8\n",
      "l1d: {size: 32KiB, assoc: 8}\nl2: null\nl3: ~\n",
      "l1d:\n  size:\n  assoc: 4\n",
      "l1d:\n  size: 32KiB\n  size: 64KiB\n",
      "a: &x {b: 1, c: [1, 2]}\nd: *x\ne: *x\n",
      "a: &s 5\nb: *s\n",
      "a: &r [1, *r]\n",
      "? [a, b]\n: 1\n",
      "- cores: 2\n- 3\n",
      "trace: \"../traces/x.trace\"\nname: 'it''s'\n",
      "text: |\n  # not a comment\n  line 2\nafter: 1\n",
      "text: >\n  folded\n  # text\n\nafter: 1\n",
      "a: foo\n# comment\n  bar\n",
      "a: foo\n  # comment\n  bar\n",
      "a: \"multi\n  # in quotes\n  line\"\nb: 2\n",
      "a: \"unterminated\n",
      "list: [next_line,\n  # between items\n  stream]\n",
      "---\ncores: 2\n...\n",
      "%YAML 1.2\n---\ncores: 2\n",
      "cores: !!int 2\nname: !tag x\n",
      "cores: 2\r\n# crlf\r\nl2: null\r\n",
      "plain: a # trailing\nnext: b\n",
      "nested:\n  - a\n  -\n  - [b, {c: d}]\n",
      "cores: 2\n---\ncores: 3\n",
  };
  int i = 0;
  for (const char* t : texts) expect_same_as_load(t, "text " + std::to_string(i++));
}

TEST(YamlDoc, SameErrorsAsYamlCppLoad) {
  const char* texts[] = {
      "l1d: {size: 32KiB\n", "cores: 2\nl1d: size: 3\n", "l1d:\n\tsize: 32KiB\n", "cores: *anchor\n",
      "a: [1, 2\n# end", "a: b: c\n", "text: |0\n  x\n", "a: 'x' y\n",
  };
  int i = 0;
  for (const char* t : texts) {
    expect_same_as_load(t, "error text " + std::to_string(i++));
    EXPECT_THROW(yaml::load_one_document(t, "x"), YAML::Exception) << t;
  }
}

TEST(YamlDoc, ShippedConfigsAndFuzzCorporaReadAsYamlCppReadsThem) {
  namespace fs = std::filesystem;
  const fs::path root = COHSIM_SOURCE_DIR;
  int n = 0;
  for (const fs::path dir : {root / "configs", root / "configs" / "chips", root / "tests" / "fuzz" / "seeds" / "config",
                             root / "tests" / "fuzz" / "regressions" / "config"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      expect_same_as_load(read(e.path()), e.path().string());
      ++n;
    }
  }
  EXPECT_GE(n, 8);
}

// Texts put together from lines that stress the dropping of comment bodies: '#' lines
// inside block scalars, quoted scalars left open, plain scalars running over several
// lines, flow collections, tabs, "\r\n", an unended last line, several documents, a
// stray ','. Each reads as YAML::Load reads it (tree, marks, errors).
TEST(YamlDoc, CommentBodiesDroppedOnlyWhereTheyAreComments) {
  const char* lines[] = {
      "# a comment",  "  # an indented comment with it's quote", "#", "# \"open quote", "# a | pipe > and tab\t",
      "cores: 2",     "l1d:",  "  size: 32KiB", "  assoc: 8 # trailing", "text: |", "text: >-", "  block line",
      "  # hash in a block", "    # deeper hash", "a: \"open", "  # in quotes", "  closed\"", "b: 'single",
      "  ' # after", "c: it's plain", "d: foo", "  bar", "e: [1,", "  # between", "  2]", "f: {x: 1,", "  y: 2}",
      "\t# tab comment", "g: \"x\" # it's", "h: \"quoted\"", "- 'item'", "- a", "---", "...", ",", "k: v\r",
      "# crlf comment\r", "",        "   ", "l:", "    # under an empty value", "  m: 1",
  };
  const int n = int(sizeof lines / sizeof *lines);
  std::uint64_t x = 88172645463325252ull;
  auto rnd = [&](int m) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return int(x % std::uint64_t(m));
  };
  for (int t = 0; t < 3000; ++t) {
    std::string text;
    const int count = 1 + rnd(10);
    for (int i = 0; i < count; ++i) text += std::string(lines[rnd(n)]) + (i + 1 < count || rnd(4) ? "\n" : "");
    expect_same_as_load(text, "generated " + std::to_string(t) + ": " + text);
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(YamlDoc, DroppedBodiesKeepLinesColumnsAndOffsets) {
  const yaml::Compacted c = yaml::drop_comment_bodies("# one\n  # two\r\na: 1 # three\n#\n# four");
  EXPECT_EQ(c.text, "#\n  #\r\na: 1 # three\n#\n# four");
  EXPECT_EQ(c.original_offset(0), 0u);
  EXPECT_EQ(c.original_offset(1), 5u);   // the first '\n'
  EXPECT_EQ(c.original_offset(5), 13u);  // the '\r'
  EXPECT_EQ(c.original_offset(7), 15u);  // 'a'
  EXPECT_EQ(yaml::drop_comment_bodies("text: |\n  # kept\n# kept\n").text, "text: |\n  # kept\n# kept\n");
  EXPECT_EQ(yaml::drop_comment_bodies("# a\x01b\n").text, "# a\x01b\n");
  EXPECT_THAT(error_text([] { yaml::load_one_document("# a long comment\n# another\n,\n", "f.yaml"); }),
              ::testing::StartsWith("f.yaml:3:1: YAML syntax error: cannot parse a document starting at ','"));
  EXPECT_THAT(error_text([] { yaml::load_one_document("# c\ncores: 2\n# c\n---\n# c\ncores: 3\n", "f.yaml"); }),
              ::testing::StartsWith("f.yaml:6:1: only one YAML document is allowed"));
}

TEST(YamlDoc, SeveralDocumentsAndAStuckParser) {
  EXPECT_THAT(error_text([] { yaml::load_one_document("cores: 2\n---\ncores: 3\n", "f.yaml"); }),
              ::testing::StartsWith("f.yaml:3:1: only one YAML document is allowed"));
  EXPECT_THAT(error_text([] { yaml::load_one_document(",\n", "f.yaml"); }),
              ::testing::StartsWith("f.yaml:1:1: YAML syntax error: cannot parse a document starting at ','"));
}

}  // namespace
}  // namespace cohsim
