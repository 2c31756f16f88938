// The one-line plain-language caption for each step.

export function who(name) { return name === undefined ? "?" : name.replace(".l1d", "").replace(".l2", ""); }
export function what(r) { return r.symbol || r.line_symbol || r.line || r.addr; }

// The store a load or RMW read (`rf`: loads since schema 5, RMWs and load-exclusives since
// schema 6): ", written by core0's store at trace line 3",
// ", the initial value", or per run of bytes when it read several.
export function readFrom(rf) {
  const one = (w) => w === "initial" ? "the initial value" : `written by ${w.agent}'s store at trace line ${w.trace_line}`;
  if (rf === undefined) return "";
  if (!Array.isArray(rf)) return ", " + one(rf);
  return ", " + rf.map((p) => `bytes ${p.offset}-${p.offset + p.size - 1} ${one(p.rf)}`).join("; ");
}

export function caption(r) {
  if (!r) return "The start: every line is Invalid, every store buffer is empty.";
  switch (r.kind) {
    case "cell":
      return `${who(r.agent)} sees ${r.event} for ${what(r)}: its line is ${r.state}` +
        (r.stall ? ", so it waits (stall)." : (r.actions ? `, so it does: ${r.actions}` : "") + (r.next !== r.state ? `; now ${r.next}.` : "; it stays " + r.state + "."));
    case "bus":
      return r.phase === "address"
        ? `The bus orders ${who(r.src)}'s ${r.msg} for ${what(r)}` + (r.supplier ? `; the data will come from ${who(r.supplier)}` : "") + (r.shared ? " (another cache holds it)." : ".")
        : `Data for ${what(r)} crosses the bus from ${who(r.supplier)} to ${who(r.dst)}` + (r.data ? `: value ${r.data[0]}` : "") + ".";
    case "net":
      return r.phase === "send" ? `${who(r.src)} sends ${r.msg} for ${what(r)} to ${who(r.dst)} on the ${r.vnet} network` + (r.acks ? ` (${r.acks} acks to await)` : "") + "."
        : `${r.msg} for ${what(r)} reaches ${who(r.dst)} from ${who(r.src)}.`;
    case "load": return `${r.agent} ${r.exclusive ? "load-exclusives" : "loads"} ${what(r)} (trace line ${r.trace_line}${r.exclusive ? ", the start of its LL/SC loop" : ""}): reads ${r.value} from ${r.from === "cache" ? "its cache" : "its own store buffer (forwarding)"}` + readFrom(r.rf) + ".";
    case "store_enter": return `${r.agent} stores ${r.value} to ${what(r)} (trace line ${r.trace_line}): the store enters the store buffer.`;
    case "store_leave": return `${r.agent}'s store of ${r.value} to ${what(r)} leaves the store buffer and writes the cache.`;
    case "rmw": return `${r.agent} read-modify-writes ${what(r)} (trace line ${r.trace_line}): reads ${r.value}` + readFrom(r.rf) + (r.wrote ? `; writes ${r.written}.` : "; writes nothing.");
    case "fence": return `${r.agent} executes ${r.what} (trace line ${r.trace_line}).`;
    case "load_issue": return `${r.agent} issues the load of ${what(r)} (trace line ${r.trace_line}): it enters the load queue and starts its cache access.`;
    case "load_retire": return `${r.agent}'s load of ${what(r)} (trace line ${r.trace_line}) has its value in the register: it leaves the load queue.`;
    case "load_squash": return `${r.agent}'s load of ${what(r)} (trace line ${r.trace_line}) was on a mispredicted path: squashed from the load queue.`;
    case "tlb_miss": return `${r.agent}'s access to virtual address ${r.addr} misses in the dTLB` + (r.stlb ? (r.stlb === "hit" ? " and finds the translation in the second-level TLB." : " and in the second-level TLB.") : ".");
    case "walk": return `${r.agent} walks the page table for ${r.addr}, starting at level ${r.level}` + (r.level ? " (the page-walk cache skipped the levels above)." : " (the root).");
    case "walk_end": return `${r.agent}'s walk for ${r.addr} ends after ${r.core_cycles} cycles: ` + (r.fault ? "the page is not mapped, a page fault." : `physical address ${r.pa}.`);
    case "dram": return `${r.agent} channel ${r.channel}: ${r.cmd}` + ({ACT: ` opens row ${r.row} of bank ${r.bank} (group ${r.bank_group})`, PRE: ` closes bank ${r.bank} (group ${r.bank_group})` + (r.auto_precharge ? " (auto-precharge)" : ""), RD: ` reads a burst from open row ${r.row} of bank ${r.bank}`, WR: ` writes a burst to open row ${r.row} of bank ${r.bank}`, REF: ` refreshes rank ${r.rank}`}[r.cmd] || "") +
      (r.line ? ` for ${what(r)}` + (r.trace_line ? ` (trace line ${r.trace_line})` : r.cmd === "WR" ? " (a writeback: no access of the trace)" : "") : "") + ".";
  }
  return r.kind;
}
