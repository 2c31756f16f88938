// A config file's one YAML document, read in a single pass of yaml-cpp's parser into a
// small read-only tree: what Config::from_yaml walks. yaml-cpp's own YAML::Load would
// build the same tree (the same nodes, scalars and marks; an alias is the node it
// names, as there), but the config must also refuse a second document, and yaml-cpp
// 0.7's LoadAll cannot be used for that (see load_one_document): reading the
// document once here, and the documents after it without building them, parses the
// text once instead of twice.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cohsim::yaml {

struct Node {
  enum class Kind : std::uint8_t { Null, Scalar, Sequence, Map };
  Kind kind = Kind::Null;
  int line = -1, column = -1;  // yaml-cpp's mark (0-based); -1 when it has none
  std::string scalar;          // Scalar: its text
  // Sequence: its items; Map: its keys and values alternately, in the text's order
  // (a repeated key stays twice). Indexes into Document::nodes.
  std::vector<std::uint32_t> items;
};

struct Document {
  std::vector<Node> nodes;  // nodes[0] is the root; empty for a text without a document
  const Node* root() const { return nodes.empty() ? nullptr : &nodes[0]; }
  const Node& at(std::uint32_t i) const { return nodes[i]; }
};

// yaml-cpp's scanner reads a comment a byte at a time through its regular
// expressions, about 450 host instructions a byte, and config files are mostly
// comments (configs/default.yaml: three quarters of its 21 KB). load_one_document
// parses the text with the bodies of its whole-line comments dropped (`  # text`
// becomes `  #`) up to the first line after which a line starting with '#' might not be
// a comment (a block scalar, a quoted scalar left open; see opens_nothing in the .cpp),
// and only when the text is plain UTF-8 without control characters. Every other byte
// and every line break is kept, so yaml-cpp reads the same tokens at the same lines
// and columns; only the byte offsets after a dropped body move, and original_offset
// maps them back.
struct Compacted {
  std::string text;
  // (offset in `text` just after a dropped body, bytes dropped up to there), ascending.
  std::vector<std::pair<std::size_t, std::size_t>> cuts;
  std::size_t original_offset(std::size_t at) const;  // an offset in `text` -> in the input
};
Compacted drop_comment_bodies(const std::string& text);

// The text's one document (no nodes for a text without one). Never YAML::LoadAll:
// yaml-cpp 0.7 (Debian 12) does not advance past a stray flow indicator at the start
// of a document (a config of ",\n"), and LoadAll collects empty documents forever. A
// document that starts where the one before it started means the parser is stuck
// there: a syntax error at that place. Throws UserError (located at `origin`) for
// that and for several documents; YAML::Exception for the other syntax errors.
Document load_one_document(const std::string& text, const std::string& origin);

}  // namespace cohsim::yaml
