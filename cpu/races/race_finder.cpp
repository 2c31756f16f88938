#include "cpu/races/race_finder.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace cohsim {

namespace {

bool acquires(Ordering o) { return o == Ordering::Acquire || o == Ordering::AcqRel || o == Ordering::SeqCst; }
bool releases(Ordering o) { return o == Ordering::Release || o == Ordering::AcqRel || o == Ordering::SeqCst; }

// The pending key of "the next acquire fence to arrive" when fences are known only
// from their events (arrival mode).
constexpr std::uint32_t kNextFence = std::numeric_limits<std::uint32_t>::max();

auto key_of(const RaceAccess& x) { return std::make_tuple(x.line, x.thread, x.op); }

}  // namespace

RaceFinder::RaceFinder(unsigned threads, std::size_t limit) : by_line_(false), limit_(limit), threads_(threads) {
  for (auto& th : threads_) th.points.push_back({0, Clock(threads, 0)});
}

RaceFinder::RaceFinder(std::vector<std::vector<ProgramOp>> program, std::size_t limit)
    : by_line_(true), limit_(limit), threads_(program.size()) {
  if (!lines_place(program))
    throw std::invalid_argument("RaceFinder: each thread's lines must be non-zero and strictly increasing");
  const std::size_t n = program.size();
  for (std::size_t t = 0; t < n; ++t) {
    Thread& th = threads_[t];
    for (const ProgramOp& op : program[t])
      if (op.line != 0) th.ops.push_back(op);
    th.points.push_back({0, Clock(n, 0)});
    for (std::uint32_t i = 0; i < th.ops.size(); ++i)
      if (th.ops[i].kind == OpKind::Fence)
        th.fences.push_back({i, acquires(th.ops[i].order), releases(th.ops[i].order)});
  }
}

bool RaceFinder::lines_place(const std::vector<std::vector<ProgramOp>>& program) {
  for (const auto& ops : program) {
    std::uint32_t last = 0;
    for (const auto& op : ops) {
      if (op.line == 0) continue;
      if (op.line <= last) return false;
      last = op.line;
    }
  }
  return true;
}

bool RaceFinder::join(Clock& into, const Clock& from) {
  bool grew = false;
  for (std::size_t i = 0; i < into.size(); ++i)
    if (from[i] > into[i]) into[i] = from[i], grew = true;
  return grew;
}

const RaceFinder::Clock& RaceFinder::clock_at(const Thread& th, std::uint32_t pos) const {
  auto it = std::upper_bound(th.points.begin(), th.points.end(), pos,
                             [](std::uint32_t p, const Point& x) { return p < x.pos; });
  return std::prev(it)->clock;
}

void RaceFinder::add_point(Thread& th, std::uint32_t pos, const Clock& acquired) {
  auto it = std::upper_bound(th.points.begin(), th.points.end(), pos,
                             [](std::uint32_t p, const Point& x) { return p < x.pos; });
  auto prev = std::prev(it);
  if (prev->pos == pos) {
    if (!join(prev->clock, acquired)) return;
  } else {
    Clock c = prev->clock;
    if (!join(c, acquired)) return;
    it = std::next(th.points.insert(it, Point{pos, std::move(c)}));
  }
  // Normally the newest point; if a later one was known already, it inherits.
  for (; it != th.points.end(); ++it) join(it->clock, acquired);
}

void RaceFinder::take_effect(Thread& th, int t, const Fence& f) {
  if (f.acquire) {
    auto it = th.pending.find(by_line_ ? f.pos : kNextFence);
    if (it != th.pending.end()) {
      add_point(th, f.pos, it->second);
      th.pending.erase(it);
    }
  }
  if (f.release) {
    Clock c = clock_at(th, f.pos);
    c[std::size_t(t)] = std::max(c[std::size_t(t)], f.pos + 1);
    th.release_fences.push_back({f.pos, std::move(c)});
  }
}

void RaceFinder::take_effect_fences_before(Thread& th, int t, std::uint32_t pos) {
  while (th.next_fence < th.fences.size() && th.fences[th.next_fence].pos < pos)
    take_effect(th, t, th.fences[th.next_fence++]);
}

std::uint32_t RaceFinder::place(Thread& th, const AccessEvent& e) {
  if (!by_line_) {
    ProgramOp op;
    op.line = e.line;
    op.kind = e.kind == AccessEvent::Load    ? OpKind::Load
              : e.kind == AccessEvent::Store ? OpKind::Store
              : e.kind == AccessEvent::Rmw   ? OpKind::Swap
                                             : OpKind::Fence;
    op.order = e.order;
    op.addr = e.addr;
    op.size = e.size;
    th.ops.push_back(op);
    return std::uint32_t(th.ops.size() - 1);
  }
  auto it = std::lower_bound(th.ops.begin(), th.ops.end(), e.line,
                             [](const ProgramOp& op, std::uint32_t line) { return op.line < line; });
  if (it == th.ops.end() || it->line != e.line || it->kind == OpKind::Fence)
    throw std::logic_error("RaceFinder: thread " + std::to_string(e.thread) + " has no memory operation on line " +
                           std::to_string(e.line));
  return std::uint32_t(it - th.ops.begin());
}

void RaceFinder::on_access(const AccessEvent& e) {
  ++events_;
  if (e.thread < 0 || std::size_t(e.thread) >= threads_.size())
    throw std::out_of_range("RaceFinder: event of thread " + std::to_string(e.thread));
  const int t = e.thread;
  Thread& th = threads_[std::size_t(t)];
  if (by_line_ && e.line == 0) return;  // a harness's operation, outside the program
  if (e.kind == AccessEvent::Fence) {
    if (by_line_) return;  // the program says where the fences are (some lower to no instruction)
    const std::uint32_t pos = place(th, e);
    th.fences.push_back({pos, acquires(e.order), releases(e.order)});
    take_effect_fences_before(th, t, pos + 1);
    return;
  }
  const std::uint32_t pos = place(th, e);
  take_effect_fences_before(th, t, pos);

  const bool atomic = e.order != Ordering::Plain;
  const bool write = e.kind == AccessEvent::Store || (e.kind == AccessEvent::Rmw && e.wrote);
  const bool read = e.kind == AccessEvent::Load || e.kind == AccessEvent::Rmw;
  const Category cat = atomic ? (write ? AtomicWrite : AtomicRead) : (write ? PlainWrite : PlainRead);

  // Locations: 8-byte granules; an access covers a mask of its granule's bytes.
  const Addr base = e.addr & ~Addr(7);
  const unsigned off = unsigned(e.addr & 7), size = std::max<unsigned>(1, std::min<unsigned>(8, e.size));
  const std::uint8_t mask = std::uint8_t((size >= 8 ? 0xffu : ((1u << size) - 1)) << off);
  auto gi = granule_index_.find(base);
  if (gi == granule_index_.end()) {
    gi = granule_index_.emplace(base, std::uint32_t(granules_.size())).first;
    granules_.emplace_back();
  }
  Granule& g = granules_[gi->second];

  if (!truncated_) check(g, mask, t, pos, cat, clock_at(th, pos));

  // This access's place in its location's history.
  std::size_t si = 0;
  while (si < g.slots.size() && g.slots[si].mask != mask) ++si;
  if (si == g.slots.size()) g.slots.push_back(Slot{mask, false, {}, {}});
  Slot& s = g.slots[si];
  std::size_t hi = 0;
  while (hi < s.histories.size() && s.histories[hi].thread != t) ++hi;
  if (hi == s.histories.size()) s.histories.push_back(History{t, {}});
  auto& v = s.histories[hi].epochs[cat];
  const std::uint32_t epoch = pos + 1;
  v.push_back(epoch);
  for (std::size_t i = v.size() - 1; i > 0 && v[i - 1] > epoch; --i) std::swap(v[i - 1], v[i]);

  // Synchronization by what it read.
  if (read && atomic && !e.forwarded && s.has_sync) {
    if (acquires(e.order)) {
      add_point(th, pos, s.sync);
    } else {
      std::uint32_t key = kNextFence;
      if (by_line_) {
        auto f = std::upper_bound(th.fences.begin(), th.fences.end(), pos,
                                  [](std::uint32_t p, const Fence& x) { return p < x.pos; });
        while (f != th.fences.end() && !f->acquire) ++f;
        key = f == th.fences.end() ? kNextFence : f->pos;
      }
      if (!by_line_ || key != kNextFence) {
        auto it = th.pending.emplace(key, Clock(threads_.size(), 0)).first;
        join(it->second, s.sync);
      }
    }
  }

  // What it publishes.
  if (write) {
    Clock rel;
    bool has = false;
    if (releases(e.order)) {
      rel = clock_at(th, pos);
      rel[std::size_t(t)] = std::max(rel[std::size_t(t)], epoch);
      has = true;
    } else if (atomic) {
      auto f = std::lower_bound(th.release_fences.begin(), th.release_fences.end(), pos,
                                [](const Point& x, std::uint32_t p) { return x.pos < p; });
      if (f != th.release_fences.begin()) rel = std::prev(f)->clock, has = true;
    }
    // An RMW continues the release sequence; any other write starts a new one (a
    // SeqCst store that x86 runs as xchg reports an Rmw event but is a store).
    const bool continues = e.kind == AccessEvent::Rmw && (!by_line_ || is_rmw(th.ops[pos].kind));
    if (continues && s.has_sync) {
      if (has) join(s.sync, rel);
    } else {
      s.has_sync = has;
      if (has) s.sync = std::move(rel);
    }
    for (auto& other : g.slots)
      if (&other != &s && (other.mask & mask)) other.has_sync = false;
  }
}

void RaceFinder::check(const Granule& g, std::uint8_t mask, int t, std::uint32_t pos, Category c, const Clock& now) {
  // The earlier categories each category conflicts with (at least one write, at
  // least one plain).
  static const std::vector<Category> kConflicts[4] = {
      {PlainWrite, PlainRead, AtomicWrite, AtomicRead},  // plain write
      {PlainWrite, AtomicWrite},                         // plain read
      {PlainWrite, PlainRead},                           // atomic write
      {PlainWrite},                                      // atomic read
  };
  const bool write = c == PlainWrite || c == AtomicWrite;
  for (const Slot& s : g.slots) {
    if (!(s.mask & mask)) continue;
    for (const History& h : s.histories) {
      if (h.thread == t) continue;
      const std::uint32_t seen = now[std::size_t(h.thread)];
      for (Category k : kConflicts[c]) {
        const auto& v = h.epochs[k];
        // Epochs above what this access has seen of that thread are unordered with it.
        for (std::size_t i = v.size(); i-- > 0 && v[i] > seen;) {
          report(t, pos, write, h.thread, v[i] - 1, k == PlainWrite || k == AtomicWrite);
          if (truncated_) return;
        }
      }
    }
  }
}

RaceAccess RaceFinder::access(int t, std::uint32_t pos, bool write) const {
  const ProgramOp& op = threads_[std::size_t(t)].ops[pos];
  RaceAccess a;
  a.thread = t;
  a.op = pos;
  a.line = op.line;
  a.what = !by_line_ && op.kind == OpKind::Swap ? "rmw" : name(op.kind);
  a.order = op.order;
  a.addr = op.addr;
  a.size = op.size;
  a.write = write;
  return a;
}

void RaceFinder::report(int t, std::uint32_t pos, bool write, int u, std::uint32_t upos, bool uwrite) {
  std::uint64_t x = (std::uint64_t(t) << 32) | pos, y = (std::uint64_t(u) << 32) | upos;
  if (y < x) std::swap(x, y);
  if (!seen_.insert({x, y}).second) return;
  if (races_.size() >= limit_) {
    truncated_ = true;
    return;
  }
  Race r{access(t, pos, write), access(u, upos, uwrite)};
  if (key_of(r.b) < key_of(r.a)) std::swap(r.a, r.b);
  races_.push_back(std::move(r));
}

std::vector<Race> RaceFinder::races() const {
  std::vector<Race> out = races_;
  std::sort(out.begin(), out.end(), [](const Race& p, const Race& q) {
    return std::make_tuple(p.a.line, p.b.line, p.a.thread, p.b.thread, p.a.op, p.b.op) <
           std::make_tuple(q.a.line, q.b.line, q.a.thread, q.b.thread, q.a.op, q.b.op);
  });
  return out;
}

}  // namespace cohsim
