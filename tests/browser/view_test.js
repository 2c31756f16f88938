// The classroom view in a real browser (Debian's chromium, headless, driven by
// playwright-core; no browser is ever downloaded): open a page generated for a
// teaching trace, step forward N events, check the cache states and values shown
// against the log (replayed here, independently of the page's own code), step back,
// check again, take a screenshot; then time stepping on a 100,000-event page.
// Usage: node view_test.js --cohsim build/cohsim --root SRC --out DIR
"use strict";
const {chromium} = require("playwright-core");
const {execFileSync} = require("child_process");
const fs = require("fs");
const path = require("path");
const os = require("os");

const arg = k => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : undefined; };
const cohsim = arg("--cohsim"), root = arg("--root"), out = arg("--out") || fs.mkdtempSync(path.join(os.tmpdir(), "cohsim-view-"));
fs.mkdirSync(out, {recursive: true});
function fail(m) { console.error("FAIL: " + m); process.exit(1); }

// The expected view after n events, computed from the log here.
function expected(records, n) {
  const st = {}, val = {};
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r.kind === "cell") st[r.agent + "|" + r.line] = r.next;
    if (r.kind === "bus" && r.phase === "data" && r.data && r.dst !== "memory" && r.dst !== "sharers") val[r.dst + "|" + r.line] = r.data[0];
  }
  return {st, val};
}

// Each core's load queue after n events, from the log: a load enters at load_issue,
// is bound by the load record with its seq, and leaves at load_retire / load_squash.
function expectedLq(records, n) {
  const lq = {};
  for (let i = 0; i < n; i++) {
    const r = records[i];
    if (r.kind === "load_issue") (lq[r.agent] = lq[r.agent] || []).push({seq: r.seq, value: "waiting"});
    else if (r.kind === "load" && r.seq !== undefined) {
      const e = (lq[r.agent] || []).find(e => e.seq === r.seq);
      if (!e) fail(`event ${i}: ${r.agent} binds load ${r.seq}, which is not in its load queue`);
      e.value = String(r.value) + (r.from === "store_buffer" ? " (forwarded)" : "");
    } else if (r.kind === "load_retire" || r.kind === "load_squash") {
      const q = lq[r.agent] || [], k = q.findIndex(e => e.seq === r.seq);
      if (k < 0) fail(`event ${i}: ${r.agent}'s load ${r.seq} leaves a load queue it is not in`);
      q.splice(k, 1);
    }
  }
  return lq;
}

async function shownLq(page) {
  return page.evaluate(() => {
    const lq = {};
    for (const t of document.querySelectorAll("table.lq"))
      lq[t.dataset.core] = [...t.querySelectorAll("tr[data-seq]")].map(tr => ({seq: +tr.dataset.seq, value: tr.querySelector(".lqv").textContent}));
    return lq;
  });
}

function checkLq(records, n, shownQ, label) {
  const want = expectedLq(records, n);
  let entries = 0;
  for (const c of new Set([...Object.keys(want), ...Object.keys(shownQ)])) {
    const a = JSON.stringify(want[c] || []), b = JSON.stringify(shownQ[c] || []);
    if (a !== b) fail(`${label}: ${c}'s load queue is ${a} in the log but shown ${b}`);
    entries += (want[c] || []).length;
  }
  return entries;
}

async function shown(page) {
  return page.evaluate(() => {
    const rows = {};
    for (const t of document.querySelectorAll("table[data-cache]"))
      for (const tr of t.querySelectorAll("tr[data-line]"))
        rows[t.dataset.cache + "|" + tr.dataset.line] = {state: tr.querySelector(".state").textContent, value: tr.querySelector(".value").textContent};
    return {rows, caption: document.getElementById("caption").textContent, pos: window.cohsimView.pos};
  });
}

function check(records, n, view, label) {
  const {st, val} = expected(records, n);
  for (const [k, s] of Object.entries(st)) {
    if (s === "I") { if (view.rows[k]) fail(`${label}: ${k} is I in the log but shown ${view.rows[k].state}`); continue; }
    if (!view.rows[k]) fail(`${label}: ${k} is ${s} in the log but not shown`);
    if (view.rows[k].state !== s) fail(`${label}: ${k} is ${s} in the log, shown ${view.rows[k].state}`);
  }
  for (const k of Object.keys(view.rows)) if (!st[k] || st[k] === "I") fail(`${label}: ${k} shown but not held in the log`);
  return Object.keys(st).filter(k => st[k] !== "I").length;
}

(async () => {
  const events = path.join(out, "dragon.events.jsonl"), html = path.join(out, "dragon.html");
  execFileSync(cohsim, ["run", path.join(root, "configs/classroom-msi.yaml"), "--trace", path.join(root, "traces/protocols/dragon_update.trace"),
    "--set", "coherence.protocol=dragon", "--quiet", "--events", events, "--view", html]);
  const size = fs.statSync(html).size;
  if (size >= 2 * 1024 * 1024) fail(`page is ${size} bytes (limit 2 MB)`);
  const records = fs.readFileSync(events, "utf8").trim().split("\n").slice(1).map(JSON.parse).filter(r => r.kind !== "final" && r.kind !== "final_registers");
  // A fresh profile (--user-data-dir, which playwright passes for a persistent context).
  const browser = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "cohsim-chromium-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    viewport: {width: 1600, height: 1200},
  });
  const page = browser.pages()[0] || await browser.newPage();
  const requests = [];
  page.on("request", r => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  await page.goto("file://" + html);
  if (errors.length) fail("page errors: " + errors.join("; "));
  const N = Math.min(20, records.length);
  for (let i = 0; i < N; i++) await page.keyboard.press("ArrowRight");
  let v = await shown(page);
  if (v.pos !== N) fail(`after ${N} steps the page is at event ${v.pos}`);
  const held = check(records, N, v, `after ${N} events`);
  if (held === 0) fail("no line held after " + N + " events: the test would prove nothing");
  // The Dragon update: core1's copy holds 5 once the update's data has crossed the bus.
  await page.keyboard.press("End");
  v = await shown(page);
  check(records, records.length, v, "at the end");
  const c1 = Object.entries(v.rows).find(([k]) => k.startsWith("core1.l1d|"));
  if (!c1 || !c1[1].value.startsWith("5")) fail("core1's copy of x does not show the updated value 5: " + JSON.stringify(c1));
  // The registers panel names each core's registers (`load x -> c`), with the values the run ended with.
  const finalRegs = fs.readFileSync(events, "utf8").trim().split("\n").slice(1).map(JSON.parse).filter(r => r.kind === "final_registers");
  const shownRegs = await page.evaluate(() => {
    const o = {};
    for (const e of document.querySelectorAll(".regs[data-core]"))
      for (const kv of e.textContent.split(", ")) { const [k, val] = kv.split(": "); o[e.dataset.core + "." + k] = val; }
    return o;
  });
  let nRegs = 0;
  for (const f of finalRegs)
    for (const [k, val] of Object.entries(f.registers)) {
      ++nRegs;
      if (shownRegs[f.agent + "." + k] !== String(val)) fail(`register ${f.agent}.${k} ends ${val} in the log but is shown ${shownRegs[f.agent + "." + k]}`);
    }
  if (nRegs === 0) fail("no final register: the register check would prove nothing");
  await page.screenshot({path: path.join(out, "view_end.png")});
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
  v = await shown(page);
  if (v.pos !== records.length - 5) fail(`after 5 steps back the page is at ${v.pos}`);
  check(records, records.length - 5, v, "after stepping back");
  await page.evaluate(k => window.cohsimView.goto(k), N);  // (N passed in: the page has an N of its own)
  if ((await shown(page)).pos !== N) fail(`goto(${N}) left the page at another event`);
  v = await shown(page);
  check(records, N, v, `back at ${N}`);
  await page.screenshot({path: path.join(out, "view.png")});
  // The load queue: at the first event after which some load waits in a queue (issued,
  // not bound), and one event later and back, the panel shows the log's entries.
  let lqAt = -1;
  for (let n = 1; n <= records.length && lqAt < 0; n++)
    if (Object.values(expectedLq(records, n)).some(q => q.some(e => e.value === "waiting"))) lqAt = n;
  if (lqAt < 0) fail("no load ever waits in a load queue: the load-queue check would prove nothing");
  let lqBound = -1;  // ... and where a bound load is still in the queue
  for (let n = lqAt; n <= records.length && lqBound < 0; n++)
    if (Object.values(expectedLq(records, n)).some(q => q.some(e => e.value !== "waiting"))) lqBound = n;
  await page.evaluate(k => window.cohsimView.goto(k), lqAt);
  if (checkLq(records, lqAt, await shownLq(page), `load queue at ${lqAt}`) === 0) fail(`no load-queue entry at ${lqAt}`);
  if (lqBound > 0) {
    await page.evaluate(k => window.cohsimView.goto(k), lqBound);
    checkLq(records, lqBound, await shownLq(page), `load queue at ${lqBound}`);
  }
  await page.keyboard.press("ArrowRight");
  const lqNext = (await shown(page)).pos;
  checkLq(records, lqNext, await shownLq(page), `load queue at ${lqNext}`);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  const lqPrev = (await shown(page)).pos;
  checkLq(records, lqPrev, await shownLq(page), `load queue stepping back to ${lqPrev}`);
  await page.evaluate(k => window.cohsimView.goto(k), lqAt);
  await page.screenshot({path: path.join(out, "view_load_queue.png")});
  if (requests.length) fail("the page asked the network for " + requests.join(", "));

  // DRAM commands (--events-dram): each RD's caption names the symbol and trace line it
  // serves, and the open-rows panel the request its row was opened for.
  const dramEvents = path.join(out, "dram.events.jsonl"), dramHtml = path.join(out, "dram.html");
  execFileSync(cohsim, ["run", path.join(root, "configs/classroom-msi.yaml"), "--trace", path.join(root, "traces/protocols/dragon_update.trace"),
    "--set", "memory.model=dram", "--quiet", "--events", dramEvents, "--events-dram", "--view", dramHtml]);
  const dramRecs = fs.readFileSync(dramEvents, "utf8").trim().split("\n").slice(1).map(JSON.parse).filter(r => r.kind !== "final" && r.kind !== "final_registers");
  const rd = dramRecs.findIndex(r => r.kind === "dram" && r.cmd === "RD");
  if (rd < 0 || !dramRecs[rd].symbol || !dramRecs[rd].trace_line) fail("no RD with a symbol and a trace line in the DRAM log: " + JSON.stringify(dramRecs[rd]));
  await page.goto("file://" + dramHtml);
  await page.evaluate(k => window.cohsimView.goto(k), rd + 1);
  const dv = await page.evaluate(() => ({caption: document.getElementById("caption").textContent,
                                         rows: [...document.querySelectorAll("[data-bank]")].map(e => e.textContent)}));
  const wantCap = `for ${dramRecs[rd].symbol} (trace line ${dramRecs[rd].trace_line})`;
  if (!dv.caption.includes(wantCap)) fail(`the RD's caption "${dv.caption}" does not say "${wantCap}"`);
  const wantRow = `row ${dramRecs[rd].row} (opened for ${dramRecs[rd].symbol}, trace line ${dramRecs[rd].trace_line})`;
  if (!dv.rows.some(t => t.includes(wantRow))) fail(`the open rows ${JSON.stringify(dv.rows)} do not show "${wantRow}"`);

  // What an RMW and a load-exclusive read (schema 6's rf on rmw records, and the load
  // record of each ldxr): on AArch64 mp.trace's fetch_add and compare_exchange are LL/SC
  // loops; each caption names the store its record's rf names.
  const armEvents = path.join(out, "arm.events.jsonl"), armHtml = path.join(out, "arm.html");
  execFileSync(cohsim, ["run", path.join(root, "configs/classroom-msi.yaml"), "--trace", path.join(root, "traces/mp.trace"),
    "--set", "isa=arm", "--quiet", "--events", armEvents, "--view", armHtml]);
  const armRecs = fs.readFileSync(armEvents, "utf8").trim().split("\n").slice(1).map(JSON.parse).filter(r => r.kind !== "final" && r.kind !== "final_registers");
  const readWords = w => w === "initial" ? "the initial value" : `written by ${w.agent}'s store at trace line ${w.trace_line}`;
  await page.goto("file://" + armHtml);
  let rfCaptions = 0;
  for (const [i, r] of armRecs.entries()) {
    if (r.kind !== "rmw" && !(r.kind === "load" && r.exclusive)) continue;
    if (!r.rf || Array.isArray(r.rf)) fail(`record ${i} has no single rf: ${JSON.stringify(r)}`);
    await page.evaluate(k => window.cohsimView.goto(k), i + 1);
    const cap = await page.evaluate(() => document.getElementById("caption").textContent);
    const want = (r.kind === "rmw" ? "read-modify-writes" : "load-exclusives") + ` ${r.symbol}`;
    if (!cap.includes(want) || !cap.includes(`reads ${r.value}`) || !cap.includes(readWords(r.rf)))
      fail(`the caption "${cap}" of ${JSON.stringify(r)} does not say "${want}" and what it read`);
    ++rfCaptions;
  }
  if (rfCaptions < 4) fail(`only ${rfCaptions} rmw and load-exclusive records in the arm log of mp.trace`);

  // Responsiveness: a 100,000-event page.
  const bigTrace = path.join(out, "big.trace");
  let t = "";
  for (let th = 0; th < 4; th++) {
    t += `thread ${th}\n`;
    for (let i = 0; i < 2600; i++) t += (i % 3 ? `  load 0x${(0x100000 + ((i * 7 + th * 3) % 64) * 64).toString(16)}\n` : `  store 0x${(0x100000 + ((i * 5 + th) % 64) * 64).toString(16)} ${i}\n`);
  }
  fs.writeFileSync(bigTrace, t);
  const bigEvents = path.join(out, "big.events.jsonl"), bigHtml = path.join(out, "big.html");
  execFileSync(cohsim, ["run", path.join(root, "configs/classroom-msi.yaml"), "--trace", bigTrace, "--set", "cores=4", "--quiet", "--events", bigEvents, "--view", bigHtml]);
  const t0 = Date.now();
  await page.goto("file://" + bigHtml);
  const count = await page.evaluate(() => window.cohsimView.count);
  const load = Date.now() - t0;
  if (count < 100000) fail(`the large page has only ${count} events`);
  const t1 = Date.now();
  for (const n of [count / 2, count - 1, 17, count / 3]) await page.evaluate(k => window.cohsimView.goto(Math.floor(k)), n);
  for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowLeft");
  const stepMs = (Date.now() - t1) / 24;
  console.log(`ok: dragon page ${size} bytes, ${records.length} events, checked at ${N}, end, end-5; load queue at ${lqAt}, ${lqBound}, ${lqNext}, ${lqPrev}; ${rfCaptions} rmw/LL captions; ` +
              `${count}-event page loads in ${load} ms, ${stepMs.toFixed(1)} ms per jump/step`);
  if (stepMs > 500) fail(`stepping takes ${stepMs} ms on ${count} events`);
  await browser.close();
})().catch(e => fail(e.stack || String(e)));
