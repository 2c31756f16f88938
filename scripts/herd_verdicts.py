#!/usr/bin/python3
"""herd7's verdicts for cohsim litmus tests, from the instructions cohsim lowers them to.

    /usr/bin/python3 scripts/herd_verdicts.py --herd PATH/TO/herd7 --lib PATH/TO/herd/libdir \
        [--cohsim build/cohsim] [--out traces/litmus/generated/VERDICTS.json] [--keep DIR] FILE.litmus...
    /usr/bin/python3 scripts/herd_verdicts.py --coverage RUNS.json... --verdicts VERDICTS.json [--unseen F.tsv]
        (also traces/litmus/deps/: tests with registers, branches and loops, read through
        `cohsim lower TEST.litmus`; see "programs" below)
        (RUNS.json: `cohsim litmus ... --json` output; prints the share of allowed outcomes
        reached per ISA and every outcome seen that herd7 forbids; exit 4 if any)

For each cohsim litmus file and each ISA (x86, arm, arm+lse, riscv):

1. the test's operations become a cohsim text trace and `cohsim lower TRACE --isa ISA`
   prints the instruction sequence each one runs (docs/lowering.md, LLVM/clang 14's
   mappings);
2. those instructions become a herd7 litmus test in the ISA's assembly: `X86` (Intel
   syntax) for x86tso.cat, `AArch64` for aarch64.cat, `RISCV` for riscv.cat, with a
   `locations` line naming every register of the test and every location its
   condition names (the same keys as cohsim's outcome histogram);
3. herd7 runs it with that model; the states it prints are the allowed outcomes, and
   the condition (cohsim's, evaluated on each state; herd7's own `exists` answer must
   agree) is allowed when some state satisfies it.

The source program also goes to herd7's C front end with rc11.cat (RC11, Lahav et al.
PLDI 2017) and c11_partialSC.cat (Batty et al. POPL 2016): the outcomes C11/Rust allow.
A hardware outcome outside both would be a lowering bug; one outside rc11.cat only is
RC11's ban on load buffering (po | rf acyclic), which the hardware mappings do not give.

Mapping of the lowered instructions (registers and constants are ours; herd7 needs
no data movement for constants, they are initial register values):

    x86:    mov (load) -> MOV EAX,[x]   mov (store) -> MOV [x],ECX   xchg -> XCHG [x],ESI
            mfence -> MFENCE   lock cmpxchg -> LOCK CMPXCHG [x],ESI (EAX expected)
    arm:    ldr/ldar -> LDR/LDAR X0,[X10]   str/stlr -> STR/STLR X20,[X10]
            dmb ish/ishld -> DMB ISH/ISHLD
            ld[a]xr; st[l]xr loops -> one LD[A]XR/ST[L]XR pair, `filter` on the
            store-exclusive's success (a failed pass only re-reads and retries)
            LSE: swp/cas/ldadd with their a/l/al suffixes as they are
    riscv:  ld/sd -> ld x5,0(x10) / sd x20,0(x10)   fence P,S -> fence P,S   fence.tso
            amo*.d[.aq|.rl|.aqrl] as they are   lr.d/sc.d loops -> one pass with `filter`

The output holds per test and ISA: the instructions, whether the condition is allowed,
the allowed outcomes (maps of register/location to value), the model, herd7's version.
"""

import argparse
import datetime
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile

ISAS = ["x86", "arm", "arm+lse", "riscv"]
MODELS = {"x86": "x86tso.cat", "arm": "aarch64.cat", "arm+lse": "aarch64.cat", "riscv": "riscv.cat"}
C_MODELS = ["rc11.cat", "c11_partialSC.cat"]
ORDS = ["Relaxed", "Acquire", "Release", "AcqRel", "SeqCst"]
RMW = ["fetch_add", "fetch_sub", "fetch_and", "fetch_or", "fetch_xor", "swap"]


# ---------------------------------------------------------------- cohsim litmus parser

class Test:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)[:-len(".litmus")]
        self.init = {}
        self.threads = []  # list of lists of ops: dict(op, loc, val, reg, order, fail, expected)
        self.cond = None  # text inside exists ( ... )
        self.expect = {}


def parse_order(s):
    s = s.strip()
    if s.startswith("Ordering::"):
        s = s[len("Ordering::"):]
    if s not in ORDS:
        raise ValueError("bad ordering " + s)
    return s


def parse_litmus(path):
    t = Test(path)
    cur = None
    with open(path) as f:
        for raw in f:
            line = raw.split("//")[0].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("litmus "):
                t.name = line.split()[1]
            elif line.startswith("init "):
                for part in re.split(r"[;,]", line[5:]):
                    if part.strip():
                        k, v = part.split("=")
                        t.init[k.strip()] = int(v)
            elif re.match(r"thread \d+ \{", line):
                cur = []
                t.threads.append(cur)
            elif line == "}":
                cur = None
            elif line.startswith("exists"):
                m = re.match(r"exists\s*\((.*)\)\s*$", line)
                t.cond = m.group(1)
            elif line.startswith("expect"):
                rest = line[len("expect"):].strip()
                if ":" in rest:
                    for part in rest.split(";"):
                        if part.strip():
                            k, v = part.split(":")
                            t.expect[k.strip()] = v.strip()
                else:
                    for isa in ("x86", "arm", "riscv"):
                        t.expect[isa] = rest
            elif cur is not None:
                cur.append(parse_stmt(line.rstrip(";").strip(), path))
            else:
                raise ValueError("%s: cannot read %r" % (path, line))
    return t


def parse_stmt(s, path):
    s = re.sub(r"^(std::sync::atomic::|atomic::)", "", s)
    m = re.match(r"fence\((.*)\)$", s)
    if m:
        return {"op": "fence", "order": parse_order(m.group(1))}
    reg = None
    m = re.match(r"let\s+(\w+)\s*=\s*(.*)$", s)
    if m:
        reg, s = m.group(1), m.group(2).strip()
    m = re.match(r"\*(\w+)\s*=\s*(-?\d+)$", s)
    if m:
        return {"op": "store", "loc": m.group(1), "val": int(m.group(2)), "order": "Plain"}
    m = re.match(r"\*(\w+)$", s)
    if m:
        return {"op": "load", "loc": m.group(1), "reg": reg, "order": "Plain"}
    m = re.match(r"(\w+)\.(\w+)\((.*)\)$", s)
    if not m:
        raise ValueError("%s: cannot read %r" % (path, s))
    loc, fn, args = m.group(1), m.group(2), [a.strip() for a in m.group(3).split(",")]
    if fn == "load":
        return {"op": "load", "loc": loc, "reg": reg, "order": parse_order(args[0])}
    if fn == "store":
        return {"op": "store", "loc": loc, "val": int(args[0]), "order": parse_order(args[1])}
    if fn in RMW:
        return {"op": fn, "loc": loc, "val": int(args[0]), "reg": reg, "order": parse_order(args[1])}
    if fn in ("compare_exchange", "compare_exchange_weak"):
        return {"op": fn, "loc": loc, "expected": int(args[0]), "val": int(args[1]), "reg": reg,
                "order": parse_order(args[2]), "fail": parse_order(args[3])}
    raise ValueError("%s: unsupported operation %r" % (path, fn))


def to_trace(t):
    """The test's operations as a cohsim text trace (for `cohsim lower`)."""
    lines = []
    for i, th in enumerate(t.threads):
        lines.append("thread %d" % i)
        for op in th:
            o = "" if op.get("order") == "Plain" else " " + op["order"]
            r = " -> " + op["reg"] if op.get("reg") else ""
            if op["op"] == "fence":
                lines.append("  fence " + op["order"])
            elif op["op"] == "load":
                lines.append("  load %s%s%s" % (op["loc"], o, r))
            elif op["op"] == "store":
                lines.append("  store %s %d%s" % (op["loc"], op["val"], o))
            elif op["op"] in RMW:
                lines.append("  %s %s %d%s%s" % (op["op"], op["loc"], op["val"], o, r))
            else:
                lines.append("  %s %s %d %d %s %s%s" % (op["op"], op["loc"], op["expected"], op["val"],
                                                         op["order"], op["fail"], r))
    return "\n".join(lines) + "\n"


def lower(cohsim, t, isa):
    """Per thread, per op: the list of mnemonics cohsim runs for it."""
    with tempfile.NamedTemporaryFile("w", suffix=".trace", delete=False) as f:
        f.write(to_trace(t))
        path = f.name
    try:
        args = [cohsim, "lower", path, "--isa", "arm" if isa == "arm+lse" else isa]
        if isa == "arm+lse":
            args.append("--lse")
        env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
        out = subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout
    finally:
        os.unlink(path)
    res, cur = [], None
    for line in out.splitlines():
        if line.startswith("thread "):
            cur = []
            res.append(cur)
        elif line.startswith("summary"):
            cur = None
        elif cur is not None and line.startswith("  "):
            parts = re.split(r"\s{2,}", line.strip())
            instrs = parts[1] if len(parts) > 1 else ""
            cur.append([] if instrs == "(nothing)" else [i.strip() for i in instrs.split(";")])
    assert [len(x) for x in res] == [len(x) for x in t.threads], (t.path, isa, out)
    return res


# ---------------------------------------------------------------- condition

def cond_keys(cond):
    """Locations the condition names (registers are T:REG)."""
    keys = []
    for m in re.finditer(r"(\d+:)?([A-Za-z_]\w*)", cond):
        if not m.group(1) and m.group(2) not in keys:
            keys.append(m.group(2))
    return keys


def cond_python(cond):
    """The condition as a Python expression over a dict s."""
    c = cond.replace("/\\", "&&").replace("\\/", "||").replace("~", "!")
    c = re.sub(r"(?<![=!<>])=(?!=)", "==", c)
    c = re.sub(r"(\d+:\w+|\b[A-Za-z_]\w*\b)", lambda m: "s[%r]" % m.group(1), c)
    c = c.replace("&&", " and ").replace("||", " or ").replace("!=", "<>")
    c = c.replace("!", " not ").replace("<>", "!=")
    return c


def cond_herd(cond, regmap):
    c = cond.replace("&&", "/\\").replace("||", "\\/").replace("!=", "<>").replace("==", "=")
    c = c.replace("!", "~")
    c = re.sub(r"(\w+)\s*<>\s*(-?\d+)", r"~(\1=\2)", c)
    c = re.sub(r"(\d+:\w+)", lambda m: regmap.get(m.group(1), m.group(1)), c)
    return c


def outcome_keys(t):
    keys = []
    for i, th in enumerate(t.threads):
        for op in th:
            if op.get("reg"):
                keys.append("%d:%s" % (i, op["reg"]))
    return keys + cond_keys(t.cond)


# ---------------------------------------------------------------- herd translation

class Asm:
    """One ISA's herd litmus text for a test."""

    def __init__(self, t, isa, lowered):
        self.t, self.isa, self.lowered = t, isa, lowered
        self.regmap = {}  # "T:r" -> herd register name "T:REG"
        self.filters = []
        self.code = []  # per thread list of lines
        self.init = []
        self.x86_64 = isa == "x86" and any(op["op"].startswith("compare_exchange") for th in t.threads for op in th)
        self.model = "x86tso-mixed.cat" if self.x86_64 else MODELS[isa]
        getattr(self, "gen_" + ("arm" if isa == "arm+lse" else isa))()

    def locs(self):
        ls = []
        for th in self.t.threads:
            for op in th:
                if op.get("loc") and op["loc"] not in ls:
                    ls.append(op["loc"])
        for l in cond_keys(self.t.cond) + list(self.t.init):
            if l not in ls:
                ls.append(l)
        return ls

    # x86: X86 (32-bit Intel syntax) for x86tso.cat; herd7's X86 has no cmpxchg, so a test
    # with a compare_exchange goes to X86_64 (AT&T syntax) and x86tso-mixed.cat instead
    def gen_x86(self):
        if self.x86_64:
            return self.gen_x86_64()
        for ti, (th, low) in enumerate(zip(self.t.threads, self.lowered)):
            out, nres = [], 0
            resregs = ["EAX", "EBX", "ECX", "EDX"]
            scratch = ["EDI", "ESI", "EBP"]
            for op, ins in zip(th, low):
                if op["op"] == "fence":
                    out += [{"mfence": "MFENCE"}[i] for i in ins]
                    continue
                if op["op"] == "load":
                    assert ins == ["mov"], ins
                    r = resregs[nres]
                    nres += 1
                    self.regmap["%d:%s" % (ti, op["reg"])] = "%d:%s" % (ti, r)
                    out.append("MOV %s,[%s]" % (r, op["loc"]))
                elif op["op"] == "store":
                    if ins == ["mov"]:
                        out.append("MOV [%s],$%d" % (op["loc"], op["val"]))
                    else:
                        assert ins == ["xchg"], ins
                        r = scratch.pop(0)
                        self.init.append("%d:%s=%d" % (ti, r, op["val"]))
                        out.append("XCHG [%s],%s" % (op["loc"], r))
                elif op["op"] == "swap":
                    assert ins == ["xchg"], ins
                    r = resregs[nres] if op.get("reg") else scratch.pop(0)
                    if op.get("reg"):
                        nres += 1
                        self.regmap["%d:%s" % (ti, op["reg"])] = "%d:%s" % (ti, r)
                    self.init.append("%d:%s=%d" % (ti, r, op["val"]))
                    out.append("XCHG [%s],%s" % (op["loc"], r))
                elif op["op"].startswith("compare_exchange"):
                    assert ins == ["lock cmpxchg"], ins
                    # EAX: expected in, value read out
                    assert nres == 0 and "EAX" not in [v.split(":")[1] for v in self.regmap.values()
                                                        if v.startswith("%d:" % ti)]
                    resregs.remove("EAX")
                    if op.get("reg"):
                        self.regmap["%d:%s" % (ti, op["reg"])] = "%d:EAX" % ti
                    r = scratch.pop(0)
                    self.init += ["%d:EAX=%d" % (ti, op["expected"]), "%d:%s=%d" % (ti, r, op["val"])]
                    out.append("LOCK CMPXCHG [%s],%s" % (op["loc"], r))
                else:
                    raise ValueError("x86: no herd form for " + op["op"])
            self.code.append(out)

    def gen_x86_64(self):
        for ti, (th, low) in enumerate(zip(self.t.threads, self.lowered)):
            out, nres = [], 0
            resregs = ["rax", "rbx", "rcx", "rdx"]
            scratch = ["rdi", "rsi", "rbp"]
            if any(op["op"].startswith("compare_exchange") for op in th):
                resregs.remove("rax")
            for op, ins in zip(th, low):
                if op["op"] == "fence":
                    out += [{"mfence": "mfence"}[i] for i in ins]
                elif op["op"] == "load":
                    assert ins == ["mov"], ins
                    r = resregs.pop(0)
                    self.regmap["%d:%s" % (ti, op["reg"])] = "%d:%s" % (ti, r)
                    out.append("movq (%s),%%%s" % (op["loc"], r))
                elif op["op"] == "store" and ins == ["mov"]:
                    out.append("movq $%d,(%s)" % (op["val"], op["loc"]))
                elif op["op"] in ("store", "swap"):
                    assert ins == ["xchg"], ins
                    r = resregs.pop(0) if op.get("reg") else scratch.pop(0)
                    if op.get("reg"):
                        self.regmap["%d:%s" % (ti, op["reg"])] = "%d:%s" % (ti, r)
                    self.init.append("%d:%s=%d" % (ti, r, op["val"]))
                    out.append("xchgq %%%s,(%s)" % (r, op["loc"]))
                elif op["op"].startswith("compare_exchange"):
                    assert ins == ["lock cmpxchg"], ins
                    if op.get("reg"):
                        self.regmap["%d:%s" % (ti, op["reg"])] = "%d:rax" % ti
                    r = scratch.pop(0)
                    self.init += ["%d:rax=%d" % (ti, op["expected"]), "%d:%s=%d" % (ti, r, op["val"])]
                    out.append("lock cmpxchgq (%s),%%%s" % (op["loc"], r))  # herd7 takes (mem),reg
                else:
                    raise ValueError("x86: no herd form for " + op["op"])
            self.code.append(out)

    def gen_arm(self):
        locs = self.locs()
        for ti, (th, low) in enumerate(zip(self.t.threads, self.lowered)):
            out, nres, nval, nst = [], 0, 0, 0
            addr = {}
            for l in locs:
                addr[l] = "X%d" % (10 + len(addr))
                self.init.append("%d:%s=%s" % (ti, addr[l], l))

            def val(v):
                nonlocal nval
                r = "X%d" % (20 + nval)
                nval += 1
                self.init.append("%d:%s=%d" % (ti, r, v))
                return r

            def res(op):
                nonlocal nres
                r = "X%d" % nres
                nres += 1
                if op.get("reg"):
                    self.regmap["%d:%s" % (ti, op["reg"])] = "%d:%s" % (ti, r)
                return r

            for op, ins in zip(th, low):
                if op["op"] == "fence":
                    out += [{"dmb ish": "DMB ISH", "dmb ishld": "DMB ISHLD"}[i] for i in ins]
                elif op["op"] == "load":
                    assert ins in (["ldr"], ["ldar"]), ins
                    out.append("%s %s,[%s]" % (ins[0].upper(), res(op), addr[op["loc"]]))
                elif op["op"] == "store":
                    assert ins in (["str"], ["stlr"]), ins
                    out.append("%s %s,[%s]" % (ins[0].upper(), val(op["val"]), addr[op["loc"]]))
                elif op["op"] == "swap" and len(ins) == 1:
                    assert re.fullmatch(r"swp(a|l|al)?", ins[0]), ins
                    v = val(op["val"])
                    out.append("%s %s,%s,[%s]" % (ins[0].upper(), v, res(op), addr[op["loc"]]))
                elif op["op"] == "fetch_add" and len(ins) == 1:
                    assert re.fullmatch(r"ldadd(a|l|al)?", ins[0]), ins
                    v = val(op["val"])
                    out.append("%s %s,%s,[%s]" % (ins[0].upper(), v, res(op), addr[op["loc"]]))
                elif op["op"] in ("swap", "fetch_add"):
                    # ld[a]xr; [add;] st[l]xr; cbnz (loop): one pass, filtered on success
                    ld, st = ins[0], [i for i in ins if i.startswith("st")][0]
                    r = res(op)
                    status = "W%d" % (9 - nst)
                    self.init.append("%d:X%d=0" % (ti, 9 - nst))
                    self.filters.append("%d:X%d=0" % (ti, 9 - nst))
                    nst += 1
                    v = val(op["val"])
                    out.append("%s %s,[%s]" % (ld.upper(), r, addr[op["loc"]]))
                    if op["op"] == "fetch_add":
                        out.append("ADD X19,%s,%s" % (r, v))
                        v = "X19"
                    out.append("%s %s,%s,[%s]" % (st.upper(), status, v, addr[op["loc"]]))
                elif op["op"].startswith("compare_exchange"):
                    r = res(op)
                    v = val(op["val"])
                    if len(ins) == 1:  # LSE cas: the register holds the expected value, gets the value read
                        assert re.fullmatch(r"cas(a|l|al)?", ins[0]), ins
                        self.init.append("%d:%s=%d" % (ti, r, op["expected"]))
                        out.append("%s %s,%s,[%s]" % (ins[0].upper(), r, v, addr[op["loc"]]))
                    else:
                        ld = ins[0]
                        st = [i for i in ins if re.match(r"stl?xr", i)][0]
                        status = "W%d" % (9 - nst)
                        self.init.append("%d:X%d=0" % (ti, 9 - nst))
                        self.filters.append("%d:X%d=0" % (ti, 9 - nst))
                        lab = "Lfail%d%d" % (ti, nst)
                        nst += 1
                        out += ["%s %s,[%s]" % (ld.upper(), r, addr[op["loc"]]),
                                "CMP %s,#%d" % (r, op["expected"]),
                                "B.NE %s" % lab,
                                "%s %s,%s,[%s]" % (st.upper(), status, v, addr[op["loc"]]),
                                "%s:" % lab]
                        # clrex has no effect on the model's events
                else:
                    raise ValueError("arm: no herd form for " + op["op"])
            self.code.append(out)

    def gen_riscv(self):
        locs = self.locs()
        for ti, (th, low) in enumerate(zip(self.t.threads, self.lowered)):
            out, nres, nval, nst = [], 0, 0, 0
            addr = {}
            for l in locs:
                addr[l] = "x%d" % (10 + len(addr))
                self.init.append("%d:%s=%s" % (ti, addr[l], l))

            def val(v):
                nonlocal nval
                r = "x%d" % (20 + nval)
                nval += 1
                self.init.append("%d:%s=%d" % (ti, r, v))
                return r

            def res(op):
                nonlocal nres
                r = "x%d" % (5 + nres)
                nres += 1
                if op.get("reg"):
                    self.regmap["%d:%s" % (ti, op["reg"])] = "%d:%s" % (ti, r)
                return r

            for op, ins in zip(th, low):
                if op["op"] == "fence":
                    for i in ins:
                        assert re.fullmatch(r"fence (r|w|rw),(r|w|rw)|fence\.tso", i), i
                        out.append(i)
                    continue
                seq = list(ins)
                pre = []
                while seq and seq[0].startswith("fence"):
                    pre.append(seq.pop(0))
                post = []
                while seq and seq[-1].startswith("fence"):
                    post.insert(0, seq.pop())
                out += pre
                if op["op"] == "load":
                    assert seq == ["ld"], ins
                    out.append("ld %s,0(%s)" % (res(op), addr[op["loc"]]))
                elif op["op"] == "store":
                    assert seq == ["sd"], ins
                    out.append("sd %s,0(%s)" % (val(op["val"]), addr[op["loc"]]))
                elif op["op"] in RMW:
                    amo = [i for i in seq if i.startswith("amo")]
                    assert len(amo) == 1 and op["op"] in ("swap", "fetch_add"), ins
                    v = val(op["val"])
                    out.append("%s %s,%s,(%s)" % (amo[0], res(op), v, addr[op["loc"]]))
                elif op["op"].startswith("compare_exchange"):
                    lr = seq[0]
                    sc = [i for i in seq if i.startswith("sc.")][0]
                    r = res(op)
                    v = val(op["val"])
                    e = val(op["expected"])
                    status = "x%d" % (18 - nst)
                    self.init.append("%d:%s=0" % (ti, status))
                    self.filters.append("%d:%s=0" % (ti, status))
                    lab = "Lfail%d%d" % (ti, nst)
                    nst += 1
                    out += ["%s %s,0(%s)" % (lr, r, addr[op["loc"]]),
                            "bne %s,%s,%s" % (r, e, lab),
                            "%s %s,%s,0(%s)" % (sc, status, v, addr[op["loc"]]),
                            "%s:" % lab]
                else:
                    raise ValueError("riscv: no herd form for " + op["op"])
                out += post
            self.code.append(out)

    def text(self):
        arch = {"x86": "X86_64" if self.x86_64 else "X86", "arm": "AArch64", "arm+lse": "AArch64", "riscv": "RISCV"}[self.isa]
        locs = self.locs()
        init = ["%s=%d" % (l, self.t.init.get(l, 0)) for l in locs] + self.init
        lines = ["%s %s" % (arch, self.t.name), "{", "; ".join(init) + ";", "}"]
        n = len(self.code)
        rows = max(len(c) for c in self.code)
        cols = [["P%d" % i] + c + [""] * (rows - len(c)) for i, c in enumerate(self.code)]
        width = [max(len(x) for x in col) for col in cols]
        for r in range(rows + 1):
            lines.append(" " + " | ".join(cols[i][r].ljust(width[i]) for i in range(n)) + " ;")
        keys = outcome_keys(self.t)
        herdkeys = [self.regmap.get(k, k) for k in keys]
        lines.append("locations [" + " ".join(k + ";" for k in herdkeys) + "]")
        if self.filters:
            lines.append("filter (" + " /\\ ".join(self.filters) + ")")
        lines.append("exists (" + cond_herd(self.t.cond, self.regmap) + ")")
        return "\n".join(lines) + "\n"


C_ORDER = {"Relaxed": "memory_order_relaxed", "Acquire": "memory_order_acquire",
           "Release": "memory_order_release", "AcqRel": "memory_order_acq_rel",
           "SeqCst": "memory_order_seq_cst"}


def c_text(t):
    """The source program in herd7's C: the C11 model's input."""
    locs = Asm.locs(type("X", (), {"t": t})())
    plain = {op["loc"] for th in t.threads for op in th if op.get("order") == "Plain"}
    cas = {ti: op for ti, th in enumerate(t.threads) for op in th if op["op"].startswith("compare_exchange")}
    assert all(sum(op["op"].startswith("compare") for op in th) <= 1 for th in t.threads), "one CAS a thread"
    lines = ["C %s" % t.name, "{ " + " ".join("[%s]=%d;" % (l, t.init.get(l, 0)) for l in locs)
             + " ".join(" [e%d]=%d;" % (ti, op["expected"]) for ti, op in cas.items()) + " }"]
    for ti, th in enumerate(t.threads):
        used = []
        for op in th:
            if op.get("loc") and op["loc"] not in used:
                used.append(op["loc"])
        params = ", ".join(("int* %s" if l in plain else "atomic_int* %s") % l for l in used)
        if ti in cas:
            params += ", int* e%d" % ti
        lines.append("P%d (%s) {" % (ti, params))
        for op in th:
            o = C_ORDER.get(op.get("order"))
            lhs = "int %s = " % op["reg"] if op.get("reg") else ""
            if op["op"] == "fence":
                lines.append("  atomic_thread_fence(%s);" % o)
            elif op["op"] == "load" and op["order"] == "Plain":
                lines.append("  %s*%s;" % (lhs, op["loc"]))
            elif op["op"] == "load":
                lines.append("  %satomic_load_explicit(%s, %s);" % (lhs, op["loc"], o))
            elif op["op"] == "store" and op["order"] == "Plain":
                lines.append("  *%s = %d;" % (op["loc"], op["val"]))
            elif op["op"] == "store":
                lines.append("  atomic_store_explicit(%s, %d, %s);" % (op["loc"], op["val"], o))
            elif op["op"] == "swap":
                lines.append("  %satomic_exchange_explicit(%s, %d, %s);" % (lhs, op["loc"], op["val"], o))
            elif op["op"] == "fetch_add":
                lines.append("  %satomic_fetch_add_explicit(%s, %d, %s);" % (lhs, op["loc"], op["val"], o))
            elif op["op"].startswith("compare_exchange"):
                # r gets the value read: *e holds the expected value and gets the current
                # one on failure (e: a thread-local plain location, initialised below)
                e = "e%d" % ti
                lines.append("  int ok%d = atomic_compare_exchange_strong_explicit(%s, %s, %d, %s, %s);"
                             % (ti, op["loc"], e, op["val"], o, C_ORDER[op["fail"]]))
                if op.get("reg"):
                    lines.append("  int %s = *%s;" % (op["reg"], e))
            else:
                raise ValueError("C: no form for " + op["op"])
        lines.append("}")
    keys = outcome_keys(t)
    lines.append("locations [" + " ".join(k + ";" for k in keys) + "]")
    lines.append("exists (" + cond_herd(t.cond, {}) + ")")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- running herd

def run_herd(herd, lib, model, text, name, keep):
    path = None
    with tempfile.NamedTemporaryFile("w", suffix=".litmus", delete=False, dir=keep) as f:
        f.write(text)
        path = f.name
    try:
        p = subprocess.run([herd, "-set-libdir", lib, "-model", model, path],
                           capture_output=True, text=True, timeout=600)
    finally:
        if keep:
            os.rename(path, os.path.join(keep, name + ".litmus"))
        else:
            os.unlink(path)
    out = p.stdout
    if p.returncode != 0 or "States" not in out:
        raise RuntimeError("herd7 failed on %s (%s):\n%s\n%s\n%s" % (name, model, text, out, p.stderr))
    lines = out.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith("States "))
    n = int(lines[i].split()[1])
    states = []
    for l in lines[i + 1:i + 1 + n]:
        s = {}
        for part in l.split(";"):
            part = part.strip()
            if part:
                k, v = part.split("=")
                s[k.strip()] = int(v)
        states.append(s)
    verdict = lines[i + 1 + n].strip()
    assert verdict in ("Ok", "No", "Undef"), out
    # Undef: the C11 model found an execution with a data race (undefined behaviour)
    return states, {"Ok": True, "No": False, "Undef": "undefined"}[verdict], out


def herd_version(herd):
    return subprocess.run([herd, "-version"], capture_output=True, text=True).stdout.strip()


def analyse(t, args, keep):
    keys = outcome_keys(t)
    pyc = cond_python(t.cond)
    res = {"path": os.path.relpath(t.path), "condition": "exists (%s)" % t.cond, "keys": keys,
           "ops": [[op["op"] for op in th] for th in t.threads], "isa": {}}
    for isa in args.isa:
        low = lower(args.cohsim, t, isa)
        asm = Asm(t, isa, low)
        text = asm.text()
        states, ok, _ = run_herd(args.herd, args.lib, asm.model, text, "%s.%s" % (t.name, isa), keep)
        back = {v: k for k, v in asm.regmap.items()}
        outs = []
        for s in states:
            o = {}
            for k, v in s.items():
                k = k.strip("[]")
                o[back.get(k, k)] = v
            assert sorted(o) == sorted(keys), (t.name, isa, o, keys)
            outs.append({k: o[k] for k in keys})
        mine = any(eval(pyc, {}, {"s": o}) for o in outs)
        if mine != ok:
            raise RuntimeError("%s %s: herd7 says %s, the states say %s" % (t.name, isa, ok, mine))
        res["isa"][isa] = {
            "condition_allowed": ok,
            "outcomes": sorted(outs, key=lambda o: [o[k] for k in keys]),
            "model": asm.model,
            "instructions": [[" ; ".join(i) if i else "(nothing)" for i in th] for th in low],
            "herd_input": text,
        }
    if "arm" in res["isa"]:
        # sequential consistency of the same program (sc.cat on the AArch64 input: sc.cat
        # reads only po and the communication relations): the outcomes any interleaving gives
        states, _, _ = run_herd(args.herd, args.lib, "sc.cat", res["isa"]["arm"]["herd_input"],
                                "%s.sc" % t.name, keep)
        arm_back = {v: k for k, v in Asm(t, "arm", lower(args.cohsim, t, "arm")).regmap.items()}
        outs = [{k: s.get(next((h for h, c in arm_back.items() if c == k), k), s.get("[%s]" % k)) for k in keys}
                for s in states]
        res["sc_outcomes"] = sorted(outs, key=lambda o: [o[k] for k in keys])
    if not args.no_c11:
        text = c_text(t)
        for m in C_MODELS:
            states, ok, _ = run_herd(args.herd, args.lib, m, text, "%s.%s" % (t.name, m[:-4]), keep)
            outs = [{k: s[k] if k in s else s["[%s]" % k] for k in keys} for s in states]
            res.setdefault("c11", {})[m] = {
                "condition_allowed": ok,  # "undefined" when some execution has a data race
                "outcomes": sorted(outs, key=lambda o: [o[k] for k in keys])}
        res["c11_input"] = text
    return res


# ---------------------------------------------------------------- programs (traces/litmus/deps/)
#
# A test whose threads compute with registers, branch or loop (README "Dependencies and
# control flow") is read by cohsim itself: `cohsim lower TEST.litmus --isa ISA` prints
# each thread as the trace program its runs execute (labels `L<index>:`, one operation a
# line in the text trace's syntax) beside the instructions of each operation. Those
# operations become herd7 assembly with the registers carried through, so that herd7
# sees the same address, data and control dependencies as the hardware:
#
#     register arithmetic   add/sub/and/or/xor/mov -> ADD/SUB/AND/ORR/EOR/MOV (AArch64),
#                           add/sub/and/or/xor/mv (RISC-V), movq + addq/... (X86_64)
#     [sym + reg]           AArch64 LDR/STR Xd,[Xsym,Xreg]; RISC-V add then 0(xt);
#                           X86_64 (%rsym,%rreg,1)
#     store VALUE=reg       the register itself (a data dependency)
#     beq/bne/blt/bge       CMP + B.EQ/B.NE/B.CC/B.CS; beq/bne/bltu/bgeu; cmpq + je/jne/jlt/jge
#     a branch back (loop)  one pass: the branch goes to the thread's end instead, and a
#                           `filter` keeps the executions where it fell through (the loop
#                           exited). Refused unless a repeated pass only reads memory and
#                           starts afresh (no register carried from one pass to the next,
#                           no store; a compare_exchange only when the branch repeats it on
#                           its failure): then the passes before the last add only reads
#                           whose values nothing uses, and removing them from a consistent
#                           execution leaves one, so the one-pass outcomes are the outcomes.
#
# x86 programs go to X86_64 with x86tso-mixed.cat (herd7's X86 has no register+register
# addressing and no cmpxchg). The C11 models are not run on programs.

PROG_ARITH = {"add", "sub", "and", "or", "xor", "mov"}
PROG_BRANCH = {"beq", "bne", "blt", "bge", "jump"}
ORDER_WORDS = set(ORDS)


def is_program(path):
    """True when the straight-line reader cannot take the test (registers read, branches)."""
    try:
        parse_litmus(path)
        return False
    except ValueError:
        return True


def parse_header(path):
    """A test's name, init, condition and expectations (the threads come from cohsim)."""
    t = Test(path)
    depth = 0
    with open(path) as f:
        for raw in f:
            line = raw.split("//")[0].strip()
            if not line or line.startswith("#"):
                continue
            if depth:
                depth += line.count("{") - line.count("}")
                continue
            if re.match(r"thread \d+ \{", line):
                depth = 1
            elif line.startswith("litmus "):
                t.name = line.split()[1]
            elif line.startswith("init "):
                for part in re.split(r"[;,]", line[5:]):
                    if part.strip():
                        k, v = part.split("=")
                        t.init[k.strip()] = int(v)
            elif line.startswith("exists"):
                t.cond = re.match(r"exists\s*\((.*)\)\s*$", line).group(1)
            elif line.startswith("expect"):
                rest = line[len("expect"):].strip()
                for part in rest.split(";"):
                    if ":" in part:
                        k, v = part.split(":")
                        t.expect[k.strip()] = v.strip()
    return t


def parse_addr(word, regs):
    """`x`, `x+8`, `[x + r0]`, `[r0 + 8]`: (symbol, register, offset); regs: the
    thread's register names."""
    text = word.strip().strip("[]")
    sym, reg, off = None, None, 0
    for part in re.split(r"\s*\+\s*", text):
        if re.fullmatch(r"-?\d+|0x[0-9a-fA-F]+", part):
            off += int(part, 0)
        elif part in regs and reg is None:
            reg = part
        elif part not in regs and sym is None:
            sym = part
        else:
            raise ValueError("address %r: no herd form" % word)
    return sym, reg, off


def parse_prog_op(text, regs):
    """One operation as `cohsim lower` prints it (the text trace's syntax)."""
    m = re.match(r"(.*?)\s*->\s*(\w+)$", text)
    dst = None
    if m:
        text, dst = m.group(1), m.group(2)
    if text.startswith("[") or " [" in text:  # an address in brackets holds blanks
        head, rest = text.split("[", 1)
        inner, tail = rest.split("]", 1)
        words = head.split() + ["[" + inner + "]"] + tail.split()
    else:
        words = text.split()
    op = {"op": words[0], "dst": dst}
    k = words[0]
    if k == "fence":
        op["order"] = words[1]
    elif k == "load":
        op["addr"] = parse_addr(words[1], regs)
        op["order"] = words[2] if len(words) > 2 else "Plain"
    elif k == "store":
        op["addr"] = parse_addr(words[1], regs)
        op["val"] = words[2]
        op["order"] = words[3] if len(words) > 3 else "Plain"
    elif k in RMW:
        op["addr"] = parse_addr(words[1], regs)
        op["val"], op["order"] = words[2], words[3]
    elif k in ("compare_exchange", "compare_exchange_weak"):
        op["addr"] = parse_addr(words[1], regs)
        op["expected"], op["val"], op["order"], op["fail"] = words[2:6]
    elif k in PROG_ARITH:
        op["args"] = words[1:]
    elif k in ("beq", "bne", "blt", "bge"):
        op["args"], op["target"] = words[1:3], words[3]
    elif k == "jump":
        op["target"] = words[1]
    else:
        raise ValueError("no herd form for the operation %r" % text)
    return op


def lower_program(cohsim, path, isa):
    """Per thread: a list of ("label", NAME) and ("op", op, [instructions]) items."""
    args = [cohsim, "lower", path, "--isa", "arm" if isa == "arm+lse" else isa]
    if isa == "arm+lse":
        args.append("--lse")
    env = dict(os.environ, SYSTEMC_DISABLE_COPYRIGHT_MESSAGE="1")
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=env).stdout
    raw, cur = [], None
    for line in out.splitlines():
        if line.startswith("thread "):
            cur = []
            raw.append(cur)
        elif line.startswith("summary"):
            cur = None
        elif cur is None:
            continue
        elif re.match(r"(L\d+):$", line):
            cur.append(("label", line[:-1]))
        elif re.match(r"  (loop L\d+ \(lines|wait \(line)", line):
            continue
        elif line.startswith("  "):
            optext, instrs = re.split(r"\s{2,}", line.strip(), maxsplit=1)
            ins = [] if instrs == "(nothing)" else [i.strip() for i in instrs.split(";")]
            cur.append(("op", optext, ins))
    threads = []
    for items in raw:
        regs = {m.group(1) for it in items if it[0] == "op" for m in [re.search(r"->\s*(\w+)$", it[1])] if m}
        threads.append([it if it[0] == "label" else ("op", parse_prog_op(it[1], regs), it[2]) for it in items])
    return threads


def is_reg(v):
    return not re.fullmatch(r"-?\d+|0x[0-9a-fA-F]+", v)


def loop_checks(items, start, end, branch):
    """A loop [start, end) closed by `branch` may become one pass (see above)."""
    ops = [it[1] for it in items[start:end] if it[0] == "op"]
    written = set()
    for op in ops:
        reads = []
        if op.get("addr") and op["addr"][1]:
            reads.append(op["addr"][1])
        for k in ("val", "expected"):
            if op.get(k) and is_reg(op[k]):
                reads.append(op[k])
        reads += [a for a in op.get("args", []) if is_reg(a)]
        for r in reads:
            if r not in written and any(o.get("dst") == r for o in ops):
                raise ValueError("a loop carries register %s from one pass to the next: no one-pass form" % r)
        if op.get("dst"):
            written.add(op["dst"])
        if op["op"] == "store" or op["op"] in RMW:
            raise ValueError("a loop whose repeated passes write memory (%s): no one-pass form" % op["op"])
        if op["op"].startswith("compare_exchange"):
            ok = (branch["op"] == "bne" and branch["args"][0] == op.get("dst")
                  and branch["args"][1] == op["expected"])
            if not ok:
                raise ValueError("a loop repeats a compare_exchange other than on its failure: no one-pass form")
    if not all(not is_reg(a) for a in branch["args"][1:]) or branch["op"] not in ("beq", "bne"):
        raise ValueError("a loop's branch must compare a register with a number (beq/bne) for its filter")


class ProgAsm:
    """One ISA's herd litmus text for a program test."""

    NEG = {"beq": "bne", "bne": "beq", "blt": "bge", "bge": "blt"}

    def __init__(self, t, isa, threads):
        self.t, self.isa, self.threads = t, isa, threads
        self.regmap, self.filters, self.code, self.init = {}, [], [], []
        self.model = "x86tso-mixed.cat" if isa == "x86" else MODELS[isa]
        self.arch = {"x86": "X86_64", "arm": "AArch64", "arm+lse": "AArch64", "riscv": "RISCV"}[isa]
        for ti, items in enumerate(threads):
            self.code.append(self.thread(ti, items))

    def locs(self):
        ls = []
        for items in self.threads:
            for it in items:
                if it[0] == "op" and it[1].get("addr") and it[1]["addr"][0] and it[1]["addr"][0] not in ls:
                    ls.append(it[1]["addr"][0])
        for l in cond_keys(self.t.cond) + list(self.t.init):
            if l not in ls:
                ls.append(l)
        return ls

    def thread(self, ti, items):
        isa = "arm" if self.isa == "arm+lse" else self.isa
        pools = {"arm": (["X%d" % i for i in range(8)], ["X%d" % i for i in range(10, 15)],
                         ["X%d" % i for i in range(20, 29)], ["X15", "X16", "X17"], ["W8", "W9"]),
                 "riscv": (["x5", "x6", "x7", "x8", "x9", "x28", "x29", "x30", "x31"],
                           ["x10", "x11", "x12", "x13", "x14"], ["x%d" % i for i in range(20, 28)],
                           ["x15", "x16", "x17"], ["x18", "x19"]),
                 "x86": (["rbx", "rcx", "rdx", "rdi", "rsi", "r8", "r9", "r10", "r11"],
                         ["r12", "r13", "r14", "r15"], [], ["rbp"], [])}[isa]
        self.free, addr_pool, self.const_pool, self.scratch, self.status = [list(p) for p in pools]
        self.ti, self.regs, self.consts = ti, {}, {}
        self.addr = {}
        for l in self.locs():
            if addr_pool:
                self.addr[l] = addr_pool.pop(0)
                self.init.append("%d:%s=%s" % (ti, self.addr[l], l))
        labels = {}
        index = 0
        for k, it in enumerate(items):  # cohsim names a label after the op index it marks
            if it[0] == "label":
                labels[it[1]] = (k, index)
            else:
                index += 1
        end = "T%dEnd" % ti
        out = []
        pos = 0  # the op index
        for k, it in enumerate(items):
            if it[0] == "label":
                out.append("T%d%s:" % (ti, it[1]))
                continue
            op, ins = it[1], it[2]
            if op["op"] in PROG_BRANCH and op["op"] != "jump":
                tk, tindex = labels[op["target"]]
                if tindex <= pos:  # a branch back: one pass, filtered on falling through
                    loop_checks(items, tk, k, op)
                    neg = self.NEG[op["op"]]
                    cond = "%s=%s" % (self.reg_name(op["args"][0]), int(op["args"][1], 0))
                    later = [o[1] for o in items[k + 1:] if o[0] == "op"]
                    if any(o.get("dst") == op["args"][0] for o in later):
                        raise ValueError("the loop's register %s is written again later: no filter" % op["args"][0])
                    self.filters.append(cond if neg == "beq" else "~(%s)" % cond)
                    out += self.branch(op["op"], op["args"], end, ins)
                else:
                    out += self.branch(op["op"], op["args"], "T%d%s" % (ti, op["target"]), ins)
            elif op["op"] == "jump":
                if labels[op["target"]][1] <= pos:
                    raise ValueError("an unconditional branch back (a loop with no exit test): no one-pass form")
                out.append({"arm": "B %s", "riscv": "j %s", "x86": "jmp %s"}[isa] % ("T%d%s" % (ti, op["target"])))
            else:
                out += getattr(self, "op_" + isa)(op, ins)
            pos += 1
        out.append("%s:" % end)
        return out

    # registers ------------------------------------------------------------------
    def reg(self, name, write=False):
        if name not in self.regs:
            if not self.free:
                raise ValueError("%s: thread %d needs more registers than the translation has" % (self.t.name, self.ti))
            self.regs[name] = self.free.pop(0)
            if not name.startswith("_t"):
                self.regmap["%d:%s" % (self.ti, name)] = "%d:%s" % (self.ti, self.regs[name])
        return self.regs[name]

    def reg_name(self, name):
        return "%d:%s" % (self.ti, self.reg(name))

    def operand(self, v):
        """A register for a register or a number (numbers: initial values of registers)."""
        if is_reg(v):
            return self.reg(v)
        n = int(v, 0)
        if self.isa == "riscv" and n == 0:
            return "x0"
        if n not in self.consts:
            if not self.const_pool:
                raise ValueError("%s: thread %d has too many constants" % (self.t.name, self.ti))
            self.consts[n] = self.const_pool.pop(0)
            self.init.append("%d:%s=%d" % (self.ti, self.consts[n], n))
        return self.consts[n]

    def base(self, addr):
        sym, reg, off = addr
        if off:
            raise ValueError("an address with an offset (%r): no herd form" % (addr,))
        if sym is None:
            return None, self.reg(reg)
        return self.addr[sym], self.reg(reg) if reg else None

    def branch(self, kind, args, label, ins):
        isa = "arm" if self.isa == "arm+lse" else self.isa
        a = self.reg(args[0]) if is_reg(args[0]) else None
        if a is None:
            raise ValueError("a branch whose first operand is a number")
        if isa == "arm":
            b = ("#%d" % int(args[1], 0)) if not is_reg(args[1]) else self.reg(args[1])
            cc = {"beq": "EQ", "bne": "NE", "blt": "CC", "bge": "CS"}[kind]
            return ["CMP %s,%s" % (a, b), "B.%s %s" % (cc, label)]
        if isa == "riscv":
            b = self.operand(args[1])
            return ["%s %s,%s,%s" % ({"beq": "beq", "bne": "bne", "blt": "bltu", "bge": "bgeu"}[kind], a, b, label)]
        b = ("$%d" % int(args[1], 0)) if not is_reg(args[1]) else "%" + self.reg(args[1])
        return ["cmpq %s,%%%s" % (b, a), "%s %s" % ({"beq": "je", "bne": "jne", "blt": "jlt", "bge": "jge"}[kind], label)]

    # AArch64 ---------------------------------------------------------------------
    def op_arm(self, op, ins):
        k = op["op"]
        if k == "fence":
            return [{"dmb ish": "DMB ISH", "dmb ishld": "DMB ISHLD"}[i] for i in ins]
        if k in PROG_ARITH:
            d = self.reg(op["dst"], True)
            if k == "mov":
                return ["MOV %s,%s" % (d, self.operand(op["args"][0]))]
            mn = {"add": "ADD", "sub": "SUB", "and": "AND", "or": "ORR", "xor": "EOR"}[k]
            return ["%s %s,%s,%s" % (mn, d, self.operand(op["args"][0]), self.operand(op["args"][1]))]
        b, idx = self.base(op["addr"])
        ea = "[%s,%s]" % (b, idx) if b and idx else "[%s]" % (b or idx)
        if k == "load":
            assert ins in (["ldr"], ["ldar"], ["ldapr"]), ins
            return ["%s %s,%s" % (ins[0].upper(), self.reg(op["dst"], True), ea)]
        if k == "store":
            assert ins in (["str"], ["stlr"]), ins
            if ins == ["stlr"] and idx and b:
                raise ValueError("stlr takes no register offset")
            return ["%s %s,%s" % (ins[0].upper(), self.operand(op["val"]), ea)]
        if b and idx:  # exclusives and LSE atomics take a base register only
            s = self.scratch.pop(0)
            pre, ea = ["ADD %s,%s,%s" % (s, b, idx)], "[%s]" % s
        else:
            pre = []
        d = self.reg(op["dst"], True) if op.get("dst") else self.scratch.pop(0)
        v = self.operand(op["val"])
        if k in ("swap", "fetch_add") and len(ins) == 1:
            return pre + ["%s %s,%s,%s" % (ins[0].upper(), v, d, ea)]
        if k in ("swap", "fetch_add"):
            st = [i for i in ins if i.startswith("st")][0]
            status = self.status.pop(0)
            self.init.append("%d:X%s=0" % (self.ti, status[1:]))
            self.filters.append("%d:X%s=0" % (self.ti, status[1:]))
            out = pre + ["%s %s,%s" % (ins[0].upper(), d, ea)]
            if k == "fetch_add":
                s = self.scratch.pop(0)
                out.append("ADD %s,%s,%s" % (s, d, v))
                v = s
            return out + ["%s %s,%s,%s" % (st.upper(), status, v, ea)]
        if k.startswith("compare_exchange"):
            e = self.operand(op["expected"])
            if len(ins) == 1:  # LSE cas: the register holds the expected value, gets the value read
                assert re.fullmatch(r"cas(a|l|al)?", ins[0]), ins
                return pre + ["MOV %s,%s" % (d, e), "%s %s,%s,%s" % (ins[0].upper(), d, v, ea)]
            st = [i for i in ins if re.match(r"stl?xr", i)][0]
            status = self.status.pop(0)
            self.init.append("%d:X%s=0" % (self.ti, status[1:]))
            self.filters.append("%d:X%s=0" % (self.ti, status[1:]))
            lab = "T%dF%s" % (self.ti, status)
            return pre + ["%s %s,%s" % (ins[0].upper(), d, ea), "CMP %s,%s" % (d, e), "B.NE %s" % lab,
                          "%s %s,%s,%s" % (st.upper(), status, v, ea), "%s:" % lab]
        raise ValueError("arm: no herd form for " + k)

    # RISC-V ----------------------------------------------------------------------
    def op_riscv(self, op, ins):
        k = op["op"]
        if k == "fence":
            for i in ins:
                assert re.fullmatch(r"fence (r|w|rw),(r|w|rw)|fence\.tso", i), i
            return list(ins)
        if k in PROG_ARITH:
            d = self.reg(op["dst"], True)
            if k == "mov":
                return ["mv %s,%s" % (d, self.operand(op["args"][0]))]
            return ["%s %s,%s,%s" % (k, d, self.operand(op["args"][0]), self.operand(op["args"][1]))]
        seq = list(ins)
        pre, post = [], []
        while seq and seq[0].startswith("fence"):
            pre.append(seq.pop(0))
        while seq and seq[-1].startswith("fence"):
            post.insert(0, seq.pop())
        b, idx = self.base(op["addr"])
        if b and idx:
            s = self.scratch.pop(0)
            pre.append("add %s,%s,%s" % (s, b, idx))
            a = s
        else:
            a = b or idx
        if k == "load":
            assert seq == ["ld"], ins
            return pre + ["ld %s,0(%s)" % (self.reg(op["dst"], True), a)] + post
        if k == "store":
            assert seq == ["sd"], ins
            return pre + ["sd %s,0(%s)" % (self.operand(op["val"]), a)] + post
        d = self.reg(op["dst"], True) if op.get("dst") else self.scratch.pop(0)
        v = self.operand(op["val"])
        if k in RMW:
            amo = [i for i in seq if i.startswith("amo")]
            assert len(amo) == 1 and k in ("swap", "fetch_add"), ins
            return pre + ["%s %s,%s,(%s)" % (amo[0], d, v, a)] + post
        if k.startswith("compare_exchange"):
            e = self.operand(op["expected"])
            sc = [i for i in seq if i.startswith("sc.")][0]
            status = self.status.pop(0)
            self.init.append("%d:%s=0" % (self.ti, status))
            self.filters.append("%d:%s=0" % (self.ti, status))
            lab = "T%dF%s" % (self.ti, status)
            return pre + ["%s %s,0(%s)" % (seq[0], d, a), "bne %s,%s,%s" % (d, e, lab),
                          "%s %s,%s,0(%s)" % (sc, status, v, a), "%s:" % lab] + post
        raise ValueError("riscv: no herd form for " + k)

    # x86 (X86_64, AT&T syntax) ----------------------------------------------------
    def op_x86(self, op, ins):
        k = op["op"]
        s = self.scratch[0]
        if k == "fence":
            return [{"mfence": "mfence"}[i] for i in ins]

        def src(v):
            return "%" + self.reg(v) if is_reg(v) else "$%d" % int(v, 0)
        if k in PROG_ARITH:
            d = self.reg(op["dst"], True)
            if k == "mov":
                return ["movq %s,%%%s" % (src(op["args"][0]), d)]
            mn = {"add": "addq", "sub": "subq", "and": "andq", "or": "orq", "xor": "xorq"}[k]
            return ["movq %s,%%%s" % (src(op["args"][0]), s), "%s %s,%%%s" % (mn, src(op["args"][1]), s),
                    "movq %%%s,%%%s" % (s, d)]
        sym, reg, off = op["addr"]
        if off:
            raise ValueError("an address with an offset: no herd form")
        if sym and reg:
            ea = "(%%%s,%%%s,1)" % (self.addr[sym], self.reg(reg))
        elif sym:
            ea = "(%s)" % sym
        else:
            ea = "(%%%s)" % self.reg(reg)
        if k == "load":
            assert ins == ["mov"], ins
            return ["movq %s,%%%s" % (ea, self.reg(op["dst"], True))]
        if k == "store" and ins == ["mov"]:
            return ["movq %s,%s" % (src(op["val"]), ea)]
        if k in ("store", "swap"):
            assert ins == ["xchg"], ins
            out = ["movq %s,%%%s" % (src(op["val"]), s), "xchgq %%%s,%s" % (s, ea)]
            if op.get("dst"):
                out.append("movq %%%s,%%%s" % (s, self.reg(op["dst"], True)))
            return out
        if k.startswith("compare_exchange"):
            assert ins == ["lock cmpxchg"], ins
            out = ["movq %s,%%rax" % src(op["expected"]), "movq %s,%%%s" % (src(op["val"]), s),
                   "lock cmpxchgq %s,%%%s" % (ea, s)]  # herd7 takes (mem),reg
            if op.get("dst"):
                out.append("movq %%rax,%%%s" % self.reg(op["dst"], True))
            return out
        raise ValueError("x86: no herd form for " + k)

    def text(self):
        locs = self.locs()
        init = ["%s=%d" % (l, self.t.init.get(l, 0)) for l in locs] + self.init
        lines = ["%s %s" % (self.arch, self.t.name), "{", "; ".join(init) + ";", "}"]
        n = len(self.code)
        rows = max(len(c) for c in self.code)
        cols = [["P%d" % i] + c + [""] * (rows - len(c)) for i, c in enumerate(self.code)]
        width = [max(len(x) for x in col) for col in cols]
        for r in range(rows + 1):
            lines.append(" " + " | ".join(cols[i][r].ljust(width[i]) for i in range(n)) + " ;")
        keys = self.keys()
        lines.append("locations [" + " ".join(self.regmap.get(k, k) + ";" for k in keys) + "]")
        if self.filters:
            lines.append("filter (" + " /\\ ".join(self.filters) + ")")
        lines.append("exists (" + cond_herd(self.t.cond, self.regmap) + ")")
        return "\n".join(lines) + "\n"

    def keys(self):
        """cohsim's outcome keys: the named registers each thread writes, then the
        locations the condition names."""
        keys = []
        for ti, items in enumerate(self.threads):
            for it in items:
                if it[0] == "op" and it[1].get("dst") and not it[1]["dst"].startswith("_t"):
                    k = "%d:%s" % (ti, it[1]["dst"])
                    if k not in keys:
                        keys.append(k)
        return keys + cond_keys(self.t.cond)


def analyse_program(path, args, keep):
    t = parse_header(path)
    res = {"path": os.path.relpath(path), "condition": "exists (%s)" % t.cond, "program": True, "isa": {}}
    for isa in args.isa:
        threads = lower_program(args.cohsim, path, isa)
        asm = ProgAsm(t, isa, threads)
        keys = asm.keys()
        res["keys"] = keys
        res["ops"] = [[it[1]["op"] for it in th if it[0] == "op"] for th in threads]
        text = asm.text()
        states, ok, _ = run_herd(args.herd, args.lib, asm.model, text, "%s.%s" % (t.name, isa), keep)
        back = {v: k for k, v in asm.regmap.items()}
        outs = []
        for s in states:
            o = {}
            for k, v in s.items():
                k = k.strip("[]")
                o[back.get(k, k)] = v
            assert sorted(o) == sorted(keys), (t.name, isa, o, keys)
            outs.append({k: o[k] for k in keys})
        pyc = cond_python(t.cond)
        mine = any(eval(pyc, {}, {"s": o}) for o in outs)
        if mine != ok:
            raise RuntimeError("%s %s: herd7 says %s, the states say %s" % (t.name, isa, ok, mine))
        res["isa"][isa] = {
            "condition_allowed": ok,
            "outcomes": sorted(outs, key=lambda o: [o[k] for k in keys]),
            "model": asm.model,
            "instructions": [[(("%s:" % it[1]) if it[0] == "label" else
                               "%s => %s" % (it[1]["op"], " ; ".join(it[2]) if it[2] else "(nothing)"))
                              for it in th] for th in threads],
            "herd_input": text,
        }
        if isa == "arm":
            states, _, _ = run_herd(args.herd, args.lib, "sc.cat", text, "%s.sc" % t.name, keep)
            outs = []
            for s in states:
                o = {back.get(k.strip("[]"), k.strip("[]")): v for k, v in s.items()}
                outs.append({k: o[k] for k in keys})
            res["sc_outcomes"] = sorted(outs, key=lambda o: [o[k] for k in keys])
    return t, res


def outcome_dict(key):
    """cohsim's outcome key "1:r0=1 1:r1=0 x=2" as a dict."""
    return {k: int(v) for k, v in (part.split("=") for part in key.split())}


def relaxed_edges(v, isa):
    """The kinds of po pairs (W->R, W->W, R->R, R->W) that the lowered instructions leave
    unordered (read off the instruction lists: barriers between, acquire/release forms)."""
    kinds = set()
    for ops, th in zip(v["ops"], v["isa"][isa]["instructions"]):
        flat, mem = [], []
        for op, ins in zip(ops, th):
            ins = [] if ins == "(nothing)" else ins.split(" ; ")
            for i in ins:
                if op in ("load", "store") and not i.startswith("fence"):
                    mem.append((len(flat), "R" if op == "load" else "W", i))
                flat.append(i)
        for (n1, ta, a), (n2, tb, b) in itertools.combinations(mem, 2):
            if not edge_ordered(isa, ta, a, tb, b, flat[n1 + 1:n2]):
                kinds.add(ta + "->" + tb)
    return sorted(kinds)


def edge_ordered(isa, ta, a, tb, b, between):
    if isa == "x86":
        return not (ta == "W" and tb == "R") or "mfence" in between or "xchg" in (a, b)
    if isa.startswith("arm"):
        return ("dmb ish" in between or ("dmb ishld" in between and ta == "R") or a == "ldar"
                or b == "stlr" or (a == "stlr" and b == "ldar"))
    for f in between:
        m = re.match(r"fence (\w+),(\w+)$", f)
        if m and ta.lower() in m.group(1) and tb.lower() in m.group(2):
            return True
        if f == "fence.tso" and (ta == "R" or tb == "W"):
            return True
    return False


def coverage(args):
    """Compare `cohsim litmus --json` results with the verdicts: forbidden outcomes seen,
    allowed outcomes reached. Exit 4 when a forbidden outcome was seen."""
    with open(args.verdicts) as f:
        verdicts = json.load(f)["tests"]
    results = []
    for path in args.coverage:
        with open(path) as f:
            results += [json.loads(l) for l in f if l.strip()]
    per_isa = {}
    forbidden, unseen, failed, rows = [], [], [], []
    for r in results:
        isa = r["isa"] + ("+lse" if r.get("lse") and r["isa"] == "arm" else "")
        v = verdicts.get(r["test"])
        if v is None:
            continue
        allowed = {json.dumps(o, sort_keys=True) for o in v["isa"][isa]["outcomes"]}
        seen = {}
        for key, n in r["outcomes"].items():
            seen[json.dumps(outcome_dict(key), sort_keys=True)] = n
        if r.get("failed_runs"):
            failed.append((r["test"], isa, r["failed_runs"]))
        st = per_isa.setdefault(isa, {"tests": 0, "allowed": 0, "reached": 0, "cond_allowed": 0,
                                      "cond_reached": 0, "runs": 0, "tests_complete": 0})
        st["tests"] += 1
        st["runs"] += r["runs"]
        st["allowed"] += len(allowed)
        reached = len(allowed & set(seen))
        st["reached"] += reached
        st["tests_complete"] += reached == len(allowed)
        if v["isa"][isa]["condition_allowed"]:
            st["cond_allowed"] += 1
            st["cond_reached"] += bool(r["condition_observed"])
        for o in sorted(set(seen) - allowed):
            forbidden.append((r["test"], isa, o, seen[o]))
        rows.append((r["test"], isa, r["runs"], v["isa"][isa]["condition_allowed"], r["condition_count"],
                     reached, len(allowed), sum(n for o, n in seen.items() if o not in allowed),
                     sorted(allowed - set(seen))))
        sc = {json.dumps(o, sort_keys=True) for o in v.get("sc_outcomes", [])}
        for o in sorted(allowed - set(seen)):
            if o in sc:
                why = "SC: an interleaving not hit"
            elif v.get("program"):
                why = "not SC: a relaxed outcome (README: why it is not reached)"
            else:
                why = "not SC; po pairs the lowered code leaves unordered: " + ", ".join(relaxed_edges(v, isa))
            holds = eval(cond_python(v["condition"][len("exists ("):-1]), {}, {"s": json.loads(o)})
            unseen.append((r["test"], isa, o, why + ("; the exists condition" if holds else "")))
    print("| ISA | tests | runs | allowed outcomes | reached | % | tests with every outcome | allowed conditions | seen |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    tot = [0] * 7
    for isa in ISAS:
        if isa not in per_isa:
            continue
        st = per_isa[isa]
        row = [st["tests"], st["runs"], st["allowed"], st["reached"], st["tests_complete"],
               st["cond_allowed"], st["cond_reached"]]
        tot = [a + b for a, b in zip(tot, row)]
        print("| %s | %d | %d | %d | %d | %.1f%% | %d | %d | %d |" % (
            isa, row[0], row[1], row[2], row[3], 100.0 * row[3] / max(1, row[2]), row[4], row[5], row[6]))
    print("| all | %d | %d | %d | %d | %.1f%% | %d | %d | %d |" % (
        tot[0], tot[1], tot[2], tot[3], 100.0 * tot[3] / max(1, tot[2]), tot[4], tot[5], tot[6]))
    print("\nforbidden outcomes seen: %d" % len(forbidden))
    for t, isa, o, n in forbidden:
        print("  FORBIDDEN %s %s %s (%d runs)" % (t, isa, o, n))
    print("failed runs: %d" % len(failed))
    if args.per_test:
        # one row per (test, ISA): what herd7 allows, what the runs reached
        why = {(t, isa, o): w for t, isa, o, w in unseen}
        with open(args.per_test, "w") as f:
            f.write("| test | ISA | runs | herd7: condition | condition seen | allowed outcomes reached "
                    "| forbidden seen | allowed, not reached |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n")
            for t, isa, runs, cond, nseen, reached, nallowed, nforb, miss in rows:
                missing = "; ".join("`%s` (%s)" % (" ".join("%s=%d" % kv for kv in json.loads(o).items()),
                                                     why[(t, isa, o)]) for o in miss) or "-"
                f.write("| %s | %s | %d | %s | %d | %d of %d | %d | %s |\n" % (
                    t, isa, runs, "allowed" if cond else "forbidden", nseen, reached, nallowed, nforb, missing))
    if args.unseen:
        with open(args.unseen, "w") as f:
            f.write("test\tisa\toutcome\tclass\n")
            for t, isa, o, why in unseen:
                f.write("%s\t%s\t%s\t%s\n" % (t, isa, " ".join("%s=%d" % kv for kv in json.loads(o).items()), why))
    return 4 if forbidden or failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--coverage", nargs="+", metavar="RUNS.json",
                    help="instead: compare `cohsim litmus --json` output with --verdicts")
    ap.add_argument("--verdicts", help="with --coverage: the VERDICTS.json")
    ap.add_argument("--unseen", help="with --coverage: write the allowed outcomes never reached here (TSV)")
    ap.add_argument("--per-test", help="with --coverage: write a markdown table, one row per test and ISA")
    ap.add_argument("--herd", help="the herd7 binary")
    ap.add_argument("--lib", help="herd7's libdir (the .cat models)")
    ap.add_argument("--cohsim", default="build/cohsim", help="the cohsim binary (for `cohsim lower`)")
    ap.add_argument("--isa", default="x86,arm,arm+lse,riscv")
    ap.add_argument("--out", help="write the verdicts here (JSON); default: print a summary only")
    ap.add_argument("--keep", help="keep the herd7 inputs in this folder")
    ap.add_argument("--no-c11", action="store_true", help="skip the C11 models")
    ap.add_argument("--herd-commit", default="", help="herdtools7's commit, recorded in the output")
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    if args.coverage:
        sys.exit(coverage(args))
    if not (args.herd and args.lib and args.files):
        ap.error("--herd, --lib and litmus files are required")
    args.isa = args.isa.split(",")
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    version = herd_version(args.herd)
    tests = {}
    for path in args.files:
        if is_program(path):
            t, r = analyse_program(path, args, args.keep)
        else:
            t = parse_litmus(path)
            r = analyse(t, args, args.keep)
        tests[t.name] = r
        print("%-32s %s" % (t.name, " ".join("%s:%s/%d" % (isa, "A" if v["condition_allowed"] else "F",
                                                             len(v["outcomes"]))
                                              for isa, v in r["isa"].items())), flush=True)
    if args.out:
        data = {
            "generator": "scripts/herd_verdicts.py",
            "herd7": {"version": version, "commit": args.herd_commit,
                      "models": {isa: " / ".join(sorted({r["isa"][isa]["model"] for r in tests.values()}))
                                 for isa in args.isa},
                      "c11_models": C_MODELS if any(not r.get("program") for r in tests.values()) else [],
                      "x86_arch": "X86 (x86tso.cat is written for herd7's X86 events); X86_64 with "
                                  "x86tso-mixed.cat for a compare_exchange or a program"},
            "date": datetime.date.today().isoformat(),
            "tests": tests,
        }
        with open(args.out, "w") as f:
            json.dump(data, f, indent=1, sort_keys=False)
            f.write("\n")


if __name__ == "__main__":
    main()
