// Opens a page in headless Chromium, waits for it, clicks an element as a user would and prints
// the DOM after the click: what --dump-dom cannot do (it never clicks). Talks to Chromium over
// its DevTools protocol (node >= 20 with --experimental-websocket; no other package).
// Usage: node --experimental-websocket tests/lib/chromium_click.js CHROMIUM PROFILE_DIR URL
//          READY_JS CLICK_SELECTOR DONE_JS
// READY_JS / DONE_JS: expressions polled (every 100 ms, 30 s at most) before the click / before
// the DOM is printed. Exit 1 (with a line on stderr) when one never holds or the element is missing.
"use strict";
const {spawn} = require("child_process");
const fs = require("fs");
const path = require("path");

const [chromium, profile, url, readyJs, selector, doneJs] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
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
    const ws = new WebSocket(target.webSocketDebuggerUrl);
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
    const until = async (expr, what) => {
      for (let i = 0; i < 300; ++i) {
        try { if (await evaluate("!!(" + expr + ")")) return; } catch (e) { /* page loading */ }
        await sleep(100);
      }
      throw new Error(what + " did not hold within 30 s: " + expr);
    };
    await call("Page.enable");
    await call("Page.navigate", {url});
    await until(readyJs, "ready");
    const clicked = await evaluate("(() => { const e = document.querySelector(" + JSON.stringify(selector) +
                                   "); if (!e) return false; e.click(); return true; })()");
    if (!clicked) throw new Error("no element " + selector);
    await until(doneJs, "done");
    process.stdout.write(await evaluate("document.documentElement.outerHTML"));
    ws.close();
  } finally {
    proc.kill("SIGTERM");
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write("chromium_click: " + e.message + "\n");
  process.exit(1);
});
