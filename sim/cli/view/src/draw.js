// Drawing the panels: cores (trace, store buffer, load queue, loaded values), caches,
// messages in flight, memory and DRAM rows, the protocol table, the message-sequence chart.
import {caption, who, what} from "./caption.js";
import {matches, isTxnStart} from "./log.js";

const esc = s => String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
function stClass(st) { return "st-" + (/^[A-Za-z]+$/.test(st) && st.length <= 2 ? st : "T"); }
function fmtData(d) { return d ? d.map(x => String(x)).join(" ") : ""; }
const $ = id => document.getElementById(id);

// v: {log, stateAt, pos (events shown: recs[0..pos-1] applied), filter}.
export function draw(v) {
  const {log, pos} = v;
  const s = v.stateAt(pos);
  const r = pos > 0 ? log.recs[pos - 1] : null;
  $("caption").textContent = caption(r);
  $("pos").textContent = `event ${pos}/${log.N}` + (r ? `, cycle ${log.coreCycle(r)}, ${r.time_ps} ps` : "");
  $("coreview").innerHTML = drawCores(log, s);
  $("caches").innerHTML = drawCaches(log, s, r);
  const fl = Object.values(s.flight).map(i => log.recs[i]);
  $("flight").innerHTML = fl.length
    ? "<ul>" + fl.map(m => `<li>${m.msg} ${esc(what(m))}: ${who(m.src)} &rarr; ${who(m.dst || m.supplier || "")}</li>`).join("") + "</ul>" : "none";
  $("memory").innerHTML = (Object.entries(s.mem).map(([l, d]) => `<div class="mono">${esc(log.symOf[l] || l)}: ${fmtData(d)}</div>`).join("") || "initial values") +
    (log.hasDram ? "<h3>DRAM open rows</h3>" + (Object.entries(s.rows).sort().map(([b, o]) => `<div class="mono" data-bank="${esc(b)}">${esc(b)}: row ${o.row}` +
      (o.line ? ` (opened for ${esc(o.symbol || o.line)}` + (o.trace_line ? `, trace line ${o.trace_line}` : "") + ")" : "") + "</div>").join("") || "every bank closed") : "");
  drawTable(log, s, r);
  $("msc").innerHTML = drawMsc(v);
}

function drawCores(log, s) {
  let h = "";
  const text = log.header.trace_text || [];
  for (const c of log.cores) {
    const tl = s.tline[c];
    h += `<div class="core" data-core="${c}"><b>${c}</b>`;
    if (text.length && tl) {
      h += `<div class="trace">`;
      for (let k = Math.max(1, tl - 4); k <= Math.min(text.length, tl + 4); k++)
        h += `<div class="${k === tl ? "cur" : ""}" data-line="${k}">${String(k).padStart(4)} ${esc(text[k - 1])}</div>`;
      h += `</div>`;
    } else h += `<div>trace line ${tl || "-"}</div>`;
    const sb = s.sb[c] || [];
    h += `<div>store buffer: <span class="sb mono">${sb.length ? sb.map(e => esc(what(e)) + "=" + e.value).join(", ") : "empty"}</span></div>`;
    const lq = s.lq[c] || [];
    h += `<div>load queue: <table class="lq" data-core="${c}"><tr><th>#</th><th>address</th><th>line</th><th>value</th></tr>` +
      (lq.length ? lq.map(e => `<tr data-seq="${e.seq}"><td>${e.seq}</td><td class="mono">${esc(what(e.rec))}</td><td>${e.rec.trace_line}</td>` +
        `<td class="lqv mono">${e.bound ? e.value + (e.from === "store_buffer" ? " (forwarded)" : "") : "waiting"}</td></tr>`).join("") :
        `<tr><td colspan="4">empty</td></tr>`) + `</table></div>`;
    const regs = s.regs[c] || {};
    h += `<div>registers: <span class="regs mono" data-core="${c}">${Object.entries(regs).map(([k, val]) => esc(k) + ": " + val).join(", ") || "-"}</span></div></div>`;
  }
  return h;
}

function drawCaches(log, s, r) {
  let h = "";
  for (const c of log.caches) {
    const rows = Object.entries(s.lines).filter(([k, l]) => k.startsWith(c + "|") && l.state !== "I");
    h += `<h3>${c}</h3><table data-cache="${c}"><tr><th>set</th><th>tag</th><th>symbol</th><th>state</th><th>value</th></tr>`;
    for (const [k, l] of rows.sort()) {
      const line = k.split("|")[1];
      const a = parseInt(line, 16) / log.lineSize;
      const lit = r && r.agent === c && r.line === line ? " lit" : "";
      h += `<tr class="${lit}" data-line="${line}"><td>${log.header.cache_sets ? a % log.header.cache_sets : "-"}</td><td class="mono">${line}</td><td>${esc(log.symOf[line] || "")}</td>` +
        `<td class="state ${stClass(l.state)}">${esc(l.state)}</td><td class="value mono">${fmtData(l.value)}</td></tr>`;
    }
    h += `</table>`;
  }
  return h;
}

// The protocol table the run executes: the cell just executed lit, each cell's count.
function drawTable(log, s, r) {
  const role = r && r.kind === "cell" && r.agent.indexOf("directory") >= 0 ? "directory" : "cache";
  const t = log.header.tables[role] || log.header.tables.cache;
  $("tname").textContent = `${t.name} (${t.fabric})`;
  const cells = {};
  for (const c of t.cells) cells[c.state + "|" + c.event] = c;
  const ck = role === "directory" ? "d|" : "c|";
  let h = "<table><tr><th></th>" + t.events.map(e => `<th>${esc(e)}</th>`).join("") + "</tr>";
  for (const st of t.states) {
    h += `<tr><th class="${stClass(st.name)}">${esc(st.name)}</th>`;
    for (const e of t.events) {
      const c = cells[st.name + "|" + e];
      const n = s.counts[ck + st.name + "|" + e] || 0;
      const lit = r && r.kind === "cell" && r.state === st.name && r.event === e ? "lit" : "";
      if (!c) h += `<td></td>`;
      else h += `<td class="${lit} ${c.kind === "stall" ? "stall" : ""}" title="${esc(c.actions)}">${c.kind === "stall" ? "stall" : esc(c.actions) + (c.next !== st.name ? "/" + esc(c.next) : "")}${n ? " <sup>" + n + "</sup>" : ""}</td>`;
    }
    h += "</tr>";
  }
  $("table").innerHTML = h + "</table>";
}

// The last 30 messages up to here: one column per controller, time going down.
function drawMsc(v) {
  const {log, pos} = v;
  const cols = ["memory"].concat(log.caches);
  const rows = [];
  for (let i = pos - 1; i >= 0 && rows.length < 30; i--) {
    const m = log.recs[i];
    if ((isTxnStart(m) || (m.kind === "bus" && m.phase === "data")) && matches(v.filter, m)) rows.push(m);
  }
  rows.reverse();
  let h = "<table><tr><th>cycle</th>" + cols.map(c => `<th>${who(c)}</th>`).join("") + "</tr>";
  for (const m of rows) {
    const from = m.kind === "bus" && m.phase === "data" ? m.supplier : m.src;
    const to = m.kind === "bus" ? (m.phase === "data" ? m.dst : "(all)") : m.dst;
    h += `<tr><td>${log.coreCycle(m)}</td>` + cols.map(c => c === from ? `<td>${m.msg}${m.phase === "data" ? " data" : ""} &rarr; ${who(to)}</td>` : `<td></td>`).join("") + "</tr>";
  }
  return h + "</table>";
}
