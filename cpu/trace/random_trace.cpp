#include "cpu/trace/random_trace.hpp"

#include <algorithm>

#include "sim/base/random.hpp"

namespace cohsim {

namespace {

// Lines sit 4 KiB apart in groups of four consecutive lines, so small caches see
// both neighbours and conflicts; lines i, i+4, i+8, ... share a set in any cache of
// up to 64 sets. Line numbers from `lines` up are the patterns' cold lines (below
// lines + 32), and from code_line0 up the code lines.
Addr line_addr(const RandomTraceParams& p, unsigned line, unsigned word) {
  return p.base + (line % 4) * p.line_size + Addr(line / 4) * 4096 + word * 8;
}
unsigned code_line0(const RandomTraceParams& p) { return (p.lines + 32 + 3) / 4 * 4 + 4; }

class RandomStream final : public ThreadStream {
 public:
  RandomStream(const RandomTraceParams& p, unsigned thread)
      : p_(p),
        rng_(random_stream(p.seed, "stress.ops", thread)),
        steer_rng_(random_stream(p.seed, "stress.steering", thread)),
        thread_(thread) {
    st_ = p_.steering.get();
  }

  bool next(Op& op) override {
    if (done_ == p_.ops_per_thread) return false;
    ++done_;
    if (RandomSteering* st = p_.steering.get()) {
      if (++st->ops >= st->start && st->update && (st->ops - st->start) % st->period == 0) st->update(*st);
      // A solo epoch: the other threads wait (compute), so the bus or network carries
      // only this thread's requests and none of theirs slips in between.
      if (st->solo >= 0 && unsigned(st->solo) != thread_ && pending_ == 0) {
        op = Op{};
        op.kind = OpKind::Compute;
        op.value = 40;
        op.line = unsigned(done_);
        return true;
      }
      // A grouped slow epoch: the threads outside the group compute.
      if (thread_ < st->left.size()) --st->left[thread_];
      if (st->group && pending_ == 0 && thread_ < st->member.size() && st->member[thread_] < 0) {
        op = Op{};
        op.kind = OpKind::Compute;
        op.value = st->idle;
        op.line = unsigned(done_);
        return true;
      }
      if (pending_ == 0 && st->ops >= st->start) choose_pattern(*st);
      if (pending_ > 0) {
        patterned(op);
        return true;
      }
    }
    plain(op);
    return true;
  }

 private:
  // The plain mix: the operation kind, line, word and ordering from one draw.
  void plain(Op& op) {
    op = Op{};
    const std::uint64_t r = rng_.next();
    const unsigned line = unsigned((r >> 8) % p_.lines);
    op.addr = addr_of(line, unsigned((r >> 24) % (p_.line_size / 8)));
    op.size = 8;
    op.value = (r >> 32) % 1000;
    op.line = unsigned(done_);
    static constexpr Ordering orders[] = {Ordering::Relaxed, Ordering::Acquire, Ordering::Release, Ordering::AcqRel,
                                          Ordering::SeqCst};
    switch (r % 20) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
      case 6:
        op.kind = OpKind::Load;
        op.reg = std::int16_t(r % 4);
        op.order = (r >> 40) & 1 ? Ordering::Plain : Ordering::Acquire;
        break;
      case 7:
      case 8:
      case 9:
      case 10:
      case 11:
        op.kind = OpKind::Store;
        op.order = (r >> 40) & 1 ? Ordering::Plain : ((r >> 41) & 1 ? Ordering::Release : Ordering::SeqCst);
        break;
      case 12:
      case 13:
        op.kind = OpKind::FetchAdd;
        op.reg = 4;
        op.order = orders[(r >> 44) % 5];
        break;
      case 14:
        op.kind = OpKind::Swap;
        op.reg = 4;
        op.order = orders[(r >> 44) % 5];
        break;
      case 15:
        op.kind = OpKind::CompareExchange;
        op.reg = 4;
        op.expected = (r >> 48) % 4;
        op.order = Ordering::SeqCst;
        op.fail_order = Ordering::Relaxed;
        break;
      case 16:
        op.kind = OpKind::Fence;
        op.order = Ordering::SeqCst;
        break;
      case 17:
        if (p_.code_lines) {  // an instruction fetch (the kind's draw as the compute gap's)
          op.kind = OpKind::IFetch;
          op.addr = random_trace_code_addr(p_, unsigned((r >> 8) % p_.code_lines)) +
                    ((r >> 24) % (p_.line_size / 4)) * 4;
          op.size = 4;
          op.value = 0;
          break;
        }
        [[fallthrough]];
      default: op.kind = OpKind::Compute; op.value = (r >> 32) % 40;
    }
  }

  Addr addr_of(unsigned line, unsigned word) const { return line_addr(p_, line, word); }

  void choose_pattern(const RandomSteering& st) {
    const std::uint64_t r = steer_rng_.next();
    std::uint32_t x = std::uint32_t(r % 1024);
    int pick = -1;
    for (int k = 0; k < kRandomPatterns && pick < 0; ++k) {
      if (x < st.weight[std::size_t(k)]) pick = k;
      else x -= st.weight[std::size_t(k)];
    }
    if (pick < 0) return;  // the plain mix this time
    pattern_ = RandomPattern(pick);
    step_ = 0;
    const unsigned words = p_.line_size / 8;
    line_ = unsigned((r >> 10) % p_.lines);
    word_ = unsigned((r >> 20) % words);
    other_word_ = (word_ + 1 + unsigned((r >> 26) % (words > 1 ? words - 1 : 1))) % words;
    bits_ = r >> 32;
    switch (pattern_) {
      case RandomPattern::PairSameLine: pending_ = 2; break;
      case RandomPattern::MissBurst: pending_ = 2 + 2 + unsigned(bits_ % 3); break;
      case RandomPattern::SetThrash: pending_ = 3 + unsigned(bits_ % 3); break;
      case RandomPattern::HotLine:
        pending_ = 1 + unsigned(bits_ % 3);
        line_ = st.hot_line % p_.lines;
        break;
      case RandomPattern::LongGap: pending_ = 2; break;
      case RandomPattern::Retry:
        pending_ = 5;
        line_ = st.hot_line % p_.lines;
        break;
      case RandomPattern::StalePut:
        line_ = st.hot_line % p_.lines;
        putter_ = st.slow >= 0 && unsigned(st.slow) == thread_;
        drop_ = st.drop_shared;
        role_ = st.group && thread_ < st.member.size() && st.member[thread_] >= 0 ? unsigned(st.member[thread_])
                : st.slow >= 0                                                    ? (thread_ + p_.threads - unsigned(st.slow)) % p_.threads
                                                                                  : 1;
        seen_ = st.evictions;
        upgrade_ = st.upgrade;
        writeback_ = st.writeback && !drop_;
        evict_ = st.evict;
        signal_seen_ = st.signals;
        waits_ = 0;
        signal_waits_ = 0;
        turns_seen_ = st.turns;
        turn_waits_ = 0;
        pending_ = drop_ ? 5 : putter_ ? 5 : (role_ - 1) % 3 == 0 ? 3 : 2;
        home_put_ = drop_ && st.home_put;
        own_lines_ = st.own_lines;
        // (A sparse directory of two or more sets: the cold lines of the hot line's cache
        // set that share its directory set, and those that do not.)
        near_n_ = far_n_ = 0;
        if (home_put_ && own_lines_ && st.home_set.size() >= p_.lines + 32)
          for (unsigned k = 0; k < 8; ++k) {
            const unsigned c = p_.lines + line_ % 4 + 4 * k;
            if (st.home_set[c] == st.home_set[line_]) near_[near_n_++] = c;
            else far_[far_n_++] = c;
          }
        // (The slow thread's start: after the first's last turn in a recall turn; else at once
        // or, in half of the turns, after the first's store, below.)
        wait_turn_ = !own_lines_ ? 0u : st.recall ? 2u : (bits_ >> 30) % 2 ? 1u : 0u;
        keep_owner_ = own_lines_ && st.keep_owner;
        owner_upgrade_ = own_lines_ && st.owner_upgrade;
        if (owner_upgrade_) wait_turn_ = 1;
        if (home_put_) pending_ = putter_ ? (wait_turn_ ? 7 : 6) : role_ == 1 ? (own_lines_ ? 8 : 7) : (role_ == 2 || (bits_ >> 14) % 2) ? 6 : 1;
        if (writeback_ && !putter_) {
          const unsigned role = (role_ - 1) % 3;
          pending_ = evict_ ? (role == 0 ? 6 : role == 1 ? 3 : 1) : upgrade_ ? (role == 0 ? 4 : role == 1 ? 4 : 2) : 2;
          late_store_ = 0;
          if (upgrade_ && st.late_store && role == 0 && (bits_ >> 18) % 2) {  // (1.5: core cycles per uncore one at the default clocks)
            // While SM_D_SI, Other-PutM is unhit, in one Upgrade round in two the first stores only about the write-back
            // delay after the eviction (less 60..150 core cycles: its load and the
            // later requests' time): the second's own load, whose data comes from
            // memory, is then done, so the third's GetS and the second's GetM follow
            // the upgrade at once and the stale PutM comes after them while the
            // upgrade's data is still on its way (SM_D_SI, Other-PutM). Storing at
            // once, the second's GetM waited for its load's data, due about when the
            // upgrade's was: SM_D_SI met the PutM about once in a hundred rounds.
            const unsigned d = 3 * st_->slow_cycles / 2, lead = 60 + unsigned((bits_ >> 19) % 91);
            late_store_ = d > lead + 1 ? d - lead : 1;
            ++pending_;
          }
        }
        break;
      default: pending_ = 0;
    }
  }

  // One access of the pattern: kind 0 load, 1 store, 2 fetch_add (Relaxed or Plain
  // orderings: no fence between the pattern's accesses).
  void access(Op& op, unsigned line, unsigned word, unsigned kind) {
    op = Op{};
    op.addr = addr_of(line, word);
    op.size = 8;
    op.line = unsigned(done_);
    op.value = bits_ % 1000;
    if (kind == 0) {
      op.kind = OpKind::Load;
      op.reg = std::int16_t(step_ % 4);
      op.order = Ordering::Plain;
    } else if (kind == 1) {
      op.kind = OpKind::Store;
      op.order = Ordering::Plain;
    } else {
      op.kind = OpKind::FetchAdd;
      op.reg = 4;
      op.order = Ordering::Relaxed;
    }
  }

  void patterned(Op& op) {
    const unsigned step = step_++;
    --pending_;
    const unsigned cold = p_.lines + 4 * ((bits_ >> 8) % 4);  // a line beyond the contended ones
    switch (pattern_) {
      case RandomPattern::PairSameLine:
        // load+store, store+load, load+load, store+store or with an atomic: the second
        // reaches the line while the first one's request is under way.
        access(op, line_, step == 0 ? word_ : other_word_, unsigned((bits_ >> (2 * step)) % 3));
        break;
      case RandomPattern::MissBurst:
        if (pending_ >= 2) access(op, cold + step * 4 + (line_ % 4), 0, 0);  // cold loads fill the MSHRs
        else access(op, line_, pending_ == 1 ? word_ : other_word_, pending_ == 1 ? 1u : 0u);
        break;
      case RandomPattern::SetThrash:
        access(op, (line_ % 4) + 4 * ((step + unsigned(bits_ >> 4)) % (p_.lines / 4 + 4)), word_,
               unsigned((bits_ >> (3 * step)) % 2));
        break;
      case RandomPattern::HotLine:
        access(op, line_, (word_ + step) % (p_.line_size / 8), unsigned((bits_ >> (2 * step)) % 3));
        break;
      case RandomPattern::LongGap:
        if (step == 0) {
          op = Op{};
          op.kind = OpKind::Compute;
          op.value = 100 + bits_ % 400;
          op.line = unsigned(done_);
        } else {
          access(op, line_, word_, unsigned((bits_ >> 12) % 3));
        }
        break;
      case RandomPattern::Retry: {
        // A core waits for a line it missed until a line of the same wake-up bucket
        // (line number mod 4 here: see addr_of) is ready, then retries (cpu/core.hpp,
        // wait_for). Load the hot line; miss on a cold line (an x86 store then waits
        // for that load: the partner's miss below goes out first); store to the hot
        // line (an upgrade from S, or a miss); an access to the hot line's bucket
        // partner (the other contended line of the bucket, often owned by another
        // core and answered cache-to-cache, or a cold line of it); a second store (or
        // fetch_add) to the hot line, retried when the partner's data comes, in
        // whatever transient state the first store's request has then reached.
        const unsigned partner = p_.lines >= 8 && (bits_ >> 20) % 4 ? (line_ + 4) % (p_.lines & ~3u)
                                                                      : p_.lines + (line_ % 4) + 4 * ((bits_ >> 8) % 4);
        if (step == 1) access(op, p_.lines + ((line_ + 1) % 4) + 4 * ((bits_ >> 12) % 4), 0, 0);
        else if (step == 3) access(op, partner, word_, (bits_ >> 24) % 4 ? 0u : 1u);
        else access(op, line_, step == 4 ? other_word_ : word_, step == 0 ? 0u : step == 4 && (bits_ >> 28) % 4 == 0 ? 2u : 1u);
        break;
      }
      case RandomPattern::StalePut:
        // The putter: store to the hot line, then load two cold lines of its set (line
        // number mod 4: see addr_of), so the modified hot line is the victim.
        if (home_put_) {
          stale_home(op, step);
        } else if (drop_ && putter_) {
          // The slow thread: a load or a store of the hot line, then stores to two lines
          // of its set (a PutS or PutM that reaches the home late), then a compute gap.
          if (step == 0) access(op, line_, word_, unsigned((bits_ >> 40) % 2));
          else if (step < 3) access(op, p_.lines + (line_ % 4) + 4 * ((step + unsigned(bits_ >> 6)) % 4), 0, 1);
          else {
            op = Op{};
            op.kind = OpKind::Compute;
            op.value = 20 + bits_ % 180;
            op.line = unsigned(done_);
          }
          if (step == 2) ++st_->evictions;
        } else if (drop_) {
          // The others: a store (the next of the slow thread) or a load of the hot line, a
          // little compute, two loads of lines of its set (it leaves), the hot line again.
          if (step == 1) {
            op = Op{};
            op.kind = OpKind::Compute;
            op.value = 20 + bits_ % 180;
            op.line = unsigned(done_);
          } else if (step == 0 || step == 4) {
            access(op, line_, word_, step == 0 ? (role_ == 1 ? 1u : 0u) : unsigned((bits_ >> 40) % 2));
          } else {
            access(op, p_.lines + (line_ % 4) + 4 * ((step + unsigned(bits_ >> 6)) % 4), 0, 0);
          }
        } else if (putter_) {
          // Stores leave in order, so the evicting fills come after the hot line's store;
          // the fence lets the next op be made only once they have (the PutM is queued).
          if (step < 3) {
            access(op, step == 0 ? line_ : p_.lines + (line_ % 4) + 4 * ((step + unsigned(bits_ >> 6)) % 4), word_, 1);
          } else if (step == 3) {
            op = Op{};
            op.kind = OpKind::Fence;
            op.order = Ordering::SeqCst;
            op.line = unsigned(done_);
          } else {
            ++st_->evictions;
            op = Op{};
            op.kind = OpKind::Compute;
            op.value = 1;
            op.line = unsigned(done_);
          }
        } else if (writeback_) {
          stale_writeback(op, step);
        } else if (step == 0) {
          // Wait (a bounded while) for the slow thread's writeback, then a gap by role:
          // the first after it at once, the second a little later, the third later still.
          op = Op{};
          op.kind = OpKind::Compute;
          op.line = unsigned(done_);
          const unsigned g = std::max(8u, st_->slow_cycles / 4), role = (role_ - 1) % 3;
          if (st_->evictions == seen_ && ++waits_ < 128) {
            op.value = 10;
            ++pending_, --step_;
          } else {
            // (After an upgrade, the others also wait about as long as its load's data.)
            const unsigned r = st_->slow_response,
                           late = upgrade_ && role != 0 ? 40 + r / 2 + unsigned((bits_ >> 16) % (r / 2 + 1)) : 0;
            op.value = 1 + late +
                       (role == 0 ? unsigned(bits_ % 16) : role == 1 ? 10 + unsigned(bits_ % g) : 30 + unsigned(bits_ % (2 * g)));
          }
        } else {
          // By distance from the slow thread: a store, a load then a store, or a load
          // (GetM, GetS then upgrade, GetS) / a load (GetS) / a store (GetM).
          const unsigned role = (role_ - 1) % 3, a = upgrade_ ? 1u : unsigned((bits_ >> 40) % 3);
          access(op, line_, step == 1 ? word_ : other_word_,
                 role == 0 ? (step == 1 ? (a == 0 ? 1u : 0u) : (a == 2 ? 0u : 1u)) : role == 1 ? 0u : 1u);
        }
        break;
      default: plain(op);
    }
  }

  // A compute gap of `cycles`.
  void gap(Op& op, unsigned cycles) {
    op = Op{};
    op.kind = OpKind::Compute;
    op.value = cycles;
    op.line = unsigned(done_);
  }
  void fence(Op& op) {
    op = Op{};
    op.kind = OpKind::Fence;
    op.order = Ordering::SeqCst;
    op.line = unsigned(done_);
  }
  // Waits (a bounded while, 10 cycles at a time) until `counter` moves past `seen`;
  // false while it waits (op is the wait's gap, and this step runs again).
  bool waited(Op& op, std::uint64_t counter, std::uint64_t seen, unsigned& waits) {
    if (counter != seen || waits >= 128) return true;
    ++waits;
    gap(op, st_->poll);
    ++pending_, --step_;
    return false;
  }

  // StalePut's directory form with a slow Put path (RandomSteering::home_put).
  void stale_home(Op& op, unsigned step) {
    // (The slow thread starts a turn at once but in a turn that recalls the line: below.)
    if (putter_ && !wait_turn_) ++step;
    // With RandomSteering::own_lines each role evicts the hot line with lines of its set
    // that no other role touches (two of the eight cold lines of the set each; else four
    // lines shared by all): a cold line another thread holds would
    // make its home wait for that thread's data (S_D, late as the hot line's owner data
    // is) and the entries it holds could not be given to the lines the round needs.
    // (`es`: without own lines, MOESI's turns, the step as the slow thread's were numbered
    // before a wait step came first: the same lines as before.)
    const unsigned es = putter_ && !own_lines_ ? step - 1 : step, pick = (es + unsigned(bits_ >> 6)) % 2;
    unsigned evict_line = own_lines_ ? p_.lines + (line_ % 4) + 4 * (2 * (putter_ ? 0 : 1 + (role_ - 1) % 3) + pick)
                                     : p_.lines + (line_ % 4) + 4 * ((es + unsigned(bits_ >> 6)) % 4);
    // On a sparse directory of two or more sets (RandomSteering::home_set) the turns evict
    // the hot line with cold lines of another directory set, so that their requests never
    // recall it mid-turn (the slow thread, whose lines become modified, with two of its
    // own when there are four or more, the others with the rest); the first, in a turn
    // meant to recall it (RandomSteering::recall), with two lines of its set that it did
    // not use in its last such turn (when there are four: lines it still holds would be hits,
    // or be recalled before the hot line, whose last request is newer).
    if (!putter_ && role_ == 1 && st_->recall && near_n_ >= 2) {
      evict_line = near_[(near_n_ >= 4 ? 2 * (recall_turns_ % 2) : 0) + pick];
    } else if (far_n_ >= 2) {
      const unsigned others = far_n_ >= 4 ? 2 : 0;
      evict_line = putter_ && others ? far_[pick]
                                     : far_[others + (es + unsigned(bits_ >> 6) + 2 * role_) % (far_n_ - others)];
    }
    if (putter_) {
      // The slow thread: a load or a store (RandomSteering::put_store: a store) of the hot
      // line, then (once it is done) two stores to lines of its set: its PutS or PutM is
      // the late one. (The second store's fill evicts the hot line: the fence after it,
      // and the signal, come as the late Put leaves.)
      // In a turn that recalls the line (RandomSteering::recall) it starts once the first
      // has finished the last one (RandomSteering::turns): started at once, its request for
      // the line raced the first one's, still reacting to its last signal, or met the recall
      // the first's last loads caused, and it lost the line before it could evict it (no
      // late Put). In the other turns it starts at once (its access meets its own late Put
      // still on its way, before the first's request: MI_A, EI_A, Load, Store) or, in half
      // of them, once the first has stored the line (after it: II_A, Load, Store). (Always
      // at once, MESI's II_A, Load or Store stayed unhit at 32 and 64 cores, seed 8675309;
      // always after the first's store, EI_A, Store at 64 cores, seeds 5150 and 8675309.)
      if (step == 0) {
        if (wait_turn_ == 2 ? waited(op, st_->turns, turns_seen_, turn_waits_)
                            : waited(op, st_->signals, signal_seen_, turn_waits_))
          gap(op, 1);
      } else if (step == 1) {
        access(op, line_, word_, owner_upgrade_ ? 0u : st_->put_store ? 1u : unsigned((bits_ >> 40) % 2));
      } else if (step == 2 || step == 5) {
        fence(op);
      } else if (step < 5) {
        access(op, evict_line, 0, 1);
      } else {
        ++st_->evictions;
        if (st_->now) st_->put_sent = st_->now();
        gap(op, 1);
      }
      return;
    }
    // (RandomSteering::keep_owner: the first does not evict the line, the others stay off it.)
    if ((keep_owner_ || owner_upgrade_) && role_ == 1 && (step == 4 || step == 5)) {
      gap(op, 1);
      return;
    }
    if (keep_owner_ && role_ != 1 && step > 0) {
      gap(op, 1);
      return;
    }
    if (role_ == 1) {
      // The first: stores the hot line (GetM) once the slow thread has left it, then
      // gives the second a while to read it (the home waits for this one's data: S_D),
      // then evicts it.
      if (step == 0 && owner_upgrade_) {
        // (RandomSteering::owner_upgrade: its store once the others' and the slow thread's
        // late PutS have had the time to reach the home.)
        gap(op, 300 + 2 * st_->leave_after + unsigned(bits_ % 900));
      } else if (step == 0) {
        if (waited(op, st_->evictions, seen_, waits_)) gap(op, 1 + unsigned(bits_ % 8));
      } else if (step == 1) {
        access(op, line_, word_, 1);
      } else if (step == 2) {
        fence(op);
      } else if (step == 3) {
        // (The others poll for this signal every st_->poll cycles: this one evicts the
        // line only once they have had the time to read it.)
        ++st_->signals;
        // (RandomSteering::recall: its requests reach the home when the recall they cause
        // will meet the slow thread's late PutM.)
        if (st_->recall && st_->now) {
          ++recall_turns_;
          const std::uint64_t now = st_->now(), lead = st_->recall_lead * ((bits_ >> 24) % 256) / 255,
                              at = st_->put_sent + st_->put_ticks;
          gap(op, 1 + unsigned(at > now + lead ? (at - now - lead) / st_->core_period : 0));
        } else {
          gap(op, 40 + unsigned(bits_ % 160) + 2 * (st_->poll - 10));
        }
      } else if (step < 6) {
        access(op, evict_line, 0, 0);
      } else if (step == 6 && own_lines_) {
        fence(op);
      } else if (!own_lines_) {
        gap(op, 1);
      } else {
        // (Once its loads are done, and a recall they caused with them: the slow thread's
        // next turn may start. Signalled as they issued, that turn's store met the recall,
        // lost the line to it, and had no late Put.)
        ++st_->turns;
        gap(op, 1);
      }
      return;
    }
    // The others (the third in half of these): once the first has stored, load the hot
    // line (the third a little later), wait a little, evict it.
    if (step == 0) {
      if (waited(op, st_->signals, signal_seen_, signal_waits_)) gap(op, 1 + unsigned(bits_ % 16) + (role_ == 2 ? 0 : 30));
    } else if (step == 1) {
      access(op, line_, other_word_, 0);
    } else if (step == 2) {
      fence(op);
    } else if (step == 3) {
      gap(op, 20 + unsigned(bits_ % 80) + (owner_upgrade_ ? 0 : st_->leave_after));
    } else {
      access(op, evict_line, 0, 0);
    }
  }

  // StalePut with a slow writeback path, the threads other than the slow one (whose
  // PutM reaches the bus slow_cycles after its eviction). Each first waits until the
  // slow thread has evicted the hot line; the first thread's signal (its upgrading
  // store made, or its own eviction done) places the later accesses.
  void stale_writeback(Op& op, unsigned step) {
    const unsigned role = (role_ - 1) % 3;
    if (evict_) {
      // Evict (MOESI's E, Other-PutM): the first takes the line (GetM, from the slow
      // thread's writeback buffer) and evicts it (its own PutM is not slowed); then the
      // second loads it: no other copy, exclusive from memory, before the stale PutM.
      if (role == 0) {
        if (step == 0) {
          if (waited(op, st_->evictions, seen_, waits_)) gap(op, 1 + unsigned(bits_ % 8));
        } else if (step == 1) {
          access(op, line_, word_, 1);
        } else if (step < 4) {
          access(op, p_.lines + (line_ % 4) + 4 * ((step + unsigned(bits_ >> 6)) % 4), 0, 1);
        } else if (step == 4) {
          fence(op);
        } else {
          ++st_->signals;
          gap(op, 1);
        }
      } else if (role == 1) {
        if (step == 0) {
          if (waited(op, st_->evictions, seen_, waits_)) gap(op, 1);
        } else if (step == 1) {
          if (waited(op, st_->signals, signal_seen_, signal_waits_)) gap(op, 1 + unsigned(bits_ % 16));
        } else {
          access(op, line_, word_, 0);
        }
      } else if ((bits_ >> 14) % 2 && step == 0) {
        // The third, in half of these: waits, then loads the line once the first may
        // hold it (MOESI: M becomes O, and its eviction waits in OI_A).
        if (waited(op, st_->evictions, seen_, waits_)) {
          gap(op, 10 + unsigned(bits_ % 30));
          ++pending_;  // then the load
        }
      } else if ((bits_ >> 14) % 2) {
        access(op, line_, other_word_, 0);
      } else {
        gap(op, 20 + unsigned(bits_ % 40));  // the third keeps off the line
      }
      return;
    }
    if (upgrade_) {
      // Upgrade (SM_D_S, SM_D_SI): the first loads (from the writeback buffer), the
      // second loads at once (the first then holds S, not E), the first stores once its
      // load is done (an upgrade whose data comes from memory); on that signal the third
      // loads (SM_D_S) and a little later the second stores (SM_D_SI).
      if (role == 0) {
        if (step == 0) {
          if (waited(op, st_->evictions, seen_, waits_)) gap(op, 1);
        } else if (step == 1) {
          access(op, line_, word_, 0);
        } else if (step == 2) {
          fence(op);
        } else if (step == 3 && late_store_) {
          gap(op, late_store_);
        } else {
          ++st_->signals;
          access(op, line_, other_word_, 1);
        }
      } else if (role == 1) {
        if (step == 0) {
          if (waited(op, st_->evictions, seen_, waits_)) gap(op, 4 + unsigned(bits_ % 12));
        } else if (step == 1) {
          access(op, line_, word_, 0);
        } else if (step == 2) {
          if (waited(op, st_->signals, signal_seen_, signal_waits_)) gap(op, 8 + unsigned(bits_ % 24));
        } else {
          access(op, line_, other_word_, 1);
        }
      } else {
        if (step == 0) {
          if (waited(op, st_->signals, signal_seen_, signal_waits_)) gap(op, 1 + unsigned(bits_ % 12));
        } else {
          access(op, line_, word_, 0);
        }
      }
      return;
    }
    // Neither (IM_D_S, IM_D_SI, ...): the first stores at once, the second loads, the
    // third stores, each a little later, while the first one's data is on its way.
    if (step == 0) {
      if (waited(op, st_->evictions, seen_, waits_))
        gap(op, role == 0 ? 1 + unsigned(bits_ % 8) : role == 1 ? 6 + unsigned(bits_ % 24) : 20 + unsigned(bits_ % 60));
    } else {
      access(op, line_, word_, role == 1 ? 0u : 1u);
    }
  }

  RandomTraceParams p_;
  RandomSteering* st_ = nullptr;
  Random rng_;
  Random steer_rng_;  // the patterns' draws (the plain mix keeps its own sequence)
  unsigned thread_;
  std::uint64_t done_ = 0;
  // The pattern under way: operations left, the step, its line and words.
  RandomPattern pattern_ = RandomPattern::PairSameLine;
  unsigned pending_ = 0, step_ = 0, line_ = 0, word_ = 0, other_word_ = 0;
  bool putter_ = false;  // StalePut: this thread is the epoch's slow one
  bool drop_ = false;    // StalePut's directory form
  bool upgrade_ = false;
  unsigned late_store_ = 0;
  bool writeback_ = false, evict_ = false;  // StalePut with a slow writeback path
  bool home_put_ = false;                   // its directory form with a slow Put path
  bool own_lines_ = false;                  // ... with cold lines of its own per role
  // ... the cold lines of the hot line's cache set in its directory set, and in another
  // (RandomSteering::home_set)
  std::array<unsigned, 8> near_{}, far_{};
  unsigned near_n_ = 0, far_n_ = 0;
  std::uint64_t recall_turns_ = 0;
  std::uint64_t turns_seen_ = 0;  // RandomSteering::turns when this pattern began
  unsigned wait_turn_ = 0;        // the slow thread waits: 0 no, 1 for the first's store, 2 for its last turn
  bool keep_owner_ = false;       // RandomSteering::keep_owner
  bool owner_upgrade_ = false;    // RandomSteering::owner_upgrade
  unsigned turn_waits_ = 0;  // the turns this thread recalled the hot line in
  unsigned role_ = 1, waits_ = 0, signal_waits_ = 0;
  std::uint64_t seen_ = 0, signal_seen_ = 0;
  std::uint64_t bits_ = 0;
};

class RandomTrace final : public Trace {
 public:
  explicit RandomTrace(const RandomTraceParams& p) : p_(p), regs_{"r0", "r1", "r2", "r3", "rmw"} {
    if (p_.steering) {
      p_.steering->left.assign(p_.threads, p_.ops_per_thread);
      p_.steering->member.assign(p_.threads, -1);
    }
  }
  const std::string& path() const override { return path_; }
  const char* format() const override { return "random"; }
  unsigned threads() const override { return p_.threads; }
  std::unique_ptr<ThreadStream> stream(unsigned t) const override { return std::make_unique<RandomStream>(p_, t); }
  const std::vector<std::string>& registers(unsigned) const override { return regs_; }
  const std::vector<std::pair<std::string, Addr>>& symbols() const override { return symbols_; }

 private:
  RandomTraceParams p_;
  std::string path_ = "(random stress trace)";
  std::vector<std::string> regs_;
  std::vector<std::pair<std::string, Addr>> symbols_;
};

}  // namespace

Addr random_trace_code_addr(const RandomTraceParams& p, unsigned k) { return line_addr(p, code_line0(p) + k, 0); }
Addr random_trace_line_addr(const RandomTraceParams& p, unsigned line) { return line_addr(p, line, 0); }

std::unique_ptr<Trace> make_random_trace(const RandomTraceParams& p) { return std::make_unique<RandomTrace>(p); }

}  // namespace cohsim
