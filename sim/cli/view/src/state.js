// What the machine holds after the first n events: cache lines (state, value), store
// buffers, load queues, loaded registers, each core's trace line, messages in flight,
// protocol-cell counts, memory values and DRAM open rows. Snapshots every K events make
// any step O(K), forward or back.

const K = 256;

function emptyState() {
  return {lines: {}, sb: {}, lq: {}, regs: {}, tline: {}, flight: {}, counts: {}, mem: {}, rows: {}};
}

function clone(s) {
  const c = emptyState();
  for (const k in s.lines) c.lines[k] = Object.assign({}, s.lines[k]);
  for (const k in s.sb) c.sb[k] = s.sb[k].slice();
  for (const k in s.lq) c.lq[k] = s.lq[k].map(e => Object.assign({}, e));
  Object.assign(c.rows, s.rows);
  for (const k in s.regs) c.regs[k] = Object.assign({}, s.regs[k]);
  Object.assign(c.tline, s.tline);
  Object.assign(c.flight, s.flight);
  Object.assign(c.counts, s.counts);
  Object.assign(c.mem, s.mem);
  return c;
}

// A store that performs writes its word into the core's cache line (for the value column).
function writeWord(s, lineSize, prefix, addr, v) {
  const a = parseInt(addr, 16), la = "0x" + (Math.floor(a / lineSize) * lineSize).toString(16);
  for (const k in s.lines) if (k.startsWith(prefix) && k.endsWith("|" + la)) {
    const d = (s.lines[k].value || new Array(lineSize / 8).fill(0)).slice();
    d[Math.floor((a % lineSize) / 8)] = v;
    s.lines[k].value = d;
  }
}

function apply(log, s, r, i) {
  const recs = log.recs;
  switch (r.kind) {
    case "cell": {
      const key = r.agent + "|" + r.line;
      const l = s.lines[key] || {state: "I", value: null};
      l.state = r.next;
      s.lines[key] = l;
      const ck = r.agent.indexOf("directory") >= 0 ? "d|" : "c|";
      s.counts[ck + r.state + "|" + r.event] = (s.counts[ck + r.state + "|" + r.event] || 0) + 1;
      if (r.trace_line) s.tline[r.agent.split(".")[0]] = r.trace_line;
      break;
    }
    case "bus":
      if (r.phase === "address") s.flight["b" + r.txn] = i;
      else {
        delete s.flight["b" + r.txn];
        if (r.data) {
          if (r.dst === "memory") s.mem[r.line] = r.data;
          else if (r.dst === "sharers") {
            for (const k in s.lines) if (k.endsWith("|" + r.line) && s.lines[k].state !== "I") s.lines[k].value = r.data;
          } else {
            const key = r.dst + "|" + r.line;
            s.lines[key] = s.lines[key] || {state: "I", value: null};
            s.lines[key].value = r.data;
          }
          if (r.supplier === "memory") s.mem[r.line] = r.data;
        }
      }
      break;
    case "net":
      if (r.phase === "send") s.flight["n" + i] = i;
      else {
        for (const k in s.flight) {
          const o = recs[s.flight[k]];
          if (k[0] === "n" && o.msg === r.msg && o.src === r.src && o.dst === r.dst && o.line === r.line) { delete s.flight[k]; break; }
        }
        if (r.data) {
          const key = r.dst + "|" + r.line;
          if (s.lines[key]) s.lines[key].value = r.data; else if (r.dst.indexOf("directory") >= 0) s.mem[r.line] = r.data;
        }
      }
      break;
    case "store_enter":
      (s.sb[r.agent] = s.sb[r.agent] || []).push(r);
      s.tline[r.agent] = r.trace_line;
      break;
    case "store_leave": {
      const q = s.sb[r.agent] || [];
      const k = q.findIndex(e => e.addr === r.addr && e.value === r.value);
      if (k >= 0) q.splice(k, 1);
      writeWord(s, log.lineSize, r.agent + ".", r.addr, r.value);
      s.tline[r.agent] = r.trace_line;
      break;
    }
    case "load_issue":
      (s.lq[r.agent] = s.lq[r.agent] || []).push({seq: r.seq, rec: r, bound: false, value: null, from: null});
      s.tline[r.agent] = r.trace_line;
      break;
    case "load_retire": case "load_squash": {
      const q = s.lq[r.agent] || [];
      const k = q.findIndex(e => e.seq === r.seq);
      if (k >= 0) q.splice(k, 1);
      break;
    }
    case "tlb_miss": case "walk":
      s.tline[r.agent] = r.trace_line;
      break;
    case "dram": {
      const b = `${r.agent} ch${r.channel} rank${r.rank} bg${r.bank_group} bank${r.bank}`;
      // The row, and the request it was opened for (schema 4: its line, symbol, trace line).
      if (r.cmd === "ACT") s.rows[b] = {row: r.row, line: r.line, symbol: r.symbol, trace_line: r.trace_line};
      else if (r.cmd === "PRE") delete s.rows[b];
      break;
    }
    case "load": case "rmw":
      if (r.kind === "load" && r.seq !== undefined) {
        const e = (s.lq[r.agent] || []).find(e => e.seq === r.seq);
        if (e) { e.bound = true; e.value = r.value; e.from = r.from; }
      }
      s.regs[r.agent] = s.regs[r.agent] || {};
      s.regs[r.agent][log.regName(r.trace_line)] = r.value;
      s.tline[r.agent] = r.trace_line;
      if (r.kind === "rmw" && r.wrote) writeWord(s, log.lineSize, r.agent + ".", r.addr, r.written);
      break;
    case "fence":
      s.tline[r.agent] = r.trace_line;
      break;
  }
}

// Replays the log once, keeping a snapshot every K events; returns stateAt(n), the
// state after the first n events.
export function makeStates(log) {
  const snaps = [emptyState()];
  let s = emptyState();
  for (let i = 0; i < log.N; i++) {
    apply(log, s, log.recs[i], i);
    if ((i + 1) % K === 0) snaps.push(clone(s));
  }
  return function stateAt(n) {
    const b = Math.floor(n / K);
    const t = clone(snaps[b]);
    for (let i = b * K; i < n; i++) apply(log, t, log.recs[i], i);
    return t;
  };
}
