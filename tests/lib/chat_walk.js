// The chat page walked as an on-call engineer walks it (DOG8), in headless Chromium over its
// DevTools protocol (node >= 20 with --experimental-websocket; no other package). Questions are
// typed into the box (Input.insertText) and sent with the Enter key (trusted key events), as a
// person does; each step's outcome is one JSON object on stdout (a JSON array in all), which
// tests/serve_chat_walk_test.sh checks.
// Usage: node --experimental-websocket tests/lib/chat_walk.js CHROMIUM PROFILE_DIR BASE_URL SERVE_PID
//        [auth TOKEN TOKEN_FILE NEW_TOKEN]
// With `auth` (DOG9; serve runs with --auth-token-file TOKEN_FILE holding TOKEN, and incident #1 has
// ended its triage) the token walk runs instead (the auth-* steps):
//   auth-none    a question without a token: the error, the token form and what it says
//   auth-wrong   a wrong token pasted: the question refused again, the form saying the token was refused
//   auth-right   the token pasted: the question answered
//   auth-rotated #1's resolution form filled (its category list read), the token replaced on the server
//                (NEW_TOKEN written to TOKEN_FILE, SIGHUP), Record: the error, the fields kept; then a
//                question asked too (both refused)
//   auth-new     the new token pasted: the resolution recorded as typed and the question answered
// Steps (each `step` names it):
//   ask-*        a question at a desktop viewport (1280x900): the answer's text, its citations, the
//                box's value after, the time to the answer
//   follow-up    "how was it fixed?" right after an answer about one incident
//   open-cited   a click on the first incident citation: the incident view's text, a verification box
//   resolve-form the view's form recording what fixed it: a misspelt root cause (the error, the text
//                kept), then the right one; then the chat asked how it was fixed (ask-3-fix)
//   phone-*      the same page at 375x740 (a phone): the page's width against the viewport, the Ask
//                button inside it, a long alert summary's answer
//   long-answer  a question whose answer lists every open incident
//   pending      the question asked while serve is stopped (SIGSTOP): what the page shows meanwhile
//   lost-input   the question asked after serve has ended (SIGTERM): the error and the box's value
"use strict";
const {sleep, connect, startChromium, stopChromium} = require("./cdp.js");

const [chromium, profile, base, servePidText, mode, token, tokenFile, newToken] = process.argv.slice(2);
const servePid = Number(servePidText);

// What the page shows of its last message box.
const LAST = `(() => {
  const boxes = document.querySelectorAll('#log .msg');
  const last = boxes[boxes.length - 1];
  const ask = document.querySelector('#ask button');
  return {
    role: last ? last.className : '',
    text: last ? (last.querySelector('.text') || last).innerText : '',
    citations: last ? [...last.querySelectorAll('li.cite')].map((li) => li.innerText) : [],
    box: document.getElementById('message').value,
    messages: boxes.length,
    scroll_width: document.documentElement.scrollWidth,
    viewport_width: window.innerWidth,
    ask_right: ask ? Math.round(ask.getBoundingClientRect().right) : -1,
    ask_disabled: ask ? ask.disabled : null,
  };
})()`;

async function main() {
  const {proc, target} = await startChromium(chromium, profile);
  const out = [];
  try {
    const t = await connect(target.webSocketDebuggerUrl);
    await t.call("Page.enable");
    const viewport = async (width, height, mobile) => {
      await t.call("Emulation.setDeviceMetricsOverride", {width, height, deviceScaleFactor: 1, mobile});
    };
    const open = async () => {
      await t.call("Page.navigate", {url: base + "/"});
      await sleep(200);
      await t.until("document.readyState === 'complete' && document.getElementById('message')", "the page loaded");
    };
    // Types `text` into the box and presses Enter; `wait`: until an answer (or error) box follows.
    const type = async (text) => {
      await t.evaluate("document.getElementById('message').focus()");
      await t.call("Input.insertText", {text});
      for (const type of ["keyDown", "keyUp"]) {
        await t.call("Input.dispatchKeyEvent", {type, key: "Enter", code: "Enter", windowsVirtualKeyCode: 13,
                                                nativeVirtualKeyCode: 13});
      }
    };
    const ask = async (step, text, seconds = 30) => {
      const before = await t.evaluate("document.querySelectorAll('#log .msg').length");
      const started = Date.now();
      await type(text);
      let error = null;
      try {
        await t.until("document.querySelectorAll('#log .msg:not(.user):not(.pending)').length > 0 && " +
                      "document.querySelectorAll('#log .msg').length >= " + (before + 2) + " && " +
                      "document.body.dataset.state === 'answered'", step, seconds);
      } catch (e) {
        error = e.message;
      }
      const r = await t.evaluate(LAST);
      r.step = step;
      r.question = text;
      r.ms = Date.now() - started;
      if (error) r.error = error;
      out.push(r);
      return r;
    };

    // The resolution form's fields: `values` typed in (name -> text, the old text cleared first).
    const fillForm = async (values) => {
      for (const [name, text] of Object.entries(values)) {
        await t.evaluate("(() => { const d = document.querySelector('details.resolve'); d.open = true;" +
                         " const e = d.querySelector('[name=" + name + "]'); e.value = ''; e.focus(); })()");
        await t.call("Input.insertText", {text});
      }
    };
    // What the form offers: its root cause's list (value, label) and the label over it.
    const FORM_LIST = `(() => {
      const input = document.querySelector('details.resolve [name=root_cause]');
      const list = input && input.list;
      return {list_id: input ? input.getAttribute('list') : null,
              options: list ? [...list.options].map((o) => [o.value, o.label]) : [],
              label: input ? input.parentNode.firstChild.textContent : ''};
    })()`;
    const AUTH = `(() => ({auth_shown: !document.getElementById('auth').hidden,
                           auth_why: document.getElementById('auth-why') ? document.getElementById('auth-why').innerText : '',
                           token_focused: document.activeElement === document.getElementById('token')}))()`;
    const giveToken = async (text) => {
      await t.evaluate("document.getElementById('token').focus()");
      await t.call("Input.insertText", {text});
      await t.evaluate("document.getElementById('auth').requestSubmit()");
    };

    await viewport(1280, 900, false);
    if (mode === "auth") {
      await open();
      // No token: the question refused.
      const none = await ask("auth-none", "incident #1");
      Object.assign(none, await t.evaluate(AUTH));
      // A wrong one pasted: the question is sent again, refused again.
      const before = await t.evaluate("document.querySelectorAll('#log .msg').length");
      await giveToken("ffffffffffffffffffffffffffffffff");
      let wrong = {};
      try {
        await t.until("document.querySelectorAll('#log .msg').length >= " + (before + 2) +
                      " && document.body.dataset.state === 'answered'", "the question sent again");
      } catch (e) {
        wrong.error = e.message;
      }
      Object.assign(wrong, await t.evaluate(LAST), await t.evaluate(AUTH), {step: "auth-wrong"});
      out.push(wrong);
      // The right one: answered.
      const before2 = await t.evaluate("document.querySelectorAll('#log .msg').length");
      await giveToken(token);
      const right = {step: "auth-right"};
      try {
        await t.until("document.querySelectorAll('#log .msg').length >= " + (before2 + 2) +
                      " && document.body.dataset.state === 'answered'", "the question answered");
      } catch (e) {
        right.error = e.message;
      }
      Object.assign(right, await t.evaluate(LAST), await t.evaluate(AUTH));
      out.push(right);
      // The resolution form filled, then the token replaced on the server: Record is refused.
      const rotated = {step: "auth-rotated"};
      try {
        const clicked = await t.evaluate("(() => { const a = document.querySelector('#log .msg:last-child li.cite a');" +
                                         " if (!a) return false; a.click(); return true; })()");
        if (!clicked) throw new Error("no incident citation to open");
        await t.until("document.querySelector('details.resolve form')", "the resolution form");
        await t.until("document.querySelector('details.resolve datalist option')", "the category list", 5).catch(() => {});
        Object.assign(rotated, await t.evaluate(FORM_LIST));
        await fillForm({root_cause: "gpu_fallen_off_bus", summary: "GPU 5 of node-3 fell off the bus",
                        resolution: "reseated GPU 5 at 03:10", by: "night-oncall"});
        require("fs").writeFileSync(tokenFile, newToken + "\n");
        process.kill(servePid, "SIGHUP");
        for (let i = 0; i < 50; ++i) {  // until serve refuses the old token
          const r = await fetch(base + "/api/v1/incidents?limit=1", {headers: {Authorization: "Bearer " + token}});
          if (r.status === 401) break;
          await sleep(100);
        }
        await t.evaluate("delete document.body.dataset.resolution; document.querySelector('details.resolve button').click()");
        await t.until("document.body.dataset.resolution", "the resolution's answer");
        rotated.result = await t.evaluate("document.querySelector('.resolve-result').innerText");
        rotated.kept = await t.evaluate("document.querySelector('details.resolve [name=resolution]').value");
        Object.assign(rotated, await t.evaluate(AUTH));
        // A question meanwhile: refused as well.
        const q = await ask("auth-rotated-question", "incident #1");
        rotated.question = q.text;
      } catch (e) {
        rotated.error = e.message;
      }
      out.push(rotated);
      // The new token pasted: both done.
      const fresh = {step: "auth-new"};
      try {
        const before3 = await t.evaluate("document.querySelectorAll('#log .msg').length");
        await t.evaluate("delete document.body.dataset.resolution");
        await giveToken(newToken);
        await t.until("document.body.dataset.resolution && document.querySelectorAll('#log .msg').length >= " +
                      (before3 + 2) + " && document.body.dataset.state === 'answered'", "the resolution and the answer", 10);
      } catch (e) {
        fresh.error = e.message;
      }
      fresh.result = await t.evaluate("document.querySelector('.resolve-result') ? document.querySelector('.resolve-result').innerText : ''");
      Object.assign(fresh, await t.evaluate(LAST), await t.evaluate(AUTH));
      out.push(fresh);
      return;
    }
    await open();
    await ask("ask-id", "what happened in incident #1?");
    await ask("follow-up", "how was it fixed?");
    await ask("ask-node", "anything on node-7?");
    await ask("ask-alertname", "any GpuTemperatureHigh alerts?");
    await ask("ask-node-list", "incidents on node-3");
    await ask("search", "NCCL timeouts after a driver update");
    await ask("unanswerable", "what is the weather in Paris?");
    await ask("ask-fix", "how was incident #1 fixed?");

    // The verification view: a click on the id answer's incident citation.
    await open();
    await ask("ask-id-again", "incident #1");
    const clicked = await t.evaluate("(() => { const a = document.querySelector('#log .msg:last-child li.cite a');" +
                                     " if (!a) return false; a.click(); return true; })()");
    const view = {step: "open-cited", clicked};
    if (clicked) {
      try {
        await t.until("document.querySelector('div.incident-view') && " +
                      "!document.querySelector('div.incident-view').textContent.startsWith('loading')", "the incident view");
      } catch (e) {
        view.error = e.message;
      }
      Object.assign(view, await t.evaluate(`(() => ({
        view: (document.querySelector('div.incident-view') || {}).innerText || '',
        verification: (document.querySelector('div.verification') || {}).innerText || '',
        record: !!document.querySelector('details.record'),
      }))()`));
    }
    out.push(view);

    // Recording what fixed incident #3 from its view: a misspelt root cause first (the error, the
    // fields kept), then the right one, then the chat asked how it was fixed.
    await open();
    await ask("ask-3", "incident #3");
    const form = {step: "resolve-form"};
    form.shown = await t.evaluate("(() => { const a = document.querySelector('#log .msg:last-child li.cite a');" +
                                  " if (!a) return false; a.click(); return true; })()");
    try {
      await t.until("document.querySelector('details.resolve form')", "the resolution form");
      const fill = (name, text) => fillForm({[name]: text});
      await t.until("document.querySelector('details.resolve datalist option')", "the category list", 5).catch(() => {});
      Object.assign(form, await t.evaluate(FORM_LIST));
      const record = async () => {
        await t.evaluate("delete document.body.dataset.resolution; document.querySelector('details.resolve button').click()");
        await t.until("document.body.dataset.resolution", "the resolution's answer");
        return t.evaluate("document.querySelector('.resolve-result').innerText");
      };
      await fill("root_cause", "gpu_thermal_throtle");
      await fill("summary", "fan 2 of gpu-a17's tray stopped");
      await fill("resolution", "replaced fan 2 of the tray");
      await fill("by", "oncall");
      form.misspelt = await record();
      form.kept = await t.evaluate("document.querySelector('details.resolve [name=resolution]').value");
      await fill("root_cause", "gpu_thermal_throttle");
      form.recorded = await record();
    } catch (e) {
      form.error = e.message;
    }
    out.push(form);
    await ask("ask-3-fix", "how was incident #3 fixed?");

    // Incident #2 (the NodeDown) resolved with a category the user's own history added, picked from
    // the form's list (the option whose label says it was learned), not typed from memory.
    await open();
    await ask("ask-2", "incident #2");
    const learned = {step: "resolve-learned"};
    try {
      learned.shown = await t.evaluate("(() => { const a = document.querySelector('#log .msg:last-child li.cite a');" +
                                       " if (!a) return false; a.click(); return true; })()");
      await t.until("document.querySelector('details.resolve datalist option')", "the category list");
      const pick = await t.evaluate("(() => { const o = [...document.querySelector('details.resolve datalist').options]" +
                                    ".find((o) => o.label.startsWith('learned')); return o ? o.value : ''; })()");
      learned.picked = pick;
      await fillForm({root_cause: pick, summary: "node-7 hung on the Lustre MDS", resolution: "failed the MDS over",
                      by: "oncall"});
      await t.evaluate("delete document.body.dataset.resolution; document.querySelector('details.resolve button').click()");
      await t.until("document.body.dataset.resolution", "the resolution's answer");
      learned.recorded = await t.evaluate("document.querySelector('.resolve-result').innerText");
    } catch (e) {
      learned.error = e.message;
    }
    out.push(learned);

    // A phone.
    await viewport(375, 740, true);
    await open();
    await ask("phone-id", "incident #3");
    await ask("phone-follow-up", "what does it mean?");

    // A very long answer.
    await viewport(1280, 900, false);
    await open();
    await ask("long-answer", "open incidents");

    // Serve stopped while the question is asked: what the page shows meanwhile.
    if (servePid > 0) {
      process.kill(servePid, "SIGSTOP");
      await type("anything on node-3?");
      await sleep(1500);
      const r = await t.evaluate(LAST);
      r.step = "pending";
      r.state = await t.evaluate("document.body.dataset.state || ''");
      out.push(r);
      process.kill(servePid, "SIGCONT");
      try {
        await t.until("document.body.dataset.state === 'answered'", "the answer after SIGCONT");
      } catch (e) {
        r.after_error = e.message;
      }
      // Serve gone (a restart at 3 a.m.): the question asked, the request fails.
      process.kill(servePid, "SIGTERM");
      for (let i = 0; i < 100; ++i) {
        try { process.kill(servePid, 0); } catch (e) { break; }
        await sleep(100);
      }
      await ask("lost-input", "is node-3 still down?");
    }
  } finally {
    await stopChromium(proc);
    process.stdout.write(JSON.stringify(out, null, 1) + "\n");  // also after the auth walk's return
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write("chat_walk: " + e.message + "\n");
  process.exit(1);
});
