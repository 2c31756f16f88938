// The run's event log (docs/event-log.md), read from the page's <script id="events">:
// the header, the records in time order, and what the views derive from the header.

export function readLog(text) {
  const raw = text.split("\n").filter(l => l.trim().length);
  const header = JSON.parse(raw[0]);
  const recs = [];
  const finals = [];
  for (let i = 1; i < raw.length; i++) {
    const r = JSON.parse(raw[i]);
    if (r.kind === "final" || r.kind === "final_registers") finals.push(r); else recs.push(r);
  }
  const agents = header.agents;
  const lineSize = header.line_size;
  const symOf = {};  // line address -> symbol names
  for (const [n, a] of Object.entries(header.symbols || {})) {
    const l = "0x" + (Math.floor(parseInt(a, 16) / lineSize) * lineSize).toString(16);
    symOf[l] = symOf[l] ? symOf[l] + "," + n : n;
  }
  // The register a trace line loads into (`load x -> r1`), by 1-based trace line: the
  // "registers" list names it ("line N" where the line names none, or the text is absent).
  const regOf = (header.trace_text || []).map(t => {
    const m = /->\s*([A-Za-z_]\w*)/.exec(t.split("#")[0]);
    return m ? m[1] : null;
  });
  // The core clock counts "cycles" in the controls.
  const corePeriod = (agents.find(a => a.clock === "core") || agents[0] || {period_ps: 1}).period_ps;
  return {
    header,
    recs,
    finals,
    N: recs.length,
    hasDram: recs.some(r => r.kind === "dram"),
    caches: agents.filter(a => a.kind === "cache" || a.kind === "directory").map(a => a.name),
    cores: agents.filter(a => a.kind === "core").map(a => a.name),
    lineSize,
    symOf,
    regName: tl => (tl > 0 && regOf[tl - 1]) || "line " + tl,
    coreCycle: r => Math.floor(r.time_ps / corePeriod),
  };
}

// The filter box: a core (core1), a symbol, a line or a word address; empty: all.
export function matches(filter, r) {
  if (!filter) return true;
  if (/^core\d+$/.test(filter)) return (r.agent || r.src || "").startsWith(filter) || (r.dst || "").startsWith(filter);
  return r.symbol === filter || r.line === filter || r.addr === filter || (r.line_symbol || "").split(",").includes(filter);
}

// A bus address phase or a network message sent: where a transaction starts.
export const isTxnStart = r => (r.kind === "bus" && r.phase === "address") || (r.kind === "net" && r.phase === "send");
