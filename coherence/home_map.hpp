// Which directory is a line's home. With one node there is one home. With NUMA
// nodes the home is the node owning the line: by interleaving the physical address
// space in `interleave`-byte blocks over the nodes, or by page placement (the node
// whose memory holds the physical frame: node n owns [n * node_bytes, (n + 1) *
// node_bytes), which is where the frame allocator puts the pages it places on n).
#pragma once
#include <algorithm>
#include <cstdint>

#include "sim/base/types.hpp"

namespace cohsim {

struct HomeMap {
  enum class Mode : std::uint8_t { Interleave, Page };
  int first_home = 0;  // the network id of node 0's directory (homes are consecutive)
  unsigned nodes = 1;
  Mode mode = Mode::Interleave;
  unsigned line_shift = 6;
  unsigned interleave_shift = 12;  // log2 of the interleaving block (>= line_shift)
  std::uint64_t node_bytes = std::uint64_t(1) << 34;

  unsigned node(LineAddr line) const {
    if (nodes == 1) return 0;
    if (mode == Mode::Interleave) return unsigned((line >> (interleave_shift - line_shift)) % nodes);
    return unsigned(std::min<std::uint64_t>(nodes - 1, (line << line_shift) / node_bytes));
  }
  int home(LineAddr line) const { return first_home + int(node(line)); }
};

}  // namespace cohsim
