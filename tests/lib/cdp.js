// Shared by the scripts that drive headless Chromium over its DevTools protocol (node >= 20 with
// --experimental-websocket; no other package): tests/lib/chromium_click.js and tests/lib/chat_walk.js.
//   startChromium(chromium, profile) -> {proc, port, target}: Chromium started headless on a fresh
//     profile dir (removed first), its DevTools port, its first page target (30 s / 10 s at most).
//   stopChromium(proc): SIGTERM, then up to 5 s for it to exit.
//   connect(wsUrl, waitS) -> {ws, call, evaluate, until}: a DevTools session on one target;
//     until(expr, what[, seconds]) polls `expr` every 100 ms, waitS seconds unless given.
"use strict";
const {spawn} = require("child_process");
const fs = require("fs");
const path = require("path");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function connect(wsUrl, waitS = 30) {
  const ws = new WebSocket(wsUrl);
  await new Promise((res, rej) => { ws.onopen = res; ws.onerror = () => rej(new Error("DevTools socket")); });
  let next = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id !== undefined && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  };
  const call = (method, params) => new Promise((res) => {
    const id = ++next;
    waiting.set(id, res);
    ws.send(JSON.stringify({id, method, params: params || {}}));
  });
  const evaluate = async (expr) => {
    const r = await call("Runtime.evaluate", {expression: expr, returnByValue: true, awaitPromise: true});
    if (r.error) throw new Error(expr + ": " + JSON.stringify(r.error));
    return r.result && r.result.result ? r.result.result.value : undefined;
  };
  const until = async (expr, what, seconds = waitS) => {
    for (let i = 0; i < seconds * 10; ++i) {  // polls: `seconds` of sleeps and the evaluations' time
      try { if (await evaluate("!!(" + expr + ")")) return true; } catch (e) { /* page loading */ }
      await sleep(100);
    }
    throw new Error(what + " did not hold within " + seconds + " s: " + expr);
  };
  return {ws, call, evaluate, until};
}

// The caller ends `proc` (SIGTERM) when done, also after an exception.
async function startChromium(chromium, profile) {
  fs.rmSync(profile, {recursive: true, force: true});
  const proc = spawn(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
                                "--remote-debugging-port=0", "about:blank"], {stdio: ["ignore", "ignore", "ignore"]});
  try {
    const portFile = path.join(profile, "DevToolsActivePort");
    let port = null;
    for (let i = 0; i < 300 && !port; ++i) {
      if (fs.existsSync(portFile)) port = fs.readFileSync(portFile, "utf8").split("\n")[0].trim() || null;
      if (!port) await sleep(100);
    }
    if (!port) throw new Error("Chromium wrote no DevToolsActivePort in 30 s");
    let target = null;
    for (let i = 0; i < 100 && !target; ++i) {
      const list = await (await fetch("http://127.0.0.1:" + port + "/json/list")).json();
      target = list.find((t) => t.type === "page");
      if (!target) await sleep(100);
    }
    if (!target) throw new Error("no page target");
    return {proc, port, target};
  } catch (e) {
    proc.kill("SIGTERM");
    throw e;
  }
}

// Ends Chromium (SIGTERM) and waits up to 5 s for it to exit, so that the caller's temporary folder
// (its profile) can be removed: removed at once, Chromium was still writing in it ("Directory not
// empty", the folder left behind; DOG8).
async function stopChromium(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((res) => proc.once("exit", res));
  proc.kill("SIGTERM");
  await Promise.race([exited, sleep(5000)]);
}

module.exports = {sleep, connect, startChromium, stopChromium};
