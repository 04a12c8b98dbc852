// Opens a page in headless Chromium, waits for it, clicks an element as a user would and prints
// the DOM after the click: what --dump-dom cannot do (it never clicks). Talks to Chromium over
// its DevTools protocol (node >= 20 with --experimental-websocket; no other package).
// Usage: node --experimental-websocket tests/lib/chromium_click.js CHROMIUM PROFILE_DIR URL
//          READY_JS CLICK_SELECTOR DONE_JS [HOW]
// READY_JS / DONE_JS: expressions polled (every 100 ms, 30 s at most; CHROMIUM_CLICK_WAIT_S seconds
// when set, FLK1) before the click / before the DOM is printed. Exit 1 (with a line on stderr) when one never holds or the element is missing.
// HOW (default `click`: element.click(); `click-token-gone`: the same after the tab's token is
// removed, then, once the 401 and its token form show, CHROMIUM_CLICK_TOKEN typed there): `ctrl-click`, `shift-click` or `middle-click` press the
// mouse over the element as a user would (Input.dispatchMouseEvent, trusted events: the browser
// opens a new tab for them unless the page handles them). Then, once DONE_JS holds on the page,
// the new tab is awaited (30 s) and printed instead of the page: a line `TAB-URL: <its url>` once
// it has left about:blank and finished loading, then its body's text.
// HOW `open-href` / `open-href-new-tab` open the element's href without clicking it: in this tab
// (Page.navigate: what a tab holding the token gets) or in a NEW tab made over DevTools, with no
// opener and an empty sessionStorage (what the context menu's "Open link in new tab", a drag to
// the tab bar or a copied link gives a page that cannot see a click). For the new tab, with
// CHROMIUM_CLICK_TOKEN set, the page's token form (#auth) must show; the token is typed into it
// (Input.insertText) and its button pressed (trusted mouse events). DONE_JS is then polled on the
// page opened, which is printed as `TAB-URL: <its url>` and its body's text.
"use strict";
const {sleep, connect: connectTarget, startChromium} = require("./cdp.js");

const [chromium, profile, url, readyJs, selector, doneJs, how = "click"] = process.argv.slice(2);
// FLK1: CHROMIUM_CLICK_WAIT_S seconds for READY_JS / DONE_JS when set, else 30.
const waitS = Number(process.env.CHROMIUM_CLICK_WAIT_S) > 0 ? Number(process.env.CHROMIUM_CLICK_WAIT_S) : 30;
const connect = (wsUrl) => connectTarget(wsUrl, waitS);

// Waits for the chat page's token form (#auth) to show, types `token` into it and presses its
// button with trusted mouse events, as a user would.
async function typeToken(t, token, what) {
  await t.until("document.getElementById('auth') && !document.getElementById('auth').hidden", what);
  await t.evaluate("document.getElementById('token').focus()");
  await t.call("Input.insertText", {text: token});
  const [x, y] = await t.evaluate("(() => { const r = document.querySelector('#auth button')" +
                                  ".getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()");
  await t.call("Input.dispatchMouseEvent", {type: "mouseMoved", x, y});
  await t.call("Input.dispatchMouseEvent", {type: "mousePressed", x, y, button: "left", clickCount: 1});
  await t.call("Input.dispatchMouseEvent", {type: "mouseReleased", x, y, button: "left", clickCount: 1});
}

async function main() {
  const {proc, port, target} = await startChromium(chromium, profile);
  try {
    const {ws, call, evaluate, until} = await connect(target.webSocketDebuggerUrl);
    await call("Page.enable");
    await call("Page.navigate", {url});
    await until(readyJs, "ready");
    if (how === "open-href" || how === "open-href-new-tab") {
      const href = await evaluate("(() => { const e = document.querySelector(" + JSON.stringify(selector) +
                                  "); return e ? e.href : null; })()");
      if (!href) throw new Error("no element " + selector + " with an href");
      let t = {ws, call, evaluate, until};
      if (how === "open-href") {
        await call("Page.navigate", {url: href});
        await sleep(200);  // the old document may still answer DONE_JS: let the navigation start
      } else {
        const made = await call("Target.createTarget", {url: href});
        if (!made.result) throw new Error("Target.createTarget: " + JSON.stringify(made.error));
        let tab = null;
        for (let i = 0; i < 100 && !tab; ++i) {
          const list = await (await fetch("http://127.0.0.1:" + port + "/json/list")).json();
          tab = list.find((x) => x.id === made.result.targetId);
          if (!tab) await sleep(100);
        }
        if (!tab) throw new Error("the new tab is not listed");
        t = await connect(tab.webSocketDebuggerUrl);
        const token = process.env.CHROMIUM_CLICK_TOKEN;
        if (token) await typeToken(t, token, "the token form shown in the new tab");
      }
      await t.until(doneJs, "done");
      process.stdout.write("TAB-URL: " + (await t.evaluate("location.href")) + "\n" +
                           (await t.evaluate("document.body ? document.body.innerText : ''")) + "\n");
      if (t.ws !== ws) t.ws.close();
      ws.close();
      return;
    }
    if (how === "click" || how === "click-token-gone") {
      // click-token-gone: the tab's token is taken out of sessionStorage first (as when it no longer
      // holds one the server takes), so the click's fetch gets the 401; the 401's token form must
      // show, CHROMIUM_CLICK_TOKEN is typed into it, and DONE_JS then waits for the retried fetch.
      if (how === "click-token-gone") await evaluate("sessionStorage.removeItem('vigil-token')");
      const clicked = await evaluate("(() => { const e = document.querySelector(" + JSON.stringify(selector) +
                                     "); if (!e) return false; e.click(); return true; })()");
      if (!clicked) throw new Error("no element " + selector);
      if (how === "click-token-gone") {
        await until("document.querySelector('pre.cited.error') && " +
                    "document.querySelector('pre.cited.error').textContent.startsWith('Error 401')",
                    "the click's 401 shown under the citation");
        await typeToken({call, evaluate, until}, process.env.CHROMIUM_CLICK_TOKEN || "", "the token form shown after the 401");
      }
    } else {
      const hows = {"ctrl-click": ["left", 2], "shift-click": ["left", 8], "middle-click": ["middle", 0]};
      if (!hows[how]) throw new Error("HOW must be click, click-token-gone, ctrl-click, shift-click, middle-click, open-href or " +
                                  "open-href-new-tab, not " + how);
      const [button, modifiers] = hows[how];
      const box = await evaluate("(() => { const e = document.querySelector(" + JSON.stringify(selector) +
                                 "); if (!e) return null; e.scrollIntoView(); const r = e.getBoundingClientRect();" +
                                 " return [r.left + r.width / 2, r.top + r.height / 2]; })()");
      if (!box) throw new Error("no element " + selector);
      const [x, y] = box;
      await call("Input.dispatchMouseEvent", {type: "mouseMoved", x, y});
      await call("Input.dispatchMouseEvent", {type: "mousePressed", x, y, button, modifiers, clickCount: 1});
      await call("Input.dispatchMouseEvent", {type: "mouseReleased", x, y, button, modifiers, clickCount: 1});
    }
    await until(doneJs, "done");
    if (how === "click" || how === "click-token-gone") {
      process.stdout.write(await evaluate("document.documentElement.outerHTML"));
    } else {
      let tab = null;
      for (let i = 0; i < 300 && !tab; ++i) {
        const list = await (await fetch("http://127.0.0.1:" + port + "/json/list")).json();
        tab = list.find((t) => t.type === "page" && t.id !== target.id && t.url !== "about:blank" && t.url !== "");
        if (!tab) await sleep(100);
      }
      if (!tab) throw new Error("no new tab within 30 s after the " + how);
      const t = await connect(tab.webSocketDebuggerUrl);
      await t.until("document.readyState === 'complete' && location.href !== 'about:blank'", "new tab loaded");
      // The chat page at `?incident=N` (REV3): its incident fetched and described, the record no
      // longer `loading` (or its error shown).
      await t.until("!location.search.startsWith('?incident=') || (document.querySelector('pre.cited') && " +
                    "!document.querySelector('pre.cited').textContent.startsWith('loading'))", "the incident shown");
      process.stdout.write("TAB-URL: " + (await t.evaluate("location.href")) + "\n" +
                           (await t.evaluate("document.body ? document.body.innerText : ''")) + "\n");
      t.ws.close();
    }
    ws.close();
  } finally {
    proc.kill("SIGTERM");
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write("chromium_click: " + e.message + "\n");
  process.exit(1);
});
