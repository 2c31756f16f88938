// Physical frames for pages and page tables, placed on memory nodes by a policy.
//
// The interface NUMA plugs into: a node is a range of physical addresses
// (MemoryNode), and each core belongs to one node (`core_node`). Until the NUMA
// model exists the system has one node holding all of memory (`vm.memory_size` from
// physical address 0) and every core is on it, so every policy places every frame
// there; with several nodes:
//   first_touch  the node of the core whose access faulted (Linux's default);
//   interleave   node (virtual page number mod nodes): pages round-robin over nodes;
//   bind         always node `vm.bind_node` (numactl --membind).
// Page tables are placed like the page whose fault created them.
//
// Within a node, 4 KiB frames are carved from 2 MiB chunks and 2 MiB frames from
// 1 GiB chunks (when the node is large enough), so frames of every size stay
// aligned without wasting memory. Frames are never freed. Memory holds zeros until
// written, so a new frame (and a new page table, all of whose entries are invalid)
// needs no clearing.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/base/types.hpp"

namespace cohsim {

struct MemoryNode {
  Addr base = 0;           // 1 GiB-aligned
  std::uint64_t size = 0;  // bytes
};

enum class Placement : std::uint8_t { FirstTouch, Interleave, Bind };
Placement parse_placement(const std::string& name);  // "first_touch", "interleave", "bind"
std::vector<std::string> placement_names();

class FrameAllocator {
 public:
  // core_node[c]: the node of core c. bind_node: the node of Placement::Bind.
  FrameAllocator(std::vector<MemoryNode> nodes, std::vector<unsigned> core_node, Placement policy, unsigned bind_node);

  // The node a page of `va` faulted in by `core` goes to.
  unsigned node_for(Addr va, unsigned page_shift, unsigned core) const;
  // A free frame of 2^shift bytes (12, 21 or 30), aligned to its size, on `node`.
  // UserError when the node is full.
  Addr allocate(unsigned node, unsigned shift);

  unsigned nodes() const { return unsigned(nodes_.size()); }
  const std::uint64_t& allocated_bytes(unsigned node) const { return pools_[node].allocated; }

 private:
  struct Pool {
    Addr brk = 0, end = 0;                        // untouched memory of the node
    Addr cur[3] = {0, 0, 0}, lim[3] = {0, 0, 0};  // the chunk each size class carves from
    std::uint64_t allocated = 0;
  };
  Addr carve(unsigned node, unsigned c);  // size class c: 2^(12+9c) bytes
  bool can_carve(unsigned node, unsigned c) const;

  std::vector<MemoryNode> nodes_;
  std::vector<unsigned> core_node_;
  Placement policy_;
  unsigned bind_node_;
  std::vector<Pool> pools_;
};

}  // namespace cohsim
