#include "cpu/mmu/page_table.hpp"

namespace cohsim {

PageTable::PageTable(const PageTableFormat& f, const AddressSpace& as, FrameAllocator& frames, PageTable* counts)
    : f_(f), as_(as), frames_(frames), counts_(counts ? counts : this) {
  root_ = frames_.allocate(frames_.node_for(0, 12, 0), 12);
  if (counts) ++counts->tables_;
}

std::uint64_t PageTable::entry(Addr pte_addr) const {
  auto it = entries_.find(pte_addr);
  return it == entries_.end() ? 0 : it->second;
}

PageTable::Fault PageTable::handle_fault(Addr va, unsigned core, std::vector<PteWrite>& stores) {
  const AddressSpace::Page pg = as_.page(va);
  if (pg.perm == Perm::None) return Fault::NoAccess;
  const unsigned leaf = f_.leaf_level(pg.shift);
  const unsigned node = frames_.node_for(va, pg.shift, core);
  Addr table = root_;
  for (unsigned level = 0;; ++level) {
    const Addr pte = table + 8 * Addr(f_.index(va, level));
    const DecodedPte d = f_.decode(entry(pte), level);
    if (level == leaf) {
      if (d.kind != PteKind::Invalid) return Fault::AlreadyMapped;
      const Addr frame = frames_.allocate(node, pg.shift);
      const std::uint64_t v = f_.encode_leaf(frame, level, pg.perm == Perm::ReadWrite);
      entries_[pte] = v;
      stores.push_back({pte, v});
      ++counts_->pages_[(pg.shift - 12) / 9];
      return Fault::Mapped;
    }
    if (d.kind == PteKind::Table) {
      table = d.pa;
      continue;
    }
    // (a leaf above `leaf` cannot exist: a page's size is fixed by the layout)
    const Addr next = frames_.allocate(node, 12);
    ++counts_->tables_;
    const std::uint64_t v = f_.encode_table(next);
    entries_[pte] = v;
    stores.push_back({pte, v});
    table = next;
  }
}

bool PageTable::lookup(Addr va, DecodedPte& leaf, unsigned& level) const {
  Addr table = root_;
  for (unsigned l = 0; l < f_.levels(); ++l) {
    const DecodedPte d = f_.decode(entry(table + 8 * Addr(f_.index(va, l))), l);
    if (d.kind == PteKind::Invalid) return false;
    if (d.kind == PteKind::Leaf) {
      leaf = d;
      level = l;
      return true;
    }
    table = d.pa;
  }
  return false;
}

}  // namespace cohsim
