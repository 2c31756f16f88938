// The classroom view's entry point: reads the log embedded in the page, builds the
// snapshots, and wires the controls (buttons, keys, play, jump, filter).
import {readLog, matches, isTxnStart} from "./log.js";
import {makeStates} from "./state.js";
import {draw} from "./draw.js";

const log = readLog(document.getElementById("events").textContent);
const N = log.N, recs = log.recs, coreCycle = log.coreCycle;
const v = {log, stateAt: makeStates(log), pos: 0, filter: ""};
const redraw = () => draw(v);
const setPos = p => { v.pos = Math.max(0, Math.min(N, p)); redraw(); };

// ---- stepping ----
function step(d) {
  let p = v.pos;
  do { p += d; } while (p > 0 && p < N && !matches(v.filter, recs[p - 1]));
  setPos(p);
}
function stepCycle(d) {
  let pos = v.pos;
  if (d > 0) {
    if (pos >= N) return;
    const c = coreCycle(recs[pos]);
    while (pos < N && coreCycle(recs[pos]) === c) pos++;
  } else {
    if (pos <= 0) return;
    const c = coreCycle(recs[pos - 1]);
    while (pos > 0 && coreCycle(recs[pos - 1]) === c) pos--;
    if (pos > 0) { const c2 = coreCycle(recs[pos - 1]); while (pos > 0 && coreCycle(recs[pos - 1]) === c2) pos--; pos = Math.min(N, pos + 1); while (pos < N && coreCycle(recs[pos - 1]) === coreCycle(recs[pos])) pos++; }
  }
  setPos(pos);
}
// To the next (previous) bus address phase or network message sent.
function stepTxn(d) {
  let p = v.pos + d;
  while (p > 0 && p < N && !(isTxnStart(recs[p - 1]) && matches(v.filter, recs[p - 1]))) p += d;
  setPos(p);
}
function jumpCycle(c) {
  let lo = 0, hi = N;
  while (lo < hi) { const m = (lo + hi) >> 1; if (coreCycle(recs[m]) <= c) lo = m + 1; else hi = m; }
  setPos(lo);
}
let timer = null;
function play() {
  if (timer) { clearInterval(timer); timer = null; document.getElementById("play").innerHTML = "&#x25B6; play"; return; }
  document.getElementById("play").innerHTML = "&#x23F8; pause";
  timer = setInterval(() => { if (v.pos >= N) play(); else step(1); }, +document.getElementById("speed").value);
}

// ---- controls ----
const on = (id, f) => document.getElementById(id).addEventListener("click", f);
on("first", () => setPos(0)); on("last", () => setPos(N));
on("back", () => step(-1)); on("fwd", () => step(1));
on("backCycle", () => stepCycle(-1)); on("fwdCycle", () => stepCycle(1));
on("backTxn", () => stepTxn(-1)); on("fwdTxn", () => stepTxn(1));
on("play", play);
on("go", () => jumpCycle(+document.getElementById("jump").value));
document.getElementById("filter").addEventListener("change", e => { v.filter = e.target.value.trim(); redraw(); });
document.addEventListener("keydown", e => {
  if (e.target.tagName === "INPUT") { if (e.key === "Enter" && e.target.id === "jump") jumpCycle(+e.target.value); return; }
  if (e.key === "ArrowRight") e.shiftKey ? stepTxn(1) : step(1);
  else if (e.key === "ArrowLeft") e.shiftKey ? stepTxn(-1) : step(-1);
  else if (e.key === "ArrowDown") stepCycle(1);
  else if (e.key === "ArrowUp") stepCycle(-1);
  else if (e.key === " ") play();
  else if (e.key === "Home") setPos(0);
  else if (e.key === "End") setPos(N);
  else if (e.key === "g") document.getElementById("jump").focus();
  else if (e.key === "f") document.getElementById("filter").focus();
  else return;
  e.preventDefault();
});
// For tests and scripts: the position and the state shown.
window.cohsimView = {count: N, records: recs, finals: log.finals, goto: setPos, get pos() { return v.pos; }, stateAt: v.stateAt};
redraw();
