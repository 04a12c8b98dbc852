# Shared by tests/serve_chat_walk_test.sh's checks of tests/lib/chat_walk.js' output (DOG9): the steps
# by name, and expect() counting the checks and printing each failed one with its step's JSON.
import json


class Walk:
    def __init__(self, path, name):
        self.steps = {s["step"]: s for s in json.load(open(path))}
        self.name = name
        self.ok = self.bad = 0

    def expect(self, step, what, cond):
        if cond:
            self.ok += 1
        else:
            self.bad += 1
            print("FAIL %s %s: %s\n  %s" % (self.name, step, what, json.dumps(self.steps.get(step), indent=1)[:3000]))

    def done(self):  # the exit status
        print("%s: %d passed, %d failed" % (self.name, self.ok, self.bad))
        return 1 if self.bad else 0
