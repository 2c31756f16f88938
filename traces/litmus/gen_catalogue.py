#!/usr/bin/env python3
"""Writes the litmus catalogue (traces/litmus/*.litmus) and prints the verdict table
of traces/litmus/README.md. Run from the repository root:
    /usr/bin/python3 traces/litmus/gen_catalogue.py > /tmp/table.md
Each test is a template: {S} a store, {L} a load, {C} a compare_exchange's orderings,
{U} the unlock store; each variant fills them in. Verdicts are (x86, arm, riscv)."""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
A, F = "allowed", "forbidden"

RLX = dict(S="Relaxed", L="Relaxed", C="Relaxed, Ordering::Relaxed", U="Relaxed")
RA = dict(S="Release", L="Acquire", C="Acquire, Ordering::Relaxed", U="Release")
SC = dict(S="SeqCst", L="SeqCst", C="SeqCst, Ordering::SeqCst", U="SeqCst")

def st(loc, v, o="{S}"):
    return f"{loc}.store({v}, Ordering::{o});"
def ld(r, loc, o="{L}"):
    return f"let {r} = {loc}.load(Ordering::{o});"

TESTS = {
    "SB": ([[st("x", 1), ld("r0", "y")], [st("y", 1), ld("r1", "x")]], "0:r0 == 0 && 1:r1 == 0",
           "store buffering: each thread's load passes its own store"),
    "MP": ([[st("x", 1), st("y", 1)], [ld("r0", "y"), ld("r1", "x")]], "1:r0 == 1 && 1:r1 == 0",
           "message passing: the flag y seen, the data x not"),
    "LB": ([[ld("r0", "x"), st("y", 1)], [ld("r1", "y"), st("x", 1)]], "0:r0 == 1 && 1:r1 == 1",
           "load buffering: each load reads the other thread's later store"),
    "IRIW": ([[st("x", 1)], [st("y", 1)], [ld("r0", "x"), ld("r1", "y")], [ld("r2", "y"), ld("r3", "x")]],
             "2:r0 == 1 && 2:r1 == 0 && 3:r2 == 1 && 3:r3 == 0",
             "independent reads of independent writes: two readers see the writes in opposite orders"),
    "2+2W": ([[st("x", 1), st("y", 2)], [st("y", 1), st("x", 2)]], "x == 1 && y == 1",
             "two writers, two locations: each thread's first store is coherence-last"),
    "WRC": ([[st("x", 1)], [ld("r0", "x"), st("y", 1)], [ld("r1", "y"), ld("r2", "x")]],
            "1:r0 == 1 && 2:r1 == 1 && 2:r2 == 0", "write-to-read causality"),
    "ISA2": ([[st("x", 1), st("y", 1)], [ld("r0", "y"), st("z", 1)], [ld("r1", "z"), ld("r2", "x")]],
             "1:r0 == 1 && 2:r1 == 1 && 2:r2 == 0", "message passing through a third thread"),
    "R": ([[st("x", 1), st("y", 1)], [st("y", 2), ld("r0", "x")]], "y == 2 && 1:r0 == 0",
          "a store then a load against two stores"),
    "S": ([[st("x", 2), st("y", 1)], [ld("r0", "y"), st("x", 1)]], "x == 2 && 1:r0 == 1",
          "a load then a store against two stores"),
    "CoRR": ([[st("x", 1)], [ld("r0", "x"), ld("r1", "x")]], "1:r0 == 1 && 1:r1 == 0",
             "read-read coherence: a later load of the same location cannot read an older value"),
    "CoRW": ([[ld("r0", "x"), st("x", 1)], [st("x", 2)]], "0:r0 == 2 && x == 2",
             "read-write coherence: a store after a load is coherence-after the value read"),
    "CoWR": ([[st("x", 1), ld("r0", "x")], [st("x", 2)]], "0:r0 == 0 || (0:r0 == 2 && x == 1)",
             "write-read coherence: a load after a store reads it or a coherence-later value"),
    "CoWW": ([[st("x", 1), st("x", 2)]], "x == 1", "write-write coherence: two stores of one thread stay in order"),
    "Spinlock": ([["let r0 = l.compare_exchange(0, 1, Ordering::{C});", ld("r1", "c", "Relaxed"), st("c", 1, "Relaxed"), st("l", 0, "{U}")],
              ["let r0 = l.compare_exchange(0, 1, Ordering::{C});", ld("r1", "c", "Relaxed"), st("c", 2, "Relaxed"), st("l", 0, "{U}")]],
             "0:r0 == 0 && 1:r0 == 0 && 0:r1 == 0 && 1:r1 == 0",
             "CAS lock, one attempt per thread: both take the lock and neither sees the other's critical section"),
}

# name -> (test, orderings, verdicts (x86, arm, riscv), extra edits, note)
VARIANTS = [
    ("SB+rlx", "SB", RLX, (A, A, A), "any ISA: loads pass older stores (store buffers)"),
    ("SB+rel+acq", "SB", RA, (A, F, A), "arm: stlr then ldar is ordered (RCsc); x86 mov/mov and RISC-V `fence rw,w; sd` / `ld; fence r,rw` leave store->load unordered"),
    ("SB+sc", "SB", SC, (F, F, F), "x86 xchg; arm stlr->ldar; RISC-V `fence rw,rw` before the SeqCst load"),
    ("SB+fences", "SB", RLX, (F, F, F), "fence(SeqCst) = mfence / dmb ish / fence rw,rw between store and load"),
    ("MP+rlx", "MP", RLX, (F, A, A), "x86 keeps store->store and load->load order; arm/riscv reorder both"),
    ("MP+rel+acq", "MP", RA, (F, F, F), "the example of litmus.hpp: only the flag y is Release/Acquire"),
    ("MP+sc", "MP", SC, (F, F, F), ""),
    ("MP+fences", "MP", RLX, (F, F, F), "fence(Release) between the stores, fence(Acquire) between the loads"),
    ("LB+rlx", "LB", RLX, (F, A, A), "x86 never lets a store pass an older load; ARMv8 and RVWMO allow it (rarely seen on silicon)"),
    ("LB+rel+acq", "LB", RA, (F, F, F), ""),
    ("LB+sc", "LB", SC, (F, F, F), ""),
    ("IRIW+rlx", "IRIW", RLX, (F, A, A), "arm/riscv are multicopy-atomic: only the readers' load->load reordering allows it"),
    ("IRIW+rel+acq", "IRIW", RA, (F, F, F), "forbidden by the hardware (MCA + acquire loads) though C11/Rust allow it"),
    ("IRIW+sc", "IRIW", SC, (F, F, F), ""),
    ("2+2W+rlx", "2+2W", RLX, (F, A, A), "arm/riscv drain stores to different lines out of order"),
    ("2+2W+rel", "2+2W", RA, (F, F, F), "stlr->stlr, `fence rw,w` order the stores"),
    ("2+2W+sc", "2+2W", SC, (F, F, F), ""),
    ("WRC+rlx", "WRC", RLX, (F, A, A), ""),
    ("WRC+rel+acq", "WRC", RA, (F, F, F), ""),
    ("WRC+sc", "WRC", SC, (F, F, F), ""),
    ("ISA2+rlx", "ISA2", RLX, (F, A, A), ""),
    ("ISA2+rel+acq", "ISA2", RA, (F, F, F), ""),
    ("ISA2+sc", "ISA2", SC, (F, F, F), ""),
    ("R+rlx", "R", RLX, (A, A, A), "x86 needs an mfence between thread 1's store and load"),
    ("R+rel+acq", "R", RA, (A, F, A), "arm: stlr->ldar ordered; riscv: store->load unordered"),
    ("R+sc", "R", SC, (F, F, F), ""),
    ("S+rlx", "S", RLX, (F, A, A), ""),
    ("S+rel+acq", "S", RA, (F, F, F), ""),
    ("S+sc", "S", SC, (F, F, F), ""),
    ("CoRR+rlx", "CoRR", RLX, (F, F, F), "coherence holds for Relaxed atomics on every ISA"),
    ("CoRR+sc", "CoRR", SC, (F, F, F), ""),
    ("CoRW+rlx", "CoRW", RLX, (F, F, F), ""),
    ("CoRW+sc", "CoRW", SC, (F, F, F), ""),
    ("CoWR+rlx", "CoWR", RLX, (F, F, F), ""),
    ("CoWR+sc", "CoWR", SC, (F, F, F), ""),
    ("CoWW+rlx", "CoWW", RLX, (F, F, F), ""),
    ("CoWW+sc", "CoWW", SC, (F, F, F), ""),
    ("Spinlock+rlx", "Spinlock", RLX, (F, A, A), "a Relaxed CAS and unlock do not order the critical section (x86: lock cmpxchg is a full barrier)"),
    ("Spinlock+acq+rel", "Spinlock", RA, (F, F, F), "CAS Acquire, unlock Release"),
    ("Spinlock+sc", "Spinlock", SC, (F, F, F), ""),
    # Plain (non-atomic) data, for the race finder.
    ("MP+plain+rlx", "MP", RLX, (F, A, A), "RACY: plain data, Relaxed flag"),
    ("MP+plain+rel+acq", "MP", RA, (F, F, F), "race-free: plain data published by a Release/Acquire flag"),
    ("MP+plain+fences", "MP", RLX, (F, F, F), "race-free: plain data, Relaxed flag with fence(Release)/fence(Acquire)"),
    ("SB+plain", "SB", RLX, (A, A, A), "RACY: every access plain"),
    ("Spinlock+plain+acq+rel", "Spinlock", RA, (F, F, F), "race-free when both CAS succeed: the lock protects a plain counter"),
]

# The rule that decides each verdict, checked against herdtools7's models
# (herd/libdir/x86tso.cat; aarch64.cat: dob, aob, bob, "irreflexive ob as external";
# riscv-defs.cat: ppo rules r1-r13, riscv.cat: "acyclic co|rfe|fr|ppo") applied to the
# lowered instructions (docs/lowering.md). "ghb" is x86tso.cat's global happens-before.
X86_WR = "x86tso.cat: po W->R is not in ghb"
X86_ORD = "x86tso.cat: ghb holds po W->W, R->R, R->W"
ARM_NONE = "aarch64.cat: no dob/bob edge between accesses to different locations without dependencies"
RV_NONE = "riscv-defs.cat: no ppo rule for them"
ARM_RA = "aarch64.cat bob `po; [L]` (stlr) and `[A|Q]; po` (ldar)"
RV_RA = "riscv-defs.cat r4 (`fence rw,w` before the store, `fence r,rw` after the load)"
CO = ("x86tso.cat `acyclic po-loc | amo | com`; aarch64.cat `acyclic po-loc | ca | rf as internal`; "
      "riscv.cat `acyclic co|rf|fr|po-loc as Coherence`")
SOURCES = {
    "SB+rlx": f"{X86_WR}; {ARM_NONE}; {RV_NONE}",
    "SB+rel+acq": f"{X86_WR}; arm forbidden by aarch64.cat bob `[L]; po; [A]` (stlr then ldar); "
                  "riscv allowed: r4 orders nothing from the sd to the later ld",
    "SB+sc": "x86tso.cat `implied` (xchg is locked); aarch64.cat bob `[L]; po; [A]`; riscv-defs.cat r4 (`fence rw,rw`)",
    "SB+fences": "x86tso.cat `mfence`; aarch64.cat bob `po; [dmb.full]; po`; riscv-defs.cat r4 (`fence rw,rw`)",
    "MP+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE}",
    "MP+rel+acq": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "MP+sc": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "MP+fences": f"{X86_ORD}; aarch64.cat bob `po; [dmb.full]; po` and `[R]; po; [dmb.ld]; po`; riscv-defs.cat r4",
    "LB+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE}",
    "LB+rel+acq": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "LB+sc": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "IRIW+rlx": f"{X86_ORD}; {ARM_NONE} (the readers' loads); {RV_NONE}",
    "IRIW+rel+acq": f"{X86_ORD}; aarch64.cat bob `[A|Q]; po` with obs = rfe|fre|coe (other-multicopy-atomic); "
                    "riscv-defs.cat r4 in riscv.cat's single acyclicity (multicopy-atomic); rc11.cat allows it for C11",
    "IRIW+sc": f"{X86_ORD}; {ARM_RA}; riscv-defs.cat r4 (`fence rw,rw; ld; fence r,rw`)",
    "2+2W+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE}",
    "2+2W+rel": f"{X86_ORD}; aarch64.cat bob `po; [L]`; riscv-defs.cat r4 (`fence rw,w`)",
    "2+2W+sc": f"x86tso.cat `implied` (xchg); aarch64.cat bob `po; [L]`; riscv-defs.cat r4",
    "WRC+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE}",
    "WRC+rel+acq": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "WRC+sc": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "ISA2+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE}",
    "ISA2+rel+acq": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "ISA2+sc": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "R+rlx": f"{X86_WR}; {ARM_NONE}; {RV_NONE}",
    "R+rel+acq": f"{X86_WR}; arm forbidden by aarch64.cat bob `[L]; po; [A]` and `po; [L]`; "
                 "riscv allowed: r4 orders nothing from thread 1's sd to its ld",
    "R+sc": "x86tso.cat `implied` (xchg); aarch64.cat bob `[L]; po; [A]`; riscv-defs.cat r4 (`fence rw,rw` before the ld)",
    "S+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE}",
    "S+rel+acq": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "S+sc": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "Spinlock+rlx": "x86tso.cat `implied` (lock cmpxchg); aarch64.cat: a Relaxed unlock (str) has no `po; [L]`, and "
                    "dob orders only writes after the CAS's branch (`ctrl; [W]`), not the load of c; riscv-defs.cat: "
                    "no r6 for a plain sd, and r11 (ctrl) only to writes",
    "Spinlock+acq+rel": "x86tso.cat `implied`; aarch64.cat bob `[A|Q]; po` (ldaxr / casa) and `po; [L]` (stlr); "
                        "riscv-defs.cat r5 `[AQ]; po` (lr.d.aq) and r4 (`fence rw,w` before the unlock)",
    "Spinlock+sc": "x86tso.cat `implied`; aarch64.cat bob `[A|Q]; po`, `po; [L]`; riscv-defs.cat r5-r7 (lr/sc .aqrl), r4",
    "MP+plain+rlx": f"{X86_ORD}; {ARM_NONE}; {RV_NONE} (plain accesses lower to plain ldr/str, ld/sd)",
    "MP+plain+rel+acq": f"{X86_ORD}; {ARM_RA}; {RV_RA}",
    "MP+plain+fences": f"{X86_ORD}; aarch64.cat bob `po; [dmb.full]; po`, `[R]; po; [dmb.ld]; po`; riscv-defs.cat r4",
    "SB+plain": f"{X86_WR}; {ARM_NONE}; {RV_NONE}",
    "Spinlock+plain+acq+rel": "as Spinlock+acq+rel",
}
for _name in ("CoRR+rlx", "CoRR+sc", "CoRW+rlx", "CoRW+sc", "CoWR+rlx", "CoWR+sc", "CoWW+rlx", "CoWW+sc"):
    SOURCES[_name] = CO

def body(test, name, o):
    threads, cond, _ = TESTS[test]
    threads = [list(t) for t in threads]
    if name.startswith("MP+rel+acq"):
        threads = [[st("x", 1, "Relaxed"), st("y", 1, "Release")], [ld("r0", "y", "Acquire"), ld("r1", "x", "Relaxed")]]
    if name == "SB+fences":
        threads = [[st("x", 1), "fence(Ordering::SeqCst);", ld("r0", "y")], [st("y", 1), "fence(Ordering::SeqCst);", ld("r1", "x")]]
    if name.startswith("MP+fences") or name == "MP+plain+fences":
        threads = [[st("x", 1), "fence(Ordering::Release);", st("y", 1)], [ld("r0", "y"), "fence(Ordering::Acquire);", ld("r1", "x")]]
    if "+plain" in name:
        if test == "MP":
            threads[0][0] = "*x = 1;"
            threads[1][-1] = "let r1 = *x;"
        elif test == "SB":
            threads = [["*x = 1;", "let r0 = *y;"], ["*y = 1;", "let r1 = *x;"]]
        elif test == "Spinlock":
            for i, t in enumerate(threads):
                t[1] = "let r1 = *c;"
                t[2] = f"*c = {i + 1};"
    out = []
    for i, t in enumerate(threads):
        out.append(f"thread {i} {{")
        out += ["  " + s.format(**o) for s in t]
        out.append("}")
    return out, cond

def main():
    rows = []
    for name, test, o, verdicts, note in VARIANTS:
        lines, cond = body(test, name, o)
        locs = sorted({c for l in lines for c in "xyzlc" if f"{c}." in l or f"*{c}" in l})
        text = [f"// {TESTS[test][2]}." + (f" {note}." if note else ""),
                f"litmus {name}", "init " + "; ".join(f"{l} = 0" for l in locs)] + lines
        text.append(f"exists ({cond})")
        text.append(f"expect x86: {verdicts[0]}; arm: {verdicts[1]}; riscv: {verdicts[2]}")
        with open(os.path.join(HERE, name + ".litmus"), "w") as f:
            f.write("\n".join(text) + "\n")
        source = SOURCES[name].replace("|", "\\|")  # a bare | would end the markdown cell
        rows.append(f"| `{name}` | {verdicts[0]} | {verdicts[1]} | {verdicts[2]} | {note} | {source} |")
    print("| test | x86 | arm | riscv | why | source (herd7 model rule) |\n| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))

main()
