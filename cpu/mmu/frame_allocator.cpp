#include "cpu/mmu/frame_allocator.hpp"

#include <stdexcept>

#include "sim/base/error.hpp"
#include "sim/base/registry.hpp"
#include "sim/base/units.hpp"
#include "sim/config/config.hpp"

namespace cohsim {

namespace {
const Choices<Placement>& placements() {
  static const Choices<Placement> c("vm.placement", {{"first_touch", Placement::FirstTouch, "the faulting core's node"},
                                                     {"interleave", Placement::Interleave, "page number mod nodes"},
                                                     {"bind", Placement::Bind, "the node vm.bind_node"}});
  return c;
}
COHSIM_REGISTER_CHOICES(placements);
}  // namespace

Placement parse_placement(const std::string& name) { return placements().value(name); }

std::vector<std::string> placement_names() { return plugin_names("vm.placement"); }

// vm.bind_node names one of the NUMA nodes (each node has its memory).
COHSIM_REGISTER(config_rules, "vm.bind_node", "vm.bind_node is one of the NUMA nodes",
                ConfigRule{[](const Config& cfg, std::string& blame) {
                  if (!cfg.flag("vm.enabled")) return std::string();
                  const std::int64_t node = cfg.integer("vm.bind_node"), nodes = cfg.integer("numa.nodes");
                  if (node < nodes) return std::string();
                  blame = cfg.blame({"vm.bind_node", "numa.nodes"});
                  return "vm.bind_node: " + std::to_string(node) + " but the system has " + std::to_string(nodes) +
                         " memory node(s); valid: 0.." + std::to_string(nodes - 1);
                }});

FrameAllocator::FrameAllocator(std::vector<MemoryNode> nodes, std::vector<unsigned> core_node, Placement policy,
                               unsigned bind_node)
    : nodes_(std::move(nodes)), core_node_(std::move(core_node)), policy_(policy), bind_node_(bind_node) {
  if (nodes_.empty()) throw std::logic_error("FrameAllocator: no memory node");
  if (bind_node_ >= nodes_.size())  // the rule below refuses such a configuration
    throw std::invalid_argument("vm.bind_node: " + std::to_string(bind_node_) + " but the system has " +
                    std::to_string(nodes_.size()) + " memory node(s); valid: 0.." + std::to_string(nodes_.size() - 1));
  for (unsigned n : core_node_)
    if (n >= nodes_.size()) throw std::logic_error("FrameAllocator: a core on a node that does not exist");
  for (const MemoryNode& n : nodes_) {
    Pool p;
    p.brk = n.base;
    p.end = n.base + n.size;
    pools_.push_back(p);
  }
}

unsigned FrameAllocator::node_for(Addr va, unsigned page_shift, unsigned core) const {
  switch (policy_) {
    case Placement::FirstTouch: return core < core_node_.size() ? core_node_[core] : 0;
    case Placement::Interleave: return unsigned((va >> page_shift) % nodes_.size());
    case Placement::Bind: return bind_node_;
  }
  return 0;
}

Addr FrameAllocator::allocate(unsigned node, unsigned shift) {
  Addr a = carve(node, (shift - 12) / 9);
  pools_[node].allocated += std::uint64_t(1) << shift;
  return a;
}

bool FrameAllocator::can_carve(unsigned node, unsigned c) const {
  const Pool& p = pools_[node];
  if (p.cur[c] < p.lim[c]) return true;
  if (c < 2 && can_carve(node, c + 1)) return true;
  const std::uint64_t size = std::uint64_t(1) << (12 + 9 * c);
  const Addr a = (p.brk + size - 1) & ~(size - 1);
  return a + size <= p.end && a + size > a;
}

Addr FrameAllocator::carve(unsigned node, unsigned c) {
  Pool& p = pools_[node];
  const std::uint64_t size = std::uint64_t(1) << (12 + 9 * c);
  if (p.cur[c] < p.lim[c]) {
    Addr a = p.cur[c];
    p.cur[c] += size;
    return a;
  }
  // A new chunk of the next size class; at the top, or when no whole chunk is
  // left, straight from the untouched memory.
  if (c < 2 && can_carve(node, c + 1)) {
    const Addr chunk = carve(node, c + 1);
    p.cur[c] = chunk + size;
    p.lim[c] = chunk + (size << 9);
    return chunk;
  }
  const Addr a = (p.brk + size - 1) & ~(size - 1);
  if (a + size > p.end || a + size < a)
    throw UserError("vm: memory node " + std::to_string(node) + " (" + format_size(nodes_[node].size) +
                    ", vm.memory_size) has no free " + format_size(size) + " frame left after " +
                    format_size(p.allocated) + " of pages and page tables; raise vm.memory_size");
  p.brk = a + size;
  return a;
}

}  // namespace cohsim
