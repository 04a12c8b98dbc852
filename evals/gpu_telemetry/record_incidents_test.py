#!/usr/bin/env python3
"""Torch-free checks of record_incidents.py's plan tables and row writing (no GPU needed).
Run by tests/gpu_telemetry_plan_test.sh (ctest e2e_gpu_telemetry_plan_test) or directly:
  python3 evals/gpu_telemetry/record_incidents_test.py
"""
import contextlib
import importlib.util
import io
import math
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
GRACE = 10.0  # kIncidentGraceS, evals/detection_gpu.h
WARMUP = 60.0  # rolling windows of the rules warm up (tests/lib/score_incidents.py --warmup)
# What the recorder writes (its series): the trainer's and NVML's.
SERIES = {"step_time_ms", "compute_ms", "allreduce_ms", "tokens_per_s", "train_loss", "grad_norm",
          "DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_MEM_COPY_UTIL", "DCGM_FI_DEV_POWER_USAGE",
          "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_SM_CLOCK", "DCGM_FI_DEV_FB_USED",
          "process_resident_memory_bytes"}  # the last: plans 6-7's trainers only


STEP_SERIES = ("step_time_ms", "compute_ms", "allreduce_ms", "tokens_per_s", "train_loss", "grad_norm")


def load(plan=None, time_scale=1.0):
    """A fresh copy of the module (apply_plan changes module state), with `plan` applied."""
    spec = importlib.util.spec_from_file_location("record_incidents_%s" % plan,
                                                  os.path.join(HERE, "record_incidents.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    if plan is not None:
        mod.apply_plan(plan, time_scale)
    return mod


def overlaps(a0, a1, b0, b1):
    return a0 < b1 and b0 < a1


def check_one_gpu_scopes(tc, faults):
    """Every incident of a one-GPU plan expects series the recorder writes, in scopes of rank 0,
    GPU 0 or the job; the trainer's series carry rank, NVML's gpu: the scope must name the right one."""
    for name, _, _, exp in faults:
        tc.assertTrue(exp, name)
        for series, scope in exp:
            tc.assertIn(series, SERIES, name)
            tc.assertIn(scope, ("job", "rank:0", "gpu:0"), (name, series))
            if series.startswith("DCGM_FI_"):
                tc.assertEqual(scope, "gpu:0", (name, series))


class Plans12Unchanged(unittest.TestCase):
    """Runs 1 and 2 were recorded with these; plan 3 must not change them."""

    def test_plan1(self):
        m = load(1)
        self.assertEqual([(f[0], f[1], f[2]) for f in m.FAULTS],
                         [("input_stall", 260, 290), ("straggler", 320, 360),
                          ("memory_leak", 390, 430), ("loss_spike", 455, 458)])
        self.assertEqual(m.STRENGTH, {"stall_s": 0.15, "compete_duty": 1.0, "leak_mib_per_s": 256,
                                      "spike_scale": 30.0})
        self.assertEqual(m.NORMAL_END, 240)
        self.assertEqual(m.NORMAL_EVENTS, [])

    def test_plan2(self):
        m = load(2)
        self.assertEqual([(f[0], f[1], f[2]) for f in m.FAULTS],
                         [("straggler", 255, 285), ("memory_leak", 300, 340),
                          ("input_stall", 370, 400), ("loss_spike", 430, 433)])
        self.assertEqual(m.STRENGTH, {"stall_s": 0.06, "compete_duty": 0.5, "leak_mib_per_s": 128,
                                      "spike_scale": 10.0})
        self.assertEqual(m.FAULTS[0][3], [("compute_ms", "rank:1"), ("allreduce_ms", "rank:0"),
                                          ("step_time_ms", "rank:*"), ("tokens_per_s", "job")])
        self.assertEqual(m.NORMAL_END, 240)


class Plan3Tables(unittest.TestCase):
    def setUp(self):
        self.m = load(3)
        self.faults = self.m.FAULTS
        self.normal = self.m.NORMAL_EVENTS

    def test_incidents_in_range_sorted_and_apart(self):
        names = [f[0] for f in self.faults]
        self.assertEqual(names, ["hang", "nan_loss", "noisy_neighbour", "crash_restart", "loader_drift"])
        prev_end = self.m.NORMAL_END
        for name, start, end, _ in self.faults:
            self.assertLess(start, end, name)
            self.assertGreaterEqual(start, prev_end, "%s starts before the previous window ends" % name)
            prev_end = end
        self.assertLessEqual(self.faults[-1][2], self.m.PLAN3_SECONDS)
        self.assertLessEqual(self.m.PLAN3_SECONDS, 500)  # the device's 600 s, start-up included

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)

    def test_stopped_series_are_expected(self):
        # a hang's and a crash's step metrics stop: every one of them is expected
        step = {"step_time_ms", "compute_ms", "allreduce_ms", "tokens_per_s", "train_loss", "grad_norm"}
        for f in self.faults:
            if f[0] in ("hang", "crash_restart"):
                self.assertTrue(step <= {s for s, _ in f[3]}, f[0])

    def test_normal_events_in_history_and_after(self):
        for kind in ("checkpoint", "eval"):
            ev = [e for e in self.normal if e[0] == kind]
            in_history = [e for e in ev if WARMUP <= e[1] and e[2] <= self.m.NORMAL_END]
            self.assertTrue(in_history, "no %s in the history" % kind)
            traps = [e for e in ev if e[1] >= self.m.NORMAL_END and e[2] <= self.m.PLAN3_SECONDS and
                     not any(overlaps(e[1], e[2], f[1], f[2] + GRACE) for f in self.faults)]
            self.assertTrue(traps, "no %s after the history outside every incident + %g s" % (kind, GRACE))

    def test_checkpoints_every_60_s_short(self):
        ck = [e for e in self.normal if e[0] == "checkpoint"]
        self.assertGreaterEqual(len(ck), 8)
        for a, b in zip(ck, ck[1:]):
            self.assertEqual(b[1] - a[1], 60)
        for e in self.normal:
            self.assertLessEqual(e[2] - e[1], 2.5 if e[0] == "checkpoint" else 10)

    def test_no_normal_event_where_the_trainer_cannot_do_it(self):
        # hung or dead (or in the NaN burst, whose steps must be training steps)
        for e in self.normal:
            for f in self.faults:
                if f[0] in ("hang", "nan_loss", "crash_restart"):
                    self.assertFalse(overlaps(e[1], e[2], f[1], f[2]), (e, f[0]))
            self.assertLessEqual(e[2], self.m.PLAN3_SECONDS)
        # and no two normal events overlap
        ev = sorted(self.normal, key=lambda e: e[1])
        for a, b in zip(ev, ev[1:]):
            self.assertLessEqual(a[2], b[1], (a, b))

    def test_restart_leaves_a_warm_up_inside_the_window(self):
        crash = [f for f in self.faults if f[0] == "crash_restart"][0]
        restart = crash[1] + self.m.STRENGTH["restart_after_s"]
        self.assertGreaterEqual(self.m.STRENGTH["restart_after_s"], 15)
        self.assertGreaterEqual(crash[2] - restart, 10)
        # the crash restores the last checkpoint before it
        self.assertTrue(any(e[0] == "checkpoint" and e[2] <= crash[1] for e in self.normal))

    def test_labels(self):
        m = self.m
        crash = [f for f in self.faults if f[0] == "crash_restart"][0]
        self.assertTrue(m.expected(crash, "train_loss", None, None))
        self.assertTrue(m.expected(crash, "compute_ms", 0, None))
        self.assertTrue(m.expected(crash, "DCGM_FI_DEV_FB_USED", None, 0))
        self.assertFalse(m.expected(crash, "DCGM_FI_DEV_GPU_TEMP", None, 0))
        nan = [f for f in self.faults if f[0] == "nan_loss"][0]
        self.assertFalse(m.expected(nan, "step_time_ms", 0, None))
        self.assertEqual([f[0] for f in m.fault_at(nan[1])], ["nan_loss"])
        self.assertEqual(m.fault_at(nan[2]), [])
        self.assertEqual([e[0] for e in m.normal_at(135.5)], ["eval"])

    def test_time_scale(self):
        m = load(3, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual((m.FAULTS[0][1], m.FAULTS[0][2]), (245 * 0.25, 275 * 0.25))
        self.assertEqual(m.NORMAL_EVENTS[0][1:], (45 * 0.25, 47.5 * 0.25))
        self.assertEqual(m.STRENGTH["restart_after_s"], 5)
        self.assertEqual(self.m.STRENGTH["restart_after_s"], 20)  # the other copy unchanged


class Plan3Unchanged(unittest.TestCase):
    """Run 3 was recorded with these; plan 4 must not change them."""

    def test_plan3(self):
        m = load(3)
        self.assertEqual([(f[0], f[1], f[2]) for f in m.FAULTS],
                         [("hang", 245, 275), ("nan_loss", 292, 298), ("noisy_neighbour", 325, 350),
                          ("crash_restart", 360, 395), ("loader_drift", 410, 470)])
        self.assertEqual(len(m.NORMAL_EVENTS), 10)
        self.assertEqual(m.STRENGTH["drift_max_s"], 0.04)


class PlanTables(unittest.TestCase):
    """Plans 4 and 5's tables (PLAN set by each subclass), and their shared window check."""
    PLAN = None

    def setUp(self):
        self.m = load(self.PLAN)
        self.faults = self.m.FAULTS
        self.normal = self.m.NORMAL_EVENTS

    def check_windows_apart(self, names):
        """The incidents are `names` in order, each starts after the history or the previous one's
        window + GRACE, and lasts >= 20 s (the rules fire after 15 s of a 15 s mean: room to fire)."""
        self.assertEqual([f[0] for f in self.faults], names)
        prev_end = self.m.NORMAL_END
        for name, start, end, _ in self.faults:
            self.assertGreaterEqual(end - start, 20, name)
            self.assertGreaterEqual(start, prev_end, "%s starts before the previous window + %g s ends"
                                    % (name, GRACE))
            prev_end = end + GRACE

    def check_normal_events(self, history_kinds, trap_kinds, unordered=()):
        """Each of `history_kinds` happens inside the history (after the warm-up), each of `trap_kinds`
        after it outside every incident window + GRACE, and the normal events (but `unordered`) do not
        overlap."""
        for kind in history_kinds:
            ev = [e for e in self.normal if e[0] == kind]
            self.assertTrue([e for e in ev if WARMUP <= e[1] and e[2] <= self.m.NORMAL_END],
                            "no %s in the history" % kind)
        for kind in trap_kinds:
            ev = [e for e in self.normal if e[0] == kind]
            traps = [e for e in ev if e[1] >= self.m.NORMAL_END and
                     not any(overlaps(e[1], max(e[2], e[1] + 1), f[1], f[2] + GRACE) for f in self.faults)]
            self.assertTrue(traps, "no %s after the history outside every incident + %g s" % (kind, GRACE))
        timed = sorted((e for e in self.normal if e[0] not in unordered), key=lambda e: e[1])
        for a, b in zip(timed, timed[1:]):
            self.assertLessEqual(a[2], b[1], (a, b))

    def check_instant_trap(self, kind):
        """The one `kind` normal event (an instant that lasts to the end: a ramp, a step) leaves a 15 s median and
        `for 15s` room before the job end and comes >= GRACE after the last eval."""
        ev = [e for e in self.normal if e[0] == kind]
        self.assertEqual(len(ev), 1)
        self.assertGreaterEqual(self.m.job_end_at() - ev[0][1], 30)
        eval_end = max(e[2] for e in self.normal if e[0] == "eval")
        self.assertGreaterEqual(ev[0][1] - eval_end, GRACE)

    def check_job_end(self, seconds):
        """Every incident ends >= 70 s before the job end (keep_firing_for 1m after a 15 s mean
        recovers: an incident's GpuUtilDrop would swallow the job end's alert, and hide whether the
        marker keeps it quiet); the job end is the one last event, to `seconds`, with >= 25 s of tail
        (GpuUtilDrop would fire ~20-25 s after)."""
        for f in self.faults:
            self.assertGreaterEqual(self.m.job_end_at() - f[2], 70, f[0])
        end = [e for e in self.normal if e[0] == "job_end"]
        self.assertEqual(len(end), 1)
        self.assertEqual(self.m.job_end_at(), end[0][1])
        self.assertEqual(end[0][2], seconds)
        self.assertGreaterEqual(end[0][2] - end[0][1], 25)


class Plan4Tables(PlanTables):
    PLAN = 4

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["cpu_contention", "precision_fallback", "stale_exporter", "grad_explosion"])
        self.assertLessEqual(self.m.PLAN4_SECONDS, 420)  # the device command also runs a 90 s demo

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        stale = [f for f in self.faults if f[0] == "stale_exporter"][0]
        self.assertEqual({s for s, _ in stale[3]}, {"step_time_ms", "compute_ms", "allreduce_ms",
                                                   "tokens_per_s", "train_loss", "grad_norm"})

    def test_every_kind_of_normal_event_in_history_and_after(self):
        for kind in ("checkpoint", "eval", "lr_restart"):
            ev = [e for e in self.normal if e[0] == kind]
            self.assertTrue([e for e in ev if WARMUP <= e[1] and e[2] <= self.m.NORMAL_END],
                            "no %s in the history" % kind)
            traps = [e for e in ev if e[1] >= self.m.NORMAL_END and
                     not any(overlaps(e[1], max(e[2], e[1] + 1), f[1], f[2] + GRACE) for f in self.faults)]
            self.assertTrue(traps, "no %s after the history outside every incident + %g s" % (kind, GRACE))

    def test_job_end_last_with_a_tail_the_rules_can_see(self):
        end = [e for e in self.normal if e[0] == "job_end"]
        self.assertEqual(len(end), 1)
        self.assertEqual(self.m.job_end_at(), end[0][1])
        self.assertEqual(end[0][2], self.m.PLAN4_SECONDS)
        self.assertGreaterEqual(end[0][1], self.faults[-1][2] + GRACE)
        # GpuUtilDrop / GpuPowerDrop: a 15 s mean below half, held 15 s: ~20-25 s after the end
        self.assertGreaterEqual(end[0][2] - end[0][1], 25)

    def test_normal_events_apart_and_never_inside_an_incident(self):
        timed = sorted((e for e in self.normal if e[0] != "lr_restart"), key=lambda e: e[1])
        for a, b in zip(timed, timed[1:]):
            self.assertLessEqual(a[2], b[1], (a, b))
        for e in self.normal:
            for f in self.faults:
                self.assertFalse(overlaps(e[1], max(e[2], e[1] + 1), f[1], f[2]), (e, f[0]))
        # the trainer pauses only for checkpoints and evals; an LR restart and the job end are no pause
        self.assertEqual(self.m.normal_at(105.0), [("checkpoint", 105, 107.5)])
        self.assertEqual(self.m.normal_at(400.0), [("job_end", 392, 420)])

    def test_lr_schedule(self):
        m = self.m
        self.assertAlmostEqual(m.lr_at(0.0), 0.05)
        self.assertAlmostEqual(m.lr_at(104.9), 0.005 + 0.045 * 0.5 * (1 + math.cos(math.pi * 104.9 / 150)))
        self.assertAlmostEqual(m.lr_at(105.0), 0.05)  # the warm restart
        self.assertAlmostEqual(m.lr_at(255.0), 0.005)  # a whole period after: the floor
        self.assertAlmostEqual(m.lr_at(274.9), 0.005)
        self.assertAlmostEqual(m.lr_at(275.0), 0.05)
        self.assertGreater(m.lr_at(275.0) / m.lr_at(274.9), 9)

    def test_explosion_grows_by_the_planned_scale_over_its_window(self):
        m = self.m
        f = [f for f in self.faults if f[0] == "grad_explosion"][0]
        steps = 800
        per_layer = m.explode_factor(f, (f[2] - f[1]) / steps) ** steps
        self.assertAlmostEqual(per_layer ** m.LAYERS, m.STRENGTH["explode_total_scale"], places=6)
        self.assertEqual(m.explode_factor(f, 0.0), 1.0)

    def test_growth_is_applied_in_steps_bf16_can_hold(self):
        # run 4: x1.0008 a 35 ms step rounded back to the same bf16 weight every time; the growth
        # is now held back and applied in factors of at least 1 + 2^-5 (bf16 resolves 2^-8)
        m = self.m
        f = [f for f in self.faults if f[0] == "grad_explosion"][0]
        held, applied, total = 1.0, [], 1.0
        for _ in range(int((f[2] - f[1]) / 0.035)):
            grow, held = m.growth_due(held, m.explode_factor(f, 0.035))
            if grow != 1.0:
                applied.append(grow)
                total *= grow
        self.assertTrue(applied)
        self.assertTrue(all(g >= 1 + 2 ** -5 for g in applied), applied[:3])
        self.assertTrue(all(g < 1 + 2 ** -4 for g in applied), applied[:3])
        # all but the last held-back part is applied: within one GROWTH_STEP of the planned growth
        planned = m.explode_factor(f, f[2] - f[1])
        self.assertGreater(total * m.GROWTH_STEP, planned)
        self.assertLessEqual(total, planned * 1.0000001)
        self.assertEqual(m.growth_due(1.0, 1.0), (1.0, 1.0))

    def test_trainer_core(self):
        m = self.m
        self.assertEqual(m.trainer_core({0, 1, 2, 3}), 2)
        self.assertEqual(m.trainer_core([5]), 5)
        with self.assertRaises(RuntimeError):
            m.trainer_core(set())

    def test_time_scale(self):
        m = load(4, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 98)
        self.assertEqual(m.STRENGTH["lr_period_s"], 37.5)
        self.assertEqual(self.m.STRENGTH["lr_period_s"], 150)

    def test_labels(self):
        m = self.m
        stale = [f for f in self.faults if f[0] == "stale_exporter"][0]
        self.assertTrue(m.expected(stale, "train_loss", None, None))
        self.assertTrue(m.expected(stale, "step_time_ms", 0, None))
        self.assertFalse(m.expected(stale, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        cpu = [f for f in self.faults if f[0] == "cpu_contention"][0]
        self.assertTrue(m.expected(cpu, "DCGM_FI_DEV_POWER_USAGE", None, 0))
        self.assertFalse(m.expected(cpu, "compute_ms", 0, None))


class Plan5Tables(PlanTables):
    """Plan 5 (DET7): three incidents, four kinds of normal event, the training_completed marker."""
    PLAN = 5

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["loader_death", "pageable_copies", "allocator_thrash"])
        # the lead's device call: 600 s with start-up (t0 is 20 s after the start, then the merge)
        self.assertLessEqual(self.m.PLAN5_SECONDS, 440)

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        death = [f for f in self.faults if f[0] == "loader_death"][0]
        self.assertTrue(set(s for s, _ in death[3]) >= {s for s, _ in self.m._STEP_SERIES} |
                        {"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_FB_USED"})
        self.assertNotIn(self.m.MARKER, {s for f in self.faults for s, _ in f[3]})

    def test_every_kind_of_normal_event_after_the_history_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval"), ("checkpoint", "eval", "batch_change", "job_end"),
                                 unordered=("batch_change",))

    def test_batch_change_leaves_time_before_the_end(self):
        # a rule with a 15 s mean held 15 s can fire before the job end (and its own alerts)
        change = [e for e in self.normal if e[0] == "batch_change"][0]
        self.assertGreaterEqual(self.m.job_end_at() - change[1], 25)
        self.assertEqual(self.m.tokens_at(change[1] - 0.01), self.m.TOKENS)
        self.assertEqual(self.m.tokens_at(change[1]), 2 * self.m.TOKENS)
        self.assertEqual(self.m.tokens_at(self.m.PLAN5_SECONDS), 2 * self.m.TOKENS)

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN5_SECONDS)

    def test_loader_death_then_restart_inside_its_window(self):
        m = self.m
        death = [f for f in self.faults if f[0] == "loader_death"][0]
        crash = death[1] + m.STRENGTH["loader_wait_s"]
        restart = crash + m.STRENGTH["restart_after_s"]
        self.assertGreaterEqual(m.STRENGTH["loader_wait_s"], 5)  # GPU idle with memory held first
        self.assertGreaterEqual(restart - crash, 10)  # long enough for GpuUtilDrop's 15 s mean
        self.assertGreaterEqual(death[2] - restart, 10)  # start-up and warm-up inside the window
        self.assertTrue(any(e[0] == "checkpoint" and e[2] <= death[1] for e in self.normal))
        self.assertNotEqual(m.LOADER_EXIT, 0)
        self.assertNotEqual(m.LOADER_EXIT, 1)  # a real trainer failure exits 1: told apart

    def test_marker_seconds(self):
        m = self.m
        self.assertEqual(m.marker_seconds(410.4, 440), list(range(411, 441)))
        self.assertEqual(m.marker_seconds(439.2, 440), [440])
        self.assertEqual(m.marker_seconds(440.5, 440), [])

    def test_marker_row_labels_match_the_gpu_series(self):
        # the rules' peer term: `max by (Hostname, gpu) (training_completed)` against the DCGM rows
        m = self.m
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "part.csv")
            out = m.CsvOut(path, 1000.0)
            out.row(1411.0, m.MARKER, 1, rank=0, gpu=0)
            out.row(1411.3, "DCGM_FI_DEV_GPU_UTIL", 0, gpu=0)
            out.f.close()
            with open(path) as f:
                lines = f.read().splitlines()
        self.assertEqual(lines, ["1411.000,training_completed,1,0,h200-ddp,node-0,0,node-0,0",
                                 "1411.300,DCGM_FI_DEV_GPU_UTIL,0,0,,,,node-0,0"])

    def test_time_scale(self):
        m = load(5, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual((m.STRENGTH["loader_wait_s"], m.STRENGTH["restart_after_s"]), (1.25, 3.75))
        self.assertEqual(self.m.STRENGTH["restart_after_s"], 15)

    def test_labels(self):
        m = self.m
        thrash = [f for f in self.faults if f[0] == "allocator_thrash"][0]
        self.assertTrue(m.expected(thrash, "DCGM_FI_DEV_FB_USED", None, 0))
        self.assertFalse(m.expected(thrash, "compute_ms", 0, None))
        copies = [f for f in self.faults if f[0] == "pageable_copies"][0]
        self.assertTrue(m.expected(copies, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertFalse(m.expected(copies, "compute_ms", 0, None))
        self.assertFalse(m.expected(copies, m.MARKER, 0, 0))


class Plan6Tables(PlanTables):
    """Plan 6 (DET9): three incidents of kinds not planted in runs 1-5, traps, the marker, the RSS."""
    PLAN = 6

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["periodic_stall", "host_rss_leak", "unnormalised_shard"])
        self.assertLessEqual(self.m.PLAN6_SECONDS, 440)  # the lead's device call: 600 s with start-up

    def test_kinds_not_planted_before(self):
        before = {f[0] for plan in (1, 2, 3, 4, 5) for f in load(plan).FAULTS}
        self.assertFalse(before & {f[0] for f in self.faults})

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        leak = [f for f in self.faults if f[0] == "host_rss_leak"][0]
        self.assertEqual(leak[3], [(self.m.RSS, "rank:0")])
        self.assertNotIn(self.m.MARKER, {s for f in self.faults for s, _ in f[3]})

    def test_every_kind_of_normal_event_after_the_history_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval"), ("checkpoint", "eval", "job_end"))

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN6_SECONDS)

    def test_tokens_and_stalls(self):
        m = self.m
        self.assertEqual(m.plan6_input_scale({}), 1.0)
        self.assertEqual(m.plan6_input_scale({"unnormalised_shard": None}), 4.0)
        self.assertEqual(m.plan6_input_scale({"periodic_stall": None}), 1.0)
        stall = {"periodic_stall": None}
        self.assertEqual([s for s in range(100, 200) if m.stall_due(stall, s, 100)], [100, 140, 180])
        self.assertFalse(m.stall_due({}, 100, 100))
        self.assertFalse(m.stall_due(stall, 100, None))
        # about half the throughput at ~35-45 ms steps: stall_every steps of work, then the stall
        for step_s in (0.035, 0.045):
            work = m.STRENGTH["stall_every"] * step_s
            self.assertGreater(work / (work + m.STRENGTH["stall_s"]), 0.4)
            self.assertLess(work / (work + m.STRENGTH["stall_s"]), 0.6)

    def test_leak_size(self):
        m = self.m
        per_step = m.STRENGTH["leak_rows"] * m.HIDDEN * 2  # bf16
        self.assertEqual(per_step, 8 << 20)
        self.assertLessEqual(m.STRENGTH["leak_rows"], m.TOKENS)

    def test_time_scale(self):
        m = load(6, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual(m.FAULTS[0][1:3], (245 * 0.25, 270 * 0.25))
        self.assertEqual(m.STRENGTH["stall_s"], 1.5)  # a duration of the host call, not scaled

    def test_labels(self):
        m = self.m
        leak = [f for f in self.faults if f[0] == "host_rss_leak"][0]
        self.assertTrue(m.expected(leak, m.RSS, 0, None))
        self.assertFalse(m.expected(leak, "DCGM_FI_DEV_FB_USED", None, 0))
        shard = [f for f in self.faults if f[0] == "unnormalised_shard"][0]
        self.assertTrue(m.expected(shard, "grad_norm", None, None))
        self.assertFalse(m.expected(shard, "step_time_ms", 0, None))
        stall = [f for f in self.faults if f[0] == "periodic_stall"][0]
        self.assertTrue(m.expected(stall, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertFalse(m.expected(stall, "compute_ms", 0, None))

    def test_rss_row_labels(self):
        m = self.m
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "part.csv")
            out = m.CsvOut(path, 1000.0)
            out.row(1000.0 + 290, m.RSS, 3.5e9, rank=0)
            out.row(1000.0 + 200, m.RSS, 3.25e9, rank=0)
            out.f.close()
            with open(path) as f:
                lines = f.read().splitlines()
        self.assertEqual(lines, ["1290.000,process_resident_memory_bytes,3.5e+09,1,h200-ddp,node-0,0,,",
                                 "1200.000,process_resident_memory_bytes,3.25e+09,0,h200-ddp,node-0,0,,"])

    def test_rss_bytes_reads_this_process(self):
        m = self.m
        before = m.rss_bytes()
        self.assertGreater(before, 1 << 20)
        buf = bytearray(64 << 20)  # touched: resident
        self.assertGreater(m.rss_bytes(), before + (32 << 20))
        del buf


class Plan7Tables(PlanTables):
    """Plan 7 (DET11): three incidents of kinds not planted in runs 1-6, traps (one new: a data-shard
    boundary), the marker, the RSS; meant for an H100 80GB."""
    PLAN = 7

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["slow_checkpoint", "gpu_memory_hog", "frozen_layers"])
        self.assertLessEqual(self.m.PLAN7_SECONDS, 440)  # the lead's device call: 600 s with start-up

    def test_kinds_not_planted_before(self):
        before = {f[0] for plan in (1, 2, 3, 4, 5, 6) for f in load(plan).FAULTS}
        self.assertFalse(before & {f[0] for f in self.faults})
        normal_before = {e[0] for plan in (3, 4, 5, 6) for e in load(plan).NORMAL_EVENTS}
        self.assertEqual({e[0] for e in self.normal} - normal_before, {"shard_boundary"})

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        exp = {f[0]: {s for s, _ in f[3]} for f in self.faults}
        # the slow checkpoint stops every series the trainer writes with its steps (the RSS too)
        self.assertTrue(set(STEP_SERIES) | {self.m.RSS} <= exp["slow_checkpoint"])
        self.assertEqual(exp["gpu_memory_hog"], {"DCGM_FI_DEV_FB_USED"})
        self.assertEqual(exp["frozen_layers"], {"step_time_ms", "compute_ms", "tokens_per_s", "grad_norm"})
        self.assertNotIn(self.m.MARKER, set().union(*exp.values()))

    def test_shared_series_only_where_the_first_incident_stops_them(self):
        # an alert keeps firing 1 min after its condition ends: two incidents 45 s apart may share a
        # series only where one of them stops it (no rows: no rule of that series evaluates)
        exp = [(f[0], {s for s, _ in f[3]}) for f in self.faults]
        for i, (a, sa) in enumerate(exp):
            for b, sb in exp[i + 1:]:
                shared = sa & sb
                if shared:
                    self.assertEqual(a, "slow_checkpoint", (a, b, shared))
                    self.assertTrue(shared <= set(STEP_SERIES), (a, b, shared))

    def test_every_kind_of_normal_event_in_history_and_after_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval", "shard_boundary"), ("checkpoint", "eval", "shard_boundary", "job_end"))

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN7_SECONDS)

    def test_slow_checkpoint_blocks_most_of_its_window(self):
        m = self.m
        f = [f for f in self.faults if f[0] == "slow_checkpoint"][0]
        state_gib = m.LAYERS * m.HIDDEN * m.HIDDEN * 2 / 2 ** 30  # the bf16 weights
        self.assertEqual(state_gib, 0.75)
        block = state_gib * m.STRENGTH["slow_ckpt_s_per_gib"]
        self.assertGreaterEqual(block, 20)  # a 15 s mean and `for 15s` have room; 8x a normal checkpoint
        self.assertLessEqual(block, f[2] - f[1])
        self.assertEqual(m.STRENGTH["ckpt_chunk_mib"], 8)

    def test_memory_hog_fits_beside_the_job_on_an_h100(self):
        # the job holds ~9 GiB (runs 3-6), each CUDA context ~0.5 GiB; an H100 has 79.6 GiB
        self.assertLessEqual(self.m.STRENGTH["hog_gib"] + 9 + 1, 79.6 - 20)
        self.assertGreaterEqual(self.m.STRENGTH["hog_gib"], 16)

    def test_trainable_layers(self):
        m = self.m
        self.assertEqual(m.plan7_trainable({}), m.LAYERS)
        self.assertEqual(m.plan7_trainable({"frozen_layers": None}), 1)
        self.assertEqual(m.plan7_trainable({"gpu_memory_hog": None}), m.LAYERS)

    def test_time_scale(self):
        m = load(7, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual(m.FAULTS[0][1:3], (245 * 0.25, 270 * 0.25))
        self.assertEqual(m.STRENGTH["slow_ckpt_s_per_gib"], 8.0)  # the block scales with the window
        self.assertEqual(m.STRENGTH["hog_gib"], 40)
        self.assertEqual([e[1] for e in m.NORMAL_EVENTS if e[0] == "shard_boundary"], [195 * 0.25, 375 * 0.25])

    def test_labels(self):
        m = self.m
        ck, hog, frozen = self.faults
        self.assertTrue(m.expected(ck, m.RSS, 0, None))
        self.assertTrue(m.expected(ck, "DCGM_FI_DEV_POWER_USAGE", None, 0))
        self.assertFalse(m.expected(ck, "DCGM_FI_DEV_FB_USED", None, 0))
        self.assertTrue(m.expected(hog, "DCGM_FI_DEV_FB_USED", None, 0))
        self.assertFalse(m.expected(hog, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertTrue(m.expected(frozen, "grad_norm", None, None))
        self.assertFalse(m.expected(frozen, "train_loss", None, None))
        self.assertEqual(m.normal_at(195.0), [])  # a shard boundary is an instant (start = end)

    def test_throttled_write_paces_and_fsyncs_each_chunk(self):
        m = self.m
        clock = FakeClock(1000.0)
        m.time = clock
        synced = []
        real_fsync = os.fsync
        os.fsync = lambda fd: synced.append(fd) or real_fsync(fd)
        try:
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "ck")
                data = bytes(range(256)) * (12 << 10)  # 3 MiB
                took = m.throttled_write(path, memoryview(data), 1024.0, 1)  # 1 s a MiB, 1 MiB chunks
                with open(path, "rb") as f:
                    self.assertEqual(f.read(), data)
        finally:
            os.fsync = real_fsync
        self.assertEqual(len(synced), 3)
        self.assertAlmostEqual(took, 3.0)
        self.assertAlmostEqual(clock.now, 1003.0)

    def test_slow_checkpoint_is_a_checkpoint(self):
        m = self.m
        clock = FakeClock(1000.0)
        with tempfile.TemporaryDirectory() as d, fake_gpu(m, clock, os._exit):
            torch = sys.modules["torch"]
            ckpt = os.path.join(d, "ckpt.pt")
            took, n = m.slow_checkpoint(torch, [FakeTensor(torch) for _ in range(6)], 1234, ckpt)
            self.assertEqual(torch.load(ckpt)["step"], 1234)
            self.assertEqual(len(torch.load(ckpt)["weights"]), 6)
            self.assertFalse(os.path.exists(ckpt + ".tmp"))
        self.assertGreater(n, 0)
        self.assertAlmostEqual(took, n / 2 ** 30 * 32.0, places=6)  # the fake's few bytes, paced


class Plan8Tables(PlanTables):
    """Plan 8 (DET13): two incidents of kinds not planted in runs 1-7, one other form of run 7's frozen
    layers, traps (one new: a planned accumulation ramp), the marker, the RSS; for an H100 or an H200."""
    PLAN = 8

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["optimizer_offload", "grad_accum_unscaled", "half_frozen"])
        self.assertLessEqual(self.m.PLAN8_SECONDS, 440)  # the lead's device call: 600 s with start-up

    def test_two_kinds_not_planted_before_and_one_other_form_of_frozen_layers(self):
        before = {f[0] for plan in (1, 2, 3, 4, 5, 6, 7) for f in load(plan).FAULTS}
        self.assertFalse(before & {f[0] for f in self.faults})
        self.assertIn("frozen_layers", before)
        half = [f for f in self.faults if f[0] == "half_frozen"][0]
        frozen7 = [f for f in load(7).FAULTS if f[0] == "frozen_layers"][0]
        self.assertEqual(half[3], frozen7[3])  # the same series expected as run 7's freeze
        # another shape: half the layers, the FIRST ones (run 7: all but the last, 5 of 6)
        self.assertEqual(self.m.STRENGTH["frozen_layers"] * 2, self.m.LAYERS)
        normal_before = {e[0] for plan in (3, 4, 5, 6, 7) for e in load(plan).NORMAL_EVENTS}
        self.assertEqual({e[0] for e in self.normal} - normal_before, {"accum_ramp"})

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        exp = {f[0]: {s for s, _ in f[3]} for f in self.faults}
        self.assertEqual(exp["optimizer_offload"], {"step_time_ms", "tokens_per_s", "DCGM_FI_DEV_GPU_UTIL",
                                                    "DCGM_FI_DEV_POWER_USAGE", self.m.RSS})
        # the accumulation bug leaves tokens/s, the loss and the GPU as they were
        self.assertEqual(exp["grad_accum_unscaled"], {"step_time_ms", "compute_ms", "grad_norm"})
        self.assertNotIn(self.m.MARKER, set().union(*exp.values()))

    def test_throughput_drop_expected_of_the_offload_alone(self):
        # an alert keeps firing 1 min after its condition ends: the throughput drop (the one series a
        # bundled rule should see fall) is expected of one incident; the half freeze's tokens/s RISES
        exp = [(f[0], {s for s, _ in f[3]}) for f in self.faults]
        self.assertEqual([n for n, sa in exp if "DCGM_FI_DEV_GPU_UTIL" in sa], ["optimizer_offload"])
        self.assertEqual([n for n, sa in exp if "tokens_per_s" in sa], ["optimizer_offload", "half_frozen"])

    def test_every_kind_of_normal_event_after_the_history_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval"), ("checkpoint", "eval", "accum_ramp", "job_end"))

    def test_accum_ramp_leaves_time_before_the_end(self):
        self.check_instant_trap("accum_ramp")

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN8_SECONDS)

    def test_accum_and_frozen(self):
        m = self.m
        self.assertEqual(m.plan8_accum({}, 200.0), (1, True))
        self.assertEqual(m.plan8_accum({"grad_accum_unscaled": None}, 290.0), (4, False))
        self.assertEqual(m.plan8_accum({}, 374.9), (1, True))
        self.assertEqual(m.plan8_accum({}, 375.0), (2, True))
        self.assertEqual(m.plan8_frozen({}), 0)
        self.assertEqual(m.plan8_frozen({"half_frozen": None}), 3)
        self.assertEqual(m.plan8_frozen({"grad_accum_unscaled": None}), 0)

    def test_pinned_buffer_fits_the_host(self):
        # the offload's pinned buffer holds the whole flat gradient: 768 MiB of bf16 (the device has 128 GiB)
        self.assertEqual(self.m.LAYERS * self.m.HIDDEN * self.m.HIDDEN * 2, 768 << 20)

    def test_time_scale(self):
        m = load(8, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual(m.FAULTS[0][1:3], (245 * 0.25, 270 * 0.25))
        self.assertEqual(m.STRENGTH, m.PLAN8_STRENGTH)  # no strength is a time
        self.assertEqual(m.plan8_accum({}, 375 * 0.25), (2, True))

    def test_labels(self):
        m = self.m
        off, acc, half = self.faults
        self.assertTrue(m.expected(off, m.RSS, 0, None))
        self.assertTrue(m.expected(off, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertFalse(m.expected(off, "compute_ms", 0, None))
        self.assertTrue(m.expected(acc, "grad_norm", None, None))
        self.assertFalse(m.expected(acc, "tokens_per_s", None, None))
        self.assertFalse(m.expected(acc, "train_loss", None, None))
        self.assertTrue(m.expected(half, "tokens_per_s", None, None))
        self.assertEqual(m.normal_at(375.0), [])  # the ramp is an instant (start = end): it lasts to the end


class Plan9Tables(PlanTables):
    """Plan 9 (DET15): three incidents of kinds not planted in runs 1-8 (one another cause of a gradient-norm rise
    than run 8's), traps (one new: a planned loss-weight step, the norm x1.5), the marker, the RSS."""
    PLAN = 9

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["loss_masked_out", "loss_sum_reduction", "padding_waste"])
        self.assertLessEqual(self.m.PLAN9_SECONDS, 440)  # the lead's device call: <= 470 s wall with start-up

    def test_kinds_not_planted_before(self):
        before = {f[0] for plan in (1, 2, 3, 4, 5, 6, 7, 8) for f in load(plan).FAULTS}
        self.assertFalse(before & {f[0] for f in self.faults})
        normal_before = {e[0] for plan in (3, 4, 5, 6, 7, 8) for e in load(plan).NORMAL_EVENTS}
        self.assertEqual({e[0] for e in self.normal} - normal_before, {"loss_weight_step"})

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        exp = {f[0]: {s for s, _ in f[3]} for f in self.faults}
        self.assertEqual(exp["loss_masked_out"], {"train_loss", "grad_norm"})
        # the sum over sequences moves the gradient norm alone (step, tokens/s, loss, GPU as they were)
        self.assertEqual(exp["loss_sum_reduction"], {"grad_norm"})
        self.assertEqual(exp["padding_waste"], {"tokens_per_s", "grad_norm"})
        self.assertNotIn(self.m.MARKER, set().union(*exp.values()))

    def test_every_kind_of_normal_event_after_the_history_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval"), ("checkpoint", "eval", "loss_weight_step", "job_end"))

    def test_loss_weight_step_leaves_time_before_the_end(self):
        self.check_instant_trap("loss_weight_step")
        # below GradNormRise's 2x bar (the trap), as the sum over sequences is above it (the incident)
        self.assertLess(self.m.STRENGTH["loss_weight"], 2)
        self.assertGreater(self.m.STRENGTH["sum_sequences"], 2)

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN9_SECONDS)

    def test_loss_modes(self):
        m = self.m
        self.assertEqual(m.plan9_loss_mode({}, 200.0), (8192, 8192, 1.0))
        self.assertEqual(m.plan9_loss_mode({"loss_masked_out": None}, 250.0), (8192, 0, 1.0))
        self.assertEqual(m.plan9_loss_mode({"loss_sum_reduction": None}, 290.0), (8192, 8192, 4.0))
        self.assertEqual(m.plan9_loss_mode({"padding_waste": None}, 320.0), (2048, 2048, 1.0))
        self.assertEqual(m.plan9_loss_mode({}, 374.9), (8192, 8192, 1.0))
        self.assertEqual(m.plan9_loss_mode({}, 375.0), (8192, 8192, 1.5))
        self.assertEqual(m.TOKENS % m.STRENGTH["sum_sequences"], 0)  # 4 sequences of 2048 tokens
        self.assertEqual(m.STRENGTH["padded_real_tokens"] * m.STRENGTH["sum_sequences"], m.TOKENS)

    def test_time_scale(self):
        m = load(9, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual(m.FAULTS[0][1:3], (245 * 0.25, 270 * 0.25))
        self.assertEqual(m.STRENGTH, m.PLAN9_STRENGTH)  # no strength is a time
        self.assertEqual(m.plan9_loss_mode({}, 375 * 0.25), (8192, 8192, 1.5))

    def test_labels(self):
        m = self.m
        masked, summed, padded = self.faults
        self.assertTrue(m.expected(masked, "train_loss", None, None))
        self.assertFalse(m.expected(masked, "tokens_per_s", None, None))
        self.assertTrue(m.expected(summed, "grad_norm", None, None))
        self.assertFalse(m.expected(summed, "train_loss", None, None))
        self.assertFalse(m.expected(summed, "step_time_ms", 0, None))
        self.assertTrue(m.expected(padded, "tokens_per_s", None, None))
        self.assertFalse(m.expected(padded, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertEqual(m.normal_at(375.0), [])  # the step is an instant (start = end): it lasts to the end


class Plan10Tables(PlanTables):
    """Plan 10 (DET17): three incidents of kinds not planted in runs 1-9 (gradients not zeroed, an eval every step,
    silent weight corruption), traps (one new: a planned weight EMA, +1.5 GiB of GPU memory), the marker, the RSS."""
    PLAN = 10

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["grads_not_zeroed", "eval_every_step", "weight_corruption"])
        self.assertLessEqual(self.m.PLAN10_SECONDS, 440)  # the lead's device call: <= 540 s wall with start-up

    def test_kinds_not_planted_before(self):
        before = {f[0] for plan in range(1, 10) for f in load(plan).FAULTS}
        self.assertFalse(before & {f[0] for f in self.faults})
        normal_before = {e[0] for plan in range(3, 10) for e in load(plan).NORMAL_EVENTS}
        self.assertEqual({e[0] for e in self.normal} - normal_before, {"ema_on"})

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        exp = {f[0]: {s for s, _ in f[3]} for f in self.faults}
        self.assertEqual(exp["grads_not_zeroed"], {"grad_norm"})
        # the eval hook's passes lie outside the compute events: step time and tokens/s, not compute_ms
        self.assertEqual(exp["eval_every_step"], {"step_time_ms", "tokens_per_s"})
        self.assertEqual(exp["weight_corruption"], {"train_loss", "grad_norm"})
        self.assertNotIn(self.m.MARKER, set().union(*exp.values()))

    def test_every_kind_of_normal_event_after_the_history_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval"), ("checkpoint", "eval", "ema_on", "job_end"))

    def test_ema_on_leaves_time_before_the_end(self):
        self.check_instant_trap("ema_on")

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN10_SECONDS)

    def test_restores_find_a_checkpoint_of_the_history(self):
        # both fixes restore the last checkpoint before them: one taken in the history, none inside an incident
        last = max(e[2] for e in self.normal if e[0] == "checkpoint" and e[2] <= self.m.NORMAL_END)
        for name in ("grads_not_zeroed", "weight_corruption"):
            f = [f for f in self.faults if f[0] == name][0]
            ckpts = [e for e in self.normal if e[0] == "checkpoint" and e[2] <= f[2]]
            self.assertEqual(max(e[2] for e in ckpts), last, name)

    def test_modes(self):
        m = self.m
        self.assertEqual(m.plan10_mode({}, 200.0), (False, 0, False))
        self.assertEqual(m.plan10_mode({"grads_not_zeroed": None}, 250.0), (True, 0, False))
        self.assertEqual(m.plan10_mode({"eval_every_step": None}, 290.0), (False, 2, False))
        self.assertEqual(m.plan10_mode({"weight_corruption": None}, 320.0), (False, 0, False))
        self.assertEqual(m.plan10_mode({}, 374.9), (False, 0, False))
        self.assertEqual(m.plan10_mode({}, 375.0), (False, 0, True))
        # the corruption: sdc_elements elements of a HIDDEN x HIDDEN layer at the stride, x an exact power of 2
        self.assertEqual(len(range(0, m.HIDDEN * m.HIDDEN, m.STRENGTH["sdc_stride"])), m.STRENGTH["sdc_elements"])
        self.assertEqual(math.log2(m.STRENGTH["sdc_scale"]) % 1, 0.0)
        cols = {i % m.HIDDEN for i in range(0, m.HIDDEN * m.HIDDEN, m.STRENGTH["sdc_stride"])}
        self.assertEqual(len(cols), m.STRENGTH["sdc_elements"])  # spread: no two in one column

    def test_ema_memory_under_gpu_memory_growth_bar(self):
        # the fp32 shadow (4 bytes a weight; the update makes no temporary): under GpuMemoryGrowth's 2048 MiB with
        # room for a few 128 MiB blocks the caching allocator may add elsewhere
        m = self.m
        mib = m.LAYERS * m.HIDDEN * m.HIDDEN * 4 / 2 ** 20
        self.assertEqual(mib, 1536)
        self.assertLessEqual(mib + 4 * 128, 2048)

    def test_time_scale(self):
        m = load(10, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual(m.FAULTS[0][1:3], (245 * 0.25, 270 * 0.25))
        self.assertEqual(m.STRENGTH, m.PLAN10_STRENGTH)  # no strength is a time
        self.assertEqual(m.plan10_mode({}, 375 * 0.25), (False, 0, True))

    def test_labels(self):
        m = self.m
        kept, evals, sdc = self.faults
        self.assertTrue(m.expected(kept, "grad_norm", None, None))
        self.assertFalse(m.expected(kept, "train_loss", None, None))
        self.assertTrue(m.expected(evals, "step_time_ms", 0, None))
        self.assertTrue(m.expected(evals, "tokens_per_s", None, None))
        self.assertFalse(m.expected(evals, "compute_ms", 0, None))
        self.assertFalse(m.expected(evals, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertTrue(m.expected(sdc, "train_loss", None, None))
        self.assertFalse(m.expected(sdc, "tokens_per_s", None, None))
        self.assertEqual(m.normal_at(375.0), [])  # the EMA is an instant (start = end): it lasts to the end


class Plan11Tables(PlanTables):
    """Plan 11 (DET19): two incidents of kinds not planted in runs 1-10 (a checkpoint after every step, a loss scale
    not undone), traps (one new: the same loss scale switched on and undone as planned), the marker, the RSS."""
    PLAN = 11

    def test_incidents_in_range_sorted_and_apart(self):
        self.check_windows_apart(["checkpoint_every_step", "loss_scale_not_undone"])
        self.assertLessEqual(self.m.PLAN11_SECONDS, 440)  # the lead's device call: <= 540 s wall with start-up

    def test_kinds_not_planted_before(self):
        before = {f[0] for plan in range(1, 11) for f in load(plan).FAULTS}
        self.assertFalse(before & {f[0] for f in self.faults})
        normal_before = {e[0] for plan in range(3, 11) for e in load(plan).NORMAL_EVENTS}
        self.assertEqual({e[0] for e in self.normal} - normal_before, {"loss_scale_on"})

    def test_expected_series_exist_and_scopes_fit_one_gpu(self):
        check_one_gpu_scopes(self, self.faults)
        exp = {f[0]: {s for s, _ in f[3]} for f in self.faults}
        # the GPU idles between steps that go on: step time, tokens/s and the GPU's utilisation and power; the loss
        # and the norm keep their level (one step's a second instead of a mean: noisier, not labelled)
        self.assertEqual(exp["checkpoint_every_step"], {"step_time_ms", "tokens_per_s", "DCGM_FI_DEV_GPU_UTIL",
                                                        "DCGM_FI_DEV_POWER_USAGE"})
        # the gradients x1024 move the norm alone (the clip holds the update; step, tokens/s, GPU as they were)
        self.assertEqual(exp["loss_scale_not_undone"], {"grad_norm"})
        self.assertNotIn(self.m.MARKER, set().union(*exp.values()))

    def test_every_kind_of_normal_event_after_the_history_outside_the_incidents(self):
        self.check_normal_events(("checkpoint", "eval"), ("checkpoint", "eval", "loss_scale_on", "job_end"))

    def test_loss_scale_on_leaves_time_before_the_end(self):
        self.check_instant_trap("loss_scale_on")

    def test_job_end_apart_from_the_incidents_and_last(self):
        self.check_job_end(self.m.PLAN11_SECONDS)

    def test_no_checkpoint_due_between_the_two_incidents(self):
        # the fix of loss_scale_not_undone resumes from the last checkpoint: the one checkpoint_every_step wrote
        # last (good weights), not one taken while the gradients were x1024
        every, unscaled = self.faults
        self.assertFalse([e for e in self.normal if e[0] == "checkpoint" and every[2] <= e[1] < unscaled[2]])

    def test_modes(self):
        m = self.m
        self.assertEqual(m.plan11_mode({}, 200.0), (False, 1.0, False))
        self.assertEqual(m.plan11_mode({"checkpoint_every_step": None}, 250.0), (True, 1.0, False))
        self.assertEqual(m.plan11_mode({"loss_scale_not_undone": None}, 290.0), (False, 1024.0, False))
        self.assertEqual(m.plan11_mode({}, 374.9), (False, 1.0, False))
        self.assertEqual(m.plan11_mode({}, 375.0), (False, 1024.0, True))
        # a power of 2: scaled and unscaled gradients are the same numbers (the trap moves nothing); the incident's
        # norm x1024 is far over GradNormRise's 2x bar
        self.assertEqual(math.log2(m.STRENGTH["loss_scale"]) % 1, 0.0)
        self.assertGreater(m.STRENGTH["loss_scale"], 2)

    def test_time_scale(self):
        m = load(11, 0.25)
        self.assertEqual(m.NORMAL_END, 60)
        self.assertEqual(m.job_end_at(), 102.5)
        self.assertEqual(m.FAULTS[0][1:3], (245 * 0.25, 270 * 0.25))
        self.assertEqual(m.STRENGTH, m.PLAN11_STRENGTH)  # no strength is a time
        self.assertEqual(m.plan11_mode({}, 375 * 0.25), (False, 1024.0, True))

    def test_labels(self):
        m = self.m
        every, unscaled = self.faults
        self.assertTrue(m.expected(every, "step_time_ms", 0, None))
        self.assertTrue(m.expected(every, "tokens_per_s", None, None))
        self.assertTrue(m.expected(every, "DCGM_FI_DEV_GPU_UTIL", None, 0))
        self.assertFalse(m.expected(every, "train_loss", None, None))
        self.assertFalse(m.expected(every, "compute_ms", 0, None))
        self.assertTrue(m.expected(unscaled, "grad_norm", None, None))
        self.assertFalse(m.expected(unscaled, "train_loss", None, None))
        self.assertFalse(m.expected(unscaled, "tokens_per_s", None, None))
        self.assertEqual(m.normal_at(375.0), [])  # the loss scale is an instant (start = end): it lasts to the end


class Plan3Rows(unittest.TestCase):
    def test_bucket_rows_finite(self):
        m = load(3)
        rows = dict(m.bucket_rows({"steps": 2, "step": 80.0, "compute": 60.0, "ar": 8.0,
                                   "losses": [2.0, 3.0], "gnorms": [0.5, 0.25]}, 8192))
        self.assertEqual(rows, {"step_time_ms": 40.0, "compute_ms": 30.0, "allreduce_ms": 4.0,
                                "tokens_per_s": 16384, "train_loss": 2.5, "grad_norm": 0.5})

    def test_bucket_rows_non_finite(self):
        m = load(3)
        base = {"steps": 3, "step": 1.0, "compute": 1.0, "ar": 1.0}
        inf, nan = float("inf"), float("nan")
        r = dict(m.bucket_rows(dict(base, losses=[2.0, inf, 2.0], gnorms=[0.5, inf, 0.4]), 1))
        self.assertEqual((r["train_loss"], r["grad_norm"]), (inf, inf))
        # a nan anywhere wins (max() would keep 0.5 when the nan is not first)
        r = dict(m.bucket_rows(dict(base, losses=[2.0, inf, 2.0], gnorms=[0.5, nan, inf]), 1))
        self.assertTrue(math.isnan(r["grad_norm"]))
        self.assertEqual(r["train_loss"], inf)

    def test_csv_writes_nan_and_inf_as_words_with_labels(self):
        m = load(3)
        nan = [f for f in m.FAULTS if f[0] == "nan_loss"][0]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "part.csv")
            out = m.CsvOut(path, 1000.0)
            out.row(1000.0 + nan[1] + 1, "train_loss", float("inf"))
            out.row(1000.0 + nan[1] + 2, "grad_norm", float("nan"))
            out.row(1000.0 + nan[1] + 2, "step_time_ms", 38.5, rank=0)
            out.row(1000.0 + 10, "DCGM_FI_DEV_FB_USED", 9789.94, gpu=0)
            out.f.close()
            with open(path) as f:
                lines = f.read().splitlines()
        self.assertEqual(lines, [
            "%.3f,train_loss,inf,1,h200-ddp,node-0,,," % (1000.0 + nan[1] + 1),
            "%.3f,grad_norm,nan,1,h200-ddp,node-0,,," % (1000.0 + nan[1] + 2),
            "%.3f,step_time_ms,38.5,0,h200-ddp,node-0,0,," % (1000.0 + nan[1] + 2),
            "1010.000,DCGM_FI_DEV_FB_USED,9789.94,0,,,,node-0,0"])



# ---- the emitted schedule, torch-free: plans 1-4's tables and plans 3-4's trainers on a fake clock ----

def schedule(plan, time_scale=1.0):
    """Everything a plan fixes, as plain data: its tables, and at every 0.25 s of the run which
    incidents and normal events are on, the LR (plan 4) and the label of each expected series."""
    m = load(plan, time_scale)
    seconds = m.PLAN_SECONDS.get(plan, 480) * time_scale
    series = sorted({s for f in m.FAULTS for s, _ in f[3]})
    at = []
    for i in range(int(seconds * 4) + 1):
        rel = i / 4.0
        row = [rel, [f[0] for f in m.fault_at(rel)], [e[0] for e in m.normal_at(rel)]]
        if plan == 4:
            row.append(round(m.lr_at(rel), 12))
        if plan == 5:
            row.append(m.tokens_at(rel))
        if plan == 6:
            row.append(m.plan6_input_scale({f[0]: f for f in m.fault_at(rel)}))
        if plan == 7:
            row.append(m.plan7_trainable({f[0]: f for f in m.fault_at(rel)}))
        if plan == 8:
            active = {f[0]: f for f in m.fault_at(rel)}
            row.append([m.plan8_frozen(active), list(m.plan8_accum(active, rel))])
        if plan == 9:
            row.append(list(m.plan9_loss_mode({f[0]: f for f in m.fault_at(rel)}, rel)))
        if plan == 10:
            row.append(list(m.plan10_mode({f[0]: f for f in m.fault_at(rel)}, rel)))
        if plan == 11:
            row.append(list(m.plan11_mode({f[0]: f for f in m.fault_at(rel)}, rel)))
        row.append([s for s in series for rank, gpu in ((0, None), (1, None), (None, 0), (None, 1))
                    if any(m.expected(f, s, rank, gpu) for f in m.fault_at(rel))])
        at.append(row)
    return {"faults": [[f[0], f[1], f[2], [list(e) for e in f[3]]] for f in m.FAULTS],
            "normal": [list(e) for e in m.NORMAL_EVENTS], "strength": m.STRENGTH,
            "normal_end": m.NORMAL_END, "job_end": m.job_end_at() if plan in (4, 5, 6, 7, 8, 9, 10, 11) else None, "at": at}


def digest(obj):
    import hashlib
    import json
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


class FakeTensor:
    """Just enough of a torch tensor for trainer3 / trainer4: every operation gives a tensor,
    `.item()` a deterministic number (a counter) and advances the fake clock by 1 ms."""

    def __init__(self, torch):
        self._torch = torch

    def _new(self, *_, **__):
        return FakeTensor(self._torch)

    __matmul__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __add__ = __radd__ = __sub__ = _new
    __getitem__ = reshape = view = view_as = float = norm = detach = to = copy_ = sum = _new

    def __isub__(self, *_, **__):
        return self

    __imul__ = mul_ = add_ = div_ = __isub__

    def __setitem__(self, *_):
        pass

    def requires_grad_(self, *_):
        return self

    def numel(self):
        return 4

    def backward(self):
        pass

    @property
    def grad(self):
        return FakeTensor(self._torch)

    @grad.setter
    def grad(self, _):
        pass

    def item(self):
        t = self._torch
        t.clock.now += 0.001
        t.items += 1
        return 2.0 + (t.items % 97) * 1e-3


class FakeClock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now

    def sleep(self, s):
        self.now += max(0.0, s)


def fake_torch(clock, step_s=0.030):
    """A module object standing in for torch and torch.distributed (sys.modules), on `clock`:
    a synchronize takes `step_s`, a checkpoint is a small real file (os.replace moves it)."""
    import contextlib
    import json
    import types
    t = types.ModuleType("torch")
    t.clock, t.items = clock, 0
    new = lambda *a, **k: FakeTensor(t)
    t.bfloat16, t.float32 = "bf16", "f32"
    t.randn = t.cat = t.clamp = t.isfinite = t.empty = new
    t.device = lambda *a: "dev"

    class Gen:
        def __init__(self, device=None):
            pass

        def manual_seed(self, _):
            return self
    t.Generator = Gen
    t.no_grad = contextlib.nullcontext

    def save(state, path):
        if hasattr(path, "write"):  # a buffer (plan 7's slow checkpoint serialises first)
            path.write(json.dumps({"step": state["step"], "n": len(state["weights"])}).encode())
            return
        with open(path, "w") as f:
            json.dump({"step": state["step"], "n": len(state["weights"])}, f)

    def load(path):
        with open(path) as f:
            ck = json.load(f)
        return {"step": ck["step"], "weights": [FakeTensor(t) for _ in range(ck["n"])]}
    t.save, t.load = save, load

    class Event:
        def __init__(self, enable_timing=False):
            self.at = 0.0

        def record(self):
            self.at = clock.now

        def elapsed_time(self, other):
            return 27.5

    def synchronize():
        clock.now += step_s
    t.ones = new
    t.uint8 = "u8"
    t.cuda = types.SimpleNamespace(set_device=lambda *_: None, Event=Event, synchronize=synchronize,
                                   _sleep=lambda *_: None, empty_cache=lambda: None)
    t.nn = types.SimpleNamespace(functional=types.SimpleNamespace(mse_loss=new))
    t.backends = types.SimpleNamespace(cuda=types.SimpleNamespace(matmul=types.SimpleNamespace()))
    d = types.ModuleType("torch.distributed")
    d.init_process_group = d.all_reduce = d.destroy_process_group = lambda *a, **k: None
    t.distributed = d
    return t, d


@contextlib.contextmanager
def fake_gpu(m, clock, exit_fn):
    """The fake torch (fake_torch on `clock`) as `torch` and `torch.distributed`, `clock` as the
    recorder module `m`'s time and `exit_fn` as os._exit, for the block; all undone after."""
    torch, dist = fake_torch(clock)
    saved = {k: sys.modules.get(k) for k in ("torch", "torch.distributed")}
    sys.modules["torch"], sys.modules["torch.distributed"] = torch, dist
    m.time = clock
    real_exit = os._exit
    os._exit = exit_fn
    try:
        yield
    finally:
        os._exit = real_exit
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v


def trainer_rows(plan, time_scale=1.0, log=None):
    """The rows plan 3's or 4's trainer writes, run on a fake clock with a fake torch (30 ms steps;
    plan 3: life 0 to its planted crash, life 1 from the restart), or plan 1's or 2's worker of
    rank 0 in a world of one (no NVML sampler, no process group). The csv lines, in order written."""
    import types
    m = load(plan, time_scale)
    t0 = 1796000000.0
    clock = FakeClock(t0 - 5.0)
    with tempfile.TemporaryDirectory() as d:
        seconds = m.PLAN_SECONDS.get(plan, 480) * time_scale
        args = types.SimpleNamespace(plan=plan, time_scale=time_scale, port=1, out=d, seconds=seconds)
        ckpt = os.path.join(d, "ckpt.pt")

        class Crashed(Exception):
            pass

        def crash(code):
            raise Crashed(code)
        printed = io.StringIO()
        with fake_gpu(m, clock, crash), contextlib.redirect_stdout(printed):  # the trainers' progress lines
            run_trainer(m, plan, args, t0, ckpt, clock, time_scale, Crashed)
        if log is not None:
            log.extend(printed.getvalue().splitlines())
        lines = []
        for name in sorted(os.listdir(d)):
            if name.startswith("part-"):
                with open(os.path.join(d, name)) as f:
                    lines += f.read().splitlines()
    return lines


CKPT_S = 0.6  # plan 11's fake: the seconds one checkpoint's save takes (768 MiB to host memory and a local file)


def run_trainer(m, plan, args, t0, ckpt, clock, time_scale, crashed):
    if plan in (1, 2):
        m.sample_gpus = lambda out, stop, n: stop.wait()
        m.worker(0, 1, args, t0)
    elif plan == 3:
        with self_raises(crashed):
            m.trainer3(args, t0, ckpt, 0)
        clock.now = t0 + (360 + m.PLAN3_STRENGTH["restart_after_s"]) * time_scale
        m.trainer3(args, t0, ckpt, 1)
    elif plan == 4:
        m.trainer4(args, t0, ckpt, sorted(os.sched_getaffinity(0))[0])
    elif plan == 6:  # one life; the RSS a fake: 2 GiB + 8 MiB a kept host copy
        m.rss_bytes = lambda: (2 << 30) + len(m.HOST_KEPT) * m.STRENGTH["leak_rows"] * m.HIDDEN * 2
        m.trainer6(args, t0, ckpt, 0)
    elif plan == 7:  # one life; the RSS a fake (2 GiB + the shard held); the slow write takes the
        # time the real weights (768 MiB) take at the planned pace (the fake's state is a few bytes)
        m.rss_bytes = lambda: (2 << 30) + len(m.HOST_SHARD) * (m.STRENGTH["shard_mib"] << 20)

        def paced_write(path, data, s_per_gib, chunk_mib):
            with open(path, "wb") as f:
                f.write(bytes(data))
            clock.sleep(m.LAYERS * m.HIDDEN * m.HIDDEN * 2 / 2 ** 30 * s_per_gib)
        m.throttled_write = paced_write
        m.trainer7(args, t0, ckpt, 0)
    elif plan == 8:  # one life; the RSS a fake: 2 GiB (+ 768 MiB pinned from the offload's start on)
        pinned = []
        real_round_trip = m.offload_round_trip

        def round_trip(torch, flat, host):  # (each copy's wait: a fake synchronize, 30 ms)
            pinned[:] = [1]
            real_round_trip(torch, flat, host)
        m.offload_round_trip = round_trip
        m.rss_bytes = lambda: (2 << 30) + len(pinned) * (768 << 20)
        m.trainer8(args, t0, ckpt, 0)
    elif plan in (9, 10):  # one life; the RSS a fake: 2 GiB
        m.rss_bytes = lambda: 2 << 30
        getattr(m, "trainer%d" % plan)(args, t0, ckpt, 0)
    elif plan == 11:  # one life; the RSS a fake: 2 GiB; a checkpoint takes what 768 MiB take at ~1.3 GB/s (a guess)
        m.rss_bytes = lambda: 2 << 30
        real_save = m.save_checkpoint

        def paced_save(torch, weights, step, path):
            real_save(torch, weights, step, path)
            clock.sleep(CKPT_S)
        m.save_checkpoint = paced_save
        m.trainer11(args, t0, ckpt, 0)
    else:  # plan 5: life 0 to the planted loader death, life 1 from the parent's restart
        with self_raises(crashed):
            m.trainer5(args, t0, ckpt, 0)
        death = [f for f in m.FAULTS if f[0] == "loader_death"][0]
        clock.now = t0 + death[1] + m.STRENGTH["loader_wait_s"] + m.STRENGTH["restart_after_s"]
        m.trainer5(args, t0, ckpt, 1)


class FakeProcess:
    """A child process of the fake parent: alive from start() until `dies_at` (clock time), then
    its exit code is `code`."""

    def __init__(self, clock, life_ends, target, args, name):
        self.clock, self.name, self.args = clock, name, args
        self.dies_at, self.code = life_ends[int(name[-1]) if name[-1].isdigit() else name]
        self.started = None

    def start(self):
        self.started = self.clock.now

    def is_alive(self):
        return self.started is not None and self.clock.now < self.dies_at

    @property
    def exitcode(self):
        return None if self.is_alive() else self.code

    def join(self, timeout=None):  # (plan 7's parent joins its helpers at the end)
        pass


def parent5_run(life_ends, seconds=None, plan=5, helper_ends=None):
    """Plan 5's parent (run_plan5) on a fake clock, its children FakeProcesses whose (death time
    after t0, exit code) per life are `life_ends` (and per helper process name `helper_ends`: plan
    7's memory hog). Returns (the children started: (name, start after t0)), the marker rows it
    wrote, the error it raised or None)."""
    import types
    m = load(plan)
    t0 = 1796000000.0
    clock = FakeClock(t0)
    m.time = clock
    started = []
    ends = {i: (t0 + d, c) for i, (d, c) in enumerate(life_ends)}
    ends.update({k: (t0 + d, c) for k, (d, c) in (helper_ends or {}).items()})

    class Ctx:
        def Process(self, target, args, name):
            p = FakeProcess(clock, ends, target, args, name)
            started.append(p)
            return p

    @contextlib.contextmanager
    def parent(args, t0_):
        yield Ctx(), "ckpt", []
    m.one_gpu_parent = parent
    err = None
    with tempfile.TemporaryDirectory() as d:
        args = types.SimpleNamespace(out=d, seconds=seconds or m.PLAN5_SECONDS, plan=plan, time_scale=1.0)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                {5: m.run_plan5, 6: m.run_plan6, 7: m.run_plan7, 8: m.run_plan8, 9: m.run_plan9,
                 10: m.run_plan10, 11: m.run_plan11}[plan](args, t0)
        except RuntimeError as e:
            err = str(e)
        path = os.path.join(d, "part-marker.csv")
        rows = open(path).read().splitlines() if os.path.exists(path) else []
    return [(p.name, round(p.started - t0, 1)) for p in started], [r.split(",") for r in rows], err


def fake_inputs(plan, helper_ends=None):
    """A fake recording's inputs (tests/gpu_telemetry_plan_test.sh): the fake trainer's rows of `plan`, the rows
    the fake parent serves after the trainer's clean end at 410.6 s (its helpers ending at `helper_ends`), and
    the module with the plan applied. The fakes' unclosed-file warnings are not printed."""
    with contextlib.redirect_stderr(io.StringIO()):
        rows = trainer_rows(plan)
        _, served, err = parent5_run([(410.6, 0)], plan=plan, helper_ends=helper_ends)
        m = load(plan)
    assert err is None, err
    return rows, served, m


def in_window(kind, s, table):
    """Whether second `s` is inside a window of `kind` in `table` (FAULTS or NORMAL_EVENTS rows)."""
    return any(e[0] == kind and e[1] <= s < e[2] for e in table)


def fake_meta(m, t0):
    """The incidents.json of a fake recording of module `m`'s plan from t0 (tests/gpu_telemetry_plan_test.sh)."""
    return {"t0": t0, "seconds": 440, "normal_end": t0 + 240,
            "incidents": [{"name": n, "start": t0 + a, "end": t0 + b,
                           "expected": [{"series": x, "scope": y} for x, y in e]} for n, a, b, e in m.FAULTS],
            "normal_events": [{"name": n, "start": t0 + a, "end": t0 + b} for n, a, b in m.NORMAL_EVENTS]}


def fake_nvml(t0, busy, fb=None):
    """A fake recording's NVML rows of GPU 0 at t0 + s + 0.3 for s in 0-440: utilisation 99% and power 80 + 610 W
    times busy(s) (0-1), and memory used fb(s) MiB when `fb` is given (tests/gpu_telemetry_plan_test.sh)."""
    rows = []
    for s in range(441):
        rows += ["%.3f,DCGM_FI_DEV_GPU_UTIL,%d,0,,,,node-0,0" % (t0 + s + 0.3, round(99 * busy(s))),
                 "%.3f,DCGM_FI_DEV_POWER_USAGE,%d,0,,,,node-0,0" % (t0 + s + 0.3, round(80 + 610 * busy(s)))]
        if fb is not None:
            rows.append("%.3f,DCGM_FI_DEV_FB_USED,%d,0,,,,node-0,0" % (t0 + s + 0.3, fb(s)))
    return rows


class self_raises:
    def __init__(self, exc):
        self.exc = exc

    def __enter__(self):
        return self

    def __exit__(self, typ, val, tb):
        if typ is None:
            raise AssertionError("expected %s" % self.exc.__name__)
        return issubclass(typ, self.exc)


# Digests of the schedules and of the fake trainers' rows, taken with the recorder of 537cb9ed
# (before plans 3 and 4 shared their step loop, D1 of `duplicates`): a refactor must leave them
# as they are. A deliberate change of a plan changes them: say why where the digest is updated.
# Plan 5's (DET7, 2026-12-05): taken when plan 5 was written, before any run of it; plans 1-4's
# digests were unchanged by plan 5's code (the shared step loop's optional tokens and marker).
# Plan 6's (DET9, 2026-12-05): taken when plan 6 was written, before any run of it; plans 1-5's digests
# were unchanged by plan 6's code (SecondBuckets' optional extra rows, run_plan5's optional trainer).
# Plan 7's (DET11, 2026-12-05): taken when plan 7 was written, before any run of it; plans 1-6's digests
# were unchanged by plan 7's code (forward_backward's optional params, run_plan5's optional helpers,
# the fake's buffer save, float32 and requires_grad_(flag)).
# Plan 8's (DET13, 2026-12-05): taken when plan 8 was written, before any run of it; plans 1-7's digests were
# unchanged by plan 8's code (clean_end shared by trainers 5-8, the fake's empty and copy_).
# Plan 9's (DET15, 2026-12-06): taken when plan 9 was written, before any run of it; plans 1-8's digests were
# unchanged by plan 9's code (the fake's sum).
# Plan 10's (DET17, 2026-12-06): taken when plan 10 was written, before any run of it; plans 1-9's digests were
# unchanged by plan 10's code (eval_pass shared with the evals, sgd_update's optional clear, PLAN_SECONDS, the
# fake's view and lerp_).
# Plan 11's (DET19, 2026-12-06): taken when plan 11 was written, before any run of it; plans 1-10's digests were
# unchanged by plan 11's code (save_checkpoint shared with the normal checkpoints, the fake's div_).
SCHEDULE_DIGESTS = {1: "24a775131bad0225", 2: "f5bd616473882bee", 3: "f287a617b81ebcdf", 4: "9e69b086d10d7bed",
                    5: "616ec08a51a60ba9", 6: "2eee677bff2f64b6", 7: "7ae04fc88565cd40", 8: "3cad318edd1d3370",
                    9: "b9f1e7c0532b323a", 10: "fd92a9bc12ec2075", 11: "e38e2bea3993bae4"}
ROW_DIGESTS = {1: "8a93055ed6dd195c", 2: "a7d41938b08bbd2b", 3: "0bb3ff459071a81b", 4: "cc0c431ad59bd90d",
               5: "5cdb8ebf5fc6e07b", 6: "e35f216fc61bdda3", 7: "b65cd2f743f7b10e", 8: "09559009d94cd0b8",
               9: "c5eb613e46c560d9", 10: "fdbe26eb1b344f17", 11: "4e722f48828ef4ba"}
SCALED_DIGESTS = {3: ("caa869cfd7c5339e", "149073150ad6e396"), 4: ("a7694e6e5e67f6ec", "13a55bbcdd04dd47"),
                  5: ("d92884888dcf1fb7", "c05a0c59196be8a7"), 6: ("0a8078afbce26ae1", "a07ffb74cd964a6c"),
                  7: ("8cb90c88e2888259", "7f270bcbf16bb28b"), 8: ("bd7e353a3a112a57", "b6bcb6437d6e6c23"),
                  9: ("b38e9df89b7a18d9", "3a57873bf4d5f2db"),
                  10: ("0c587b5ca24b2119", "096d9613b9914bbb"),
                  11: ("89cf2acc4e8eef52", "a0a633f717132b1d")}  # x 0.25


class SchedulesUnchanged(unittest.TestCase):
    def test_plans_1_to_11_schedules(self):
        for plan in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11):
            self.assertEqual(digest(schedule(plan)), SCHEDULE_DIGESTS[plan], "plan %d" % plan)

    def test_plans_1_to_11_trainers_write_the_same_rows(self):
        for plan in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11):
            self.assertEqual(digest(trainer_rows(plan)), ROW_DIGESTS[plan], "plan %d" % plan)

    def test_smoke_runs_time_scaled(self):
        for plan in (3, 4, 5, 6, 7, 8, 9, 10, 11):
            self.assertEqual((digest(schedule(plan, 0.25)), digest(trainer_rows(plan, 0.25))),
                             SCALED_DIGESTS[plan], "plan %d x 0.25" % plan)

    def test_one_gpu_parent_cleans_up_on_an_error(self):
        # plans 3 and 4's parents share it: on an error a child still running is ended, the
        # sampler stopped (it got the parent's stop event) and the checkpoint folder removed
        import time
        m = load(4)
        stopped = []
        m.sample_gpus = lambda out, stop, n: stopped.append(stop.wait(30))
        with tempfile.TemporaryDirectory() as d:
            import types
            with self.assertRaises(RuntimeError):
                with m.one_gpu_parent(types.SimpleNamespace(out=d), time.time()) as (ctx, ckpt, procs):
                    child = ctx.Process(target=time.sleep, args=(30,))
                    child.start()
                    procs.append(child)
                    open(ckpt, "w").close()
                    raise RuntimeError("the trainer failed")
            self.assertFalse(child.is_alive())
            self.assertEqual(stopped, [True])
            self.assertFalse(os.path.exists(os.path.dirname(ckpt)))
            self.assertEqual(os.listdir(d), ["part-nvml.csv"])

    def test_fake_trainer_rows_look_like_the_recording(self):
        # the fake is worth its digest only if it runs the planned events: plan 4's rows stop at
        # the job end (392 s), the stale seconds repeat one second's values, plan 3's have the gap
        # of the crash; every row a trainer series at a whole second after t0
        t0 = 1796000000.0
        for plan, stop, gap in ((3, 490, (361, 380)), (4, 392, None)):
            rows = [r.split(",") for r in trainer_rows(plan)]
            secs = sorted({round(float(r[0]) - t0) for r in rows})
            self.assertTrue(all(abs(float(r[0]) - t0 - round(float(r[0]) - t0)) < 1e-3 for r in rows))
            self.assertLessEqual(secs[-1], stop, plan)
            self.assertGreaterEqual(secs[-1], stop - 2, plan)
            if gap:
                self.assertFalse([s for s in secs if gap[0] < s <= gap[1]], plan)
        rows4 = [r.split(",") for r in trainer_rows(4)]
        loss = [r[2] for r in rows4 if r[1] == "train_loss" and 321 <= float(r[0]) - t0 <= 345]
        self.assertEqual(len(set(loss)), 1, loss[:3])
        self.assertGreaterEqual(len(loss), 24)


class Plan5Rows(unittest.TestCase):
    """Plan 5's trainer (fake clock, fake torch) and parent (fake children): the marker rows."""

    T0 = 1796000000.0

    def test_trainer_marks_its_clean_end_only(self):
        rows = [r.split(",") for r in trainer_rows(5)]
        marker = [(float(r[0]) - self.T0, r[2]) for r in rows if r[1] == "training_completed"]
        self.assertTrue(marker)
        ones = [t for t, v in marker if v == "1"]
        self.assertEqual(len(ones), 1, ones)  # written once, by the trainer at its clean end
        self.assertGreaterEqual(ones[0], 410)
        self.assertLess(ones[0], 411)
        self.assertEqual({v for t, v in marker if t < 410}, {"0"})  # 0 while it trains, both lives
        self.assertEqual(marker[-1][1], "1")
        # its labels: the trainer's (job, node, rank) and the GPU's (Hostname, gpu)
        self.assertEqual({tuple(r[4:]) for r in rows if r[1] == "training_completed"},
                         {("h200-ddp", "node-0", "0", "node-0", "0")})

    def test_trainer_rows_show_the_loader_death_and_the_batch_change(self):
        rows = [r.split(",") for r in trainer_rows(5)]
        secs = sorted({round(float(r[0]) - self.T0) for r in rows})
        # life 0 dies at 245 (+5 s waiting), life 1 starts at 265: no row in between
        self.assertFalse([s for s in secs if 245 < s <= 265])
        self.assertTrue([s for s in secs if 265 < s <= 270])
        self.assertLessEqual(secs[-1], 410)
        self.assertGreaterEqual(secs[-1], 408)
        tok = {round(float(r[0]) - self.T0): float(r[2]) for r in rows if r[1] == "tokens_per_s"}
        before = [v for s, v in tok.items() if 366 <= s <= 375]
        after = [v for s, v in tok.items() if 377 <= s <= 408]
        # the fake's steps take the same time at either batch: twice the tokens a second
        self.assertAlmostEqual(sum(after) / len(after) / (sum(before) / len(before)), 2.0, delta=0.1)

    def test_trainer_loader_death_exits_with_its_code(self):
        m = load(5)
        codes = []

        class Stop(Exception):
            pass

        def fake_exit(code):
            codes.append(code)
            raise Stop()
        import types
        t0 = self.T0
        clock = FakeClock(t0 + 230.0)
        with tempfile.TemporaryDirectory() as d, fake_gpu(m, clock, fake_exit):
            args = types.SimpleNamespace(plan=5, time_scale=1.0, port=1, out=d, seconds=440.0)
            with contextlib.redirect_stdout(io.StringIO()), self.assertRaises(Stop):
                m.trainer5(args, t0, os.path.join(d, "ckpt.pt"), 0)
        self.assertEqual(codes, [m.LOADER_EXIT])
        self.assertGreaterEqual(clock.now - t0, 250.0)  # it waited loader_wait_s first

    def test_parent_restarts_after_the_loader_death_and_serves_the_marker(self):
        started, rows, err = parent5_run([(250.2, 18), (410.6, 0)])
        self.assertIsNone(err)
        self.assertEqual([n for n, _ in started], ["trainer0", "trainer1"])
        self.assertAlmostEqual(started[1][1], 265.0, delta=0.3)
        self.assertEqual([round(float(r[0]) - self.T0, 3) for r in rows], [float(s) for s in range(411, 441)])
        self.assertEqual({tuple(r[1:]) for r in rows},
                         {("training_completed", "1", "0", "h200-ddp", "node-0", "0", "node-0", "0")})

    def test_parent_fails_on_any_other_exit_and_writes_no_marker(self):
        for ends, want in (([(200.0, 1)], "trainer life 0 failed: exit code 1"),
                           ([(250.2, 18), (380.0, 18)], "trainer life 1 failed: exit code 18"),
                           ([(250.2, 18), (500.0, 0)], "did not end")):
            started, rows, err = parent5_run(ends)
            self.assertIn(want, err or "", ends)
            self.assertEqual(rows, [], ends)


class MarkedEndRows:
    """Plans 6-9's rows' shared check (PLAN set by each): the trainer's one marker 1 at its clean end at 410 s,
    its last step rows, its RSS with every second of them."""
    PLAN = None
    T0 = 1796000000.0

    def series(self, rows, name):
        return {round(float(r[0]) - self.T0): float(r[2]) for r in rows if r[1] == name}

    def test_marker_and_end(self):
        rows = [r.split(",") for r in trainer_rows(self.PLAN)]
        marker = [(float(r[0]) - self.T0, r[2]) for r in rows if r[1] == "training_completed"]
        ones = [t for t, v in marker if v == "1"]
        self.assertEqual(len(ones), 1)
        self.assertTrue(410 <= ones[0] < 411)
        secs = sorted(self.series(rows, "step_time_ms"))
        self.assertLessEqual(secs[-1], 410)
        self.assertGreaterEqual(secs[-1], 408)
        self.assertEqual(set(self.series(rows, "process_resident_memory_bytes")), set(secs))


class Plan6Rows(MarkedEndRows, unittest.TestCase):
    """Plan 6's trainer (fake clock, fake torch, fake RSS: 2 GiB + 8 MiB a kept copy) and parent."""
    PLAN = 6

    def test_periodic_stall_in_the_step_rows(self):
        rows = [r.split(",") for r in trainer_rows(6)]
        step = self.series(rows, "step_time_ms")
        tok = self.series(rows, "tokens_per_s")
        before = [s for s in step if 230 <= s <= 244]  # (225 s: the checkpoint's pause)
        inside = [s for s in step if 246 <= s <= 270]
        self.assertTrue(all(step[s] < 40 for s in before))
        # a 1.5 s stall every 40 steps: seconds holding one read over 1 s of step time on average
        # or hold no step end at all (no row); throughput about halved over the window
        self.assertGreaterEqual(len([s for s in inside if step[s] > 100]), 5)
        self.assertLess(len(inside), 25)
        mean_in = sum(tok.get(s, 0.0) for s in range(246, 271)) / 25
        mean_before = sum(tok[s] for s in before) / len(before)
        self.assertGreater(mean_in / mean_before, 0.35)
        self.assertLess(mean_in / mean_before, 0.6)

    def test_host_leak_in_the_rss_rows_only(self):
        rows = [r.split(",") for r in trainer_rows(6)]
        rss = self.series(rows, "process_resident_memory_bytes")
        self.assertEqual(set(rss), set(self.series(rows, "step_time_ms")))  # one with every second
        self.assertEqual({rss[s] for s in rss if s <= 280 or s >= 306}, {float("%.6g" % (2 << 30))})
        grow = [rss[s] for s in range(282, 306) if s in rss]
        self.assertEqual(grow, sorted(grow))
        self.assertGreater(grow[-1] - (2 << 30), 5 << 30)  # (%.6g) 8 MiB x ~29 steps a second x 25 s
        self.assertEqual({tuple(r[4:]) for r in rows if r[1] == "process_resident_memory_bytes"},
                         {("h200-ddp", "node-0", "0", "", "")})
        labelled = sorted(round(float(r[0]) - self.T0) for r in rows
                          if r[1] == "process_resident_memory_bytes" and r[3] == "1")
        self.assertEqual((labelled[0], labelled[-1]), (280, 304))  # a row is labelled by its own time

    def test_no_incident_shares_a_rule_within_keep_firing_for(self):
        # an alert keeps firing 1 min after its condition ends: incidents one rule should see need
        # more than that between them; here each speaks to other series (GPU / throughput, the
        # process's memory, the loss), so no expected series is shared by two incidents
        seen = {}
        for name, _, _, exp in load(6).FAULTS:
            for series, _ in exp:
                self.assertNotIn(series, seen, (name, seen.get(series)))
                seen[series] = name

    def test_parent_serves_the_marker_and_fails_on_any_error_exit(self):
        started, rows, err = parent5_run([(410.6, 0)], plan=6)
        self.assertIsNone(err)
        self.assertEqual([n for n, _ in started], ["trainer0"])
        self.assertEqual([round(float(r[0]) - self.T0) for r in rows], list(range(411, 441)))
        for ends, want in (([(250.2, 18)], "trainer life 0 failed: exit code 18"),
                           ([(300.0, 1)], "trainer life 0 failed: exit code 1"),
                           ([(500.0, 0)], "did not end")):
            started, rows, err = parent5_run(ends, plan=6)
            self.assertIn(want, err or "", ends)
            self.assertEqual(rows, [], ends)


class Plan7Rows(MarkedEndRows, unittest.TestCase):
    """Plan 7's trainer (fake clock, fake torch, fake RSS: 2 GiB + the shard held; the slow write
    paced as the real 768 MiB would be) and parent (fake trainer and memory hog)."""
    PLAN = 7

    def test_slow_checkpoint_stops_the_step_rows(self):
        log = []
        rows = [r.split(",") for r in trainer_rows(7, log=log)]
        step = self.series(rows, "step_time_ms")
        secs = sorted({round(float(r[0]) - self.T0) for r in rows})
        # the block starts at the first step after 245 s and lasts 24 s (0.75 GiB at 32 s a GiB)
        self.assertEqual([s for s in secs if 246 < s < 270], [])
        self.assertTrue(246 in secs and 270 in secs)
        self.assertGreater(step[270], 500)  # the blocked step in its second's mean
        self.assertTrue(all(step[s] < 40 for s in range(271, 280)))
        self.assertEqual(set(self.series(rows, "process_resident_memory_bytes")), set(step))
        self.assertEqual(len([l for l in log if "slow_checkpoint at t0 + 245.0 s" in l]), 1, log)

    def test_frozen_layers_train_the_last_layer_only_in_their_window(self):
        m = load(7)
        t0 = self.T0
        clock = FakeClock(t0 + 300.0)
        updates = []  # (second after t0, layers updated, gradients flattened)
        real_update, real_fb = m.sgd_update, m.forward_backward
        flattened = []

        def fb(torch, weights, x, y, ev, fp32=False, params=None):
            flattened.append(len(weights if params is None else params))
            return real_fb(torch, weights, x, y, ev, fp32, params)

        def update(torch, weights, flat, gnorm, lr, finite, grow=1.0):
            updates.append((math.floor(clock.now - t0), len(weights), flattened[-1]))
            return real_update(torch, weights, flat, gnorm, lr, finite, grow)
        m.sgd_update, m.forward_backward = update, fb
        m.rss_bytes = lambda: 1 << 30
        import types
        with tempfile.TemporaryDirectory() as d, fake_gpu(m, clock, os._exit):
            args = types.SimpleNamespace(plan=7, time_scale=1.0, port=1, out=d, seconds=440.0)
            with contextlib.redirect_stdout(io.StringIO()) as printed:
                m.trainer7(args, t0, os.path.join(d, "ckpt.pt"), 0)
        by = {}
        for sec, n, flat in updates:
            by.setdefault(sec, set()).add((n, flat))
        self.assertEqual({v for s in range(315, 340) for v in by[s]}, {(1, 1)})
        self.assertEqual({v for s in by if not 315 <= s <= 340 for v in by[s]}, {(6, 6)})
        lines = printed.getvalue().splitlines()
        self.assertTrue([l for l in lines if l.startswith("trainer: 1 of 6 layers train from t0 + 315.0")], lines)
        self.assertTrue([l for l in lines if l.startswith("trainer: 6 of 6 layers train from t0 + 340.0")], lines)

    def test_shard_boundaries(self):
        log = []
        trainer_rows(7, log=log)
        self.assertEqual([l.split(":")[1].split(",")[0].strip() for l in log if "shard_boundary" in l],
                         ["shard_boundary at t0 + 195.0 s", "shard_boundary at t0 + 375.0 s"])

    def test_parent_starts_the_hog_serves_the_marker_and_fails_on_any_error_exit(self):
        started, rows, err = parent5_run([(410.6, 0)], plan=7, helper_ends={"memhog": (305.5, 0)})
        self.assertIsNone(err)
        self.assertEqual([n for n, _ in started], ["trainer0", "memhog"])
        self.assertAlmostEqual(started[1][1], 265.0, delta=0.3)  # 15 s before its window: torch imported
        self.assertEqual([round(float(r[0]) - self.T0) for r in rows], list(range(411, 441)))
        for ends, hog, want in (([(410.6, 0)], (290.0, 1), "memhog failed: exit code 1"),
                                ([(300.0, 1)], (305.5, 0), "trainer life 0 failed: exit code 1"),
                                ([(500.0, 0)], (305.5, 0), "did not end")):
            started, rows, err = parent5_run(ends, plan=7, helper_ends={"memhog": hog})
            self.assertIn(want, err or "", (ends, hog))
            self.assertEqual(rows, [], (ends, hog))


def run_trainer_from(m, plan, clock, t0):
    """Plans 8-9: module `m`'s trainer of `plan` (one life) on the fake torch and `clock` from where the clock
    stands, its RSS 1 GiB: (its csv rows, split, and the lines it printed)."""
    import types
    m.rss_bytes = lambda: 1 << 30
    with tempfile.TemporaryDirectory() as d, fake_gpu(m, clock, os._exit):
        args = types.SimpleNamespace(plan=plan, time_scale=1.0, port=1, out=d, seconds=440.0)
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            getattr(m, "trainer%d" % plan)(args, t0, os.path.join(d, "ckpt.pt"), 0)
        lines = []
        for name in sorted(os.listdir(d)):
            if name.startswith("part-"):
                lines += open(os.path.join(d, name)).read().splitlines()
    return [r.split(",") for r in lines], printed.getvalue().splitlines()


class PlainParentRows(MarkedEndRows):
    """Plans 8-9: a parent with no helper process and one life of the trainer."""

    def test_parent_serves_the_marker_and_fails_on_any_error_exit(self):
        started, rows, err = parent5_run([(410.6, 0)], plan=self.PLAN)
        self.assertIsNone(err)
        self.assertEqual([n for n, _ in started], ["trainer0"])
        self.assertEqual([round(float(r[0]) - self.T0) for r in rows], list(range(411, 441)))
        for ends, want in (([(300.0, 1)], "trainer life 0 failed: exit code 1"),
                           ([(500.0, 0)], "did not end")):
            started, rows, err = parent5_run(ends, plan=self.PLAN)
            self.assertIn(want, err or "", ends)
            self.assertEqual(rows, [], ends)


class Plan8Rows(PlainParentRows, unittest.TestCase):
    """Plan 8's trainer (fake clock, fake torch: a step costs its synchronizes, 30 ms each, and its
    `.item()`s, not its micro-batches; fake RSS: 2 GiB + 768 MiB pinned from the offload on) and parent."""
    PLAN = 8

    def run8(self, at=None):
        """trainer8 from t0 + `at` (or trainer_rows' whole run), with forward_backward_micro and
        offload_round_trip recorded: (rows, printed lines, [(second, micro-batches, divided, grads
        flattened, weights)], [second of each round trip])."""
        m = load(8)
        t0 = self.T0
        clock = FakeClock(t0 + (at if at is not None else -5.0))
        steps, trips = [], []
        real_fb, real_trip = m.forward_backward_micro, m.offload_round_trip

        def fb(torch, weights, batches, ev, params=None, divide=True):
            steps.append((math.floor(clock.now - t0), len(batches), divide,
                          len(weights if params is None else params), len(weights)))
            return real_fb(torch, weights, batches, ev, params, divide)

        def trip(torch, flat, host):
            trips.append(math.floor(clock.now - t0))
            return real_trip(torch, flat, host)
        m.forward_backward_micro, m.offload_round_trip = fb, trip
        return run_trainer_from(m, 8, clock, t0) + (steps, trips)

    def test_each_incident_in_its_window_only(self):
        rows, lines, steps, trips = self.run8(200.0)
        by = {}
        for sec, n, divide, flat, total in steps:
            by.setdefault(sec, set()).add((n, divide, flat, total))
        # the offload: a round trip with every step of its window, none outside
        self.assertEqual(set(trips), set(range(245, 270)) | ({270} if 270 in trips else set()))
        self.assertTrue(all(245 <= s <= 270 for s in trips))
        self.assertEqual({v for s in range(280, 305) for v in by[s]}, {(4, False, 6, 6)})
        self.assertEqual({v for s in range(315, 340) for v in by[s]}, {(1, True, 3, 6)})
        self.assertEqual({v for s in range(376, 410) if s in by for v in by[s]}, {(2, True, 6, 6)})
        outside = [s for s in by if s < 280 or 305 < s < 315 or 340 < s < 375]
        self.assertEqual({v for s in outside for v in by[s]}, {(1, True, 6, 6)})
        for want in ("trainer: optimizer offload on at t0 + 245.0", "trainer: optimizer offload off at t0 + 270",
                     "trainer: 4 micro-batch(es) a step, loss NOT divided, from t0 + 280.0",
                     "trainer: 1 micro-batch(es) a step, loss divided, from t0 + 305.0",
                     "trainer: 3 of 6 layers train from t0 + 315.0", "trainer: 6 of 6 layers train from t0 + 340.0",
                     "trainer: 2 micro-batch(es) a step, loss divided, from t0 + 375.0"):
            self.assertTrue([l for l in lines if l.startswith(want)], (want, lines))

    def test_tokens_count_every_micro_batch(self):
        rows, _, steps, _ = self.run8(270.0)
        tok, n = self.series(rows, "tokens_per_s"), {}
        for sec, k, *_ in steps:
            n[sec] = n.get(sec, 0) + k
        m = load(8)
        # the row at t0 + s + 1 holds the steps that ended in second s (a step's bucket: its end)
        for s in (285, 300, 320, 380):
            self.assertAlmostEqual(tok[s + 1] / m.TOKENS, n[s], delta=4, msg=s)
        self.assertAlmostEqual(tok[286] / tok[276], 4.0, delta=0.3)  # the fake: micro-batches cost no time

    def test_offload_step_time_and_rss(self):
        rows = [r.split(",") for r in trainer_rows(8)]
        step = self.series(rows, "step_time_ms")
        rss = self.series(rows, "process_resident_memory_bytes")
        self.assertTrue(all(step[s] < 40 for s in range(230, 245)))
        self.assertTrue(all(step[s] > 80 for s in range(247, 270)))  # two more waits a step
        self.assertEqual({rss[s] for s in range(200, 246) if s in rss}, {float("%.6g" % (2 << 30))})
        self.assertEqual({rss[s] for s in range(247, 400) if s in rss}, {float("%.6g" % ((2 << 30) + (768 << 20)))})

class Plan9Rows(PlainParentRows, unittest.TestCase):
    """Plan 9's trainer (fake clock, fake torch: a step costs its synchronize, 30 ms, and its `.item()`s; fake
    RSS) and parent."""
    PLAN = 9

    def run9(self):
        """trainer9 from t0 + 200 s with forward_backward_loss recorded: (rows, printed lines, [(second,
        tokens in the loss, scale)])."""
        m = load(9)
        t0 = self.T0
        clock = FakeClock(t0 + 200.0)
        steps = []
        real_fb = m.forward_backward_loss

        def fb(torch, weights, x, y, ev, real, scale):
            steps.append((math.floor(clock.now - t0), real, scale))
            return real_fb(torch, weights, x, y, ev, real, scale)
        m.forward_backward_loss = fb
        return run_trainer_from(m, 9, clock, t0) + (steps,)

    def test_each_incident_in_its_window_only_and_logged(self):
        rows, lines, steps = self.run9()
        by = {}
        for sec, real, scale in steps:
            by.setdefault(sec, set()).add((real, scale))
        self.assertEqual({v for s in range(245, 270) for v in by[s]}, {(0, 1.0)})
        self.assertEqual({v for s in range(280, 305) for v in by[s]}, {(8192, 4.0)})
        self.assertEqual({v for s in range(315, 340) for v in by[s]}, {(2048, 1.0)})
        self.assertEqual({v for s in range(376, 410) if s in by for v in by[s]}, {(8192, 1.5)})
        outside = [s for s in by if s < 245 or 270 < s < 280 or 305 < s < 315 or 340 < s < 375]
        self.assertEqual({v for s in outside for v in by[s]}, {(8192, 1.0)})
        for want in ("trainer: 8192 tokens counted a step, 0 in the loss, the loss x1 in the backward, from t0 + 245.0",
                     "trainer: 8192 tokens counted a step, 8192 in the loss, the loss x1 in the backward, from t0 + 270",
                     "trainer: 8192 tokens counted a step, 8192 in the loss, the loss x4 in the backward, from t0 + 280.0",
                     "trainer: 8192 tokens counted a step, 8192 in the loss, the loss x1 in the backward, from t0 + 305",
                     "trainer: 2048 tokens counted a step, 2048 in the loss, the loss x1 in the backward, from t0 + 315.0",
                     "trainer: 8192 tokens counted a step, 8192 in the loss, the loss x1 in the backward, from t0 + 340",
                     "trainer: 8192 tokens counted a step, 8192 in the loss, the loss x1.5 in the backward, from t0 + 375.0",
                     "trainer life 0: checkpoint at t0 + 350.0", "trainer life 0: eval at t0 + 357.0"):
            self.assertTrue([l for l in lines if l.startswith(want)], (want, lines))

    def test_tokens_count_the_real_tokens(self):
        rows, _, steps = self.run9()
        tok, n = self.series(rows, "tokens_per_s"), {}
        for sec, *_ in steps:
            n[sec] = n.get(sec, 0) + 1
        for s, per_step in ((250, 8192), (290, 8192), (320, 2048), (380, 8192)):
            self.assertEqual(tok[s + 1], per_step * n[s], s)  # the row at t0 + s + 1: the steps ended in s

    def test_the_loss_over_no_token_is_zero_the_others_mse(self):
        # forward_backward_loss on the fake: mse_loss with every token real, the masked sum otherwise
        m = load(9)
        clock = FakeClock(self.T0)
        calls = []
        with fake_gpu(m, clock, os._exit):
            torch = sys.modules["torch"]
            real_mse = torch.nn.functional.mse_loss
            torch.nn.functional.mse_loss = lambda *a, **k: calls.append("mse") or real_mse(*a, **k)
            ev = [torch.cuda.Event() for _ in range(4)]
            w = [FakeTensor(torch) for _ in range(6)]
            for real in (8192, 2048, 0):
                m.forward_backward_loss(torch, w, FakeTensor(torch), FakeTensor(torch), ev, real, 1.0)
        self.assertEqual(calls, ["mse"])

class Plan10Rows(PlainParentRows, unittest.TestCase):
    """Plan 10's trainer (fake clock, fake torch: a step costs its synchronize, 30 ms, and its `.item()`s; fake
    RSS) and parent."""
    PLAN = 10

    def run10(self):
        """trainer10 from t0 + 200 s with its updates, eval passes, corruptions, restores and EMA updates recorded:
        (rows, printed lines, [(second, what)])."""
        m = load(10)
        t0 = self.T0
        clock = FakeClock(t0 + 200.0)
        calls = []

        def spy(name, real):
            def call(*a, **k):
                what = name
                if name == "sgd":
                    what = "sgd clear" if k.get("clear", True) else "sgd keep"
                calls.append((math.floor(clock.now - t0), what))
                return real(*a, **k)
            return call
        m.sgd_update = spy("sgd", m.sgd_update)
        m.eval_pass = spy("eval", m.eval_pass)
        m.corrupt_weights = spy("corrupt", m.corrupt_weights)
        m.restore_checkpoint = spy("restore", m.restore_checkpoint)
        m.ema_update = spy("ema", m.ema_update)
        return run_trainer_from(m, 10, clock, t0) + (calls,)

    def test_each_incident_in_its_window_only_and_logged(self):
        rows, lines, calls = self.run10()
        by = {}
        for sec, what in calls:
            by.setdefault(sec, []).append(what)
        self.assertEqual({w for s in range(245, 270) for w in by[s]}, {"sgd keep"})
        for s in range(280, 305):  # two eval passes after every update
            self.assertEqual(by[s].count("eval"), 2 * by[s].count("sgd clear"), s)
            self.assertNotIn("sgd keep", by[s])
        self.assertEqual([(s, w) for s, w in calls if w in ("corrupt", "restore")],
                         [(270, "restore"), (315, "corrupt"), (340, "restore")])
        self.assertFalse([s for s, w in calls if w == "ema" and s < 375])
        self.assertEqual({w for s in range(376, 410) if s in by for w in by[s]}, {"sgd clear", "ema"})
        # (the normal eval at 357-365 s runs eval_pass too)
        outside = [s for s in by if s < 245 or 270 < s < 280 or 305 < s < 315 or 340 < s < 357 or 365 <= s < 375]
        self.assertEqual({w for s in outside for w in by[s]}, {"sgd clear"})
        self.assertEqual({w for s in range(357, 365) for w in by.get(s, [])}, {"eval"})
        for want in ("trainer: gradients KEPT across steps, 0 eval pass(es) a step, EMA off, from t0 + 245.0",
                     "trainer: weights restored from the checkpoint of step ",
                     "trainer: gradients cleared each step, 0 eval pass(es) a step, EMA off, from t0 + 270",
                     "trainer: gradients cleared each step, 2 eval pass(es) a step, EMA off, from t0 + 280.0",
                     "trainer: gradients cleared each step, 0 eval pass(es) a step, EMA off, from t0 + 305",
                     "trainer: 2048 weights of layer 6 x256 (silent corruption) at t0 + 315.0",
                     "trainer: gradients cleared each step, 0 eval pass(es) a step, EMA on, from t0 + 375.0",
                     "trainer life 0: checkpoint at t0 + 350.0", "trainer life 0: eval at t0 + 357.0"):
            self.assertTrue([l for l in lines if l.startswith(want)], (want, lines))
        # both restores load the history's last checkpoint (225 s's), not a later one
        ck = [l for l in lines if l.startswith("trainer life 0: checkpoint at t0 + 225.0")]
        self.assertEqual(len(ck), 1)
        restored = {l.split("of step ")[1].split(" ")[0] for l in lines if "weights restored" in l}
        self.assertEqual(len(restored), 1)

    def test_the_restore_copies_every_weight_and_clears_its_gradient(self):
        m = load(10)
        clock = FakeClock(self.T0)
        with tempfile.TemporaryDirectory() as d, fake_gpu(m, clock, os._exit):
            torch = sys.modules["torch"]
            torch.save({"weights": [0] * m.LAYERS, "step": 7}, os.path.join(d, "ck"))
            copied, cleared = [], []

            class W(FakeTensor):
                def copy_(self, other):
                    copied.append(self)

                @property
                def grad(self):
                    return None

                @grad.setter
                def grad(self, v):
                    cleared.append(v)
            w = [W(torch) for _ in range(m.LAYERS)]
            self.assertEqual(m.restore_checkpoint(torch, w, os.path.join(d, "ck")), 7)
        self.assertEqual(copied, w)
        self.assertEqual(cleared, [None] * m.LAYERS)


class Plan11Rows(PlainParentRows, unittest.TestCase):
    """Plan 11's trainer (fake clock, fake torch: a step costs its synchronize, 30 ms, and its `.item()`s; a
    checkpoint CKPT_S; fake RSS) and parent."""
    PLAN = 11

    def run11(self):
        """trainer11 from t0 + 200 s with its checkpoints, restores and steps' loss scales recorded (a save costing
        CKPT_S): (rows, printed lines, [(second, what)])."""
        m = load(11)
        t0 = self.T0
        clock = FakeClock(t0 + 200.0)
        calls = []
        real_save, real_restore, real_fb = m.save_checkpoint, m.restore_checkpoint, m.forward_backward_scaled

        def save(*a):
            calls.append((math.floor(clock.now - t0), "save"))
            real_save(*a)
            clock.sleep(CKPT_S)

        def restore(*a):
            calls.append((math.floor(clock.now - t0), "restore"))
            return real_restore(*a)

        def fb(torch, weights, x, y, ev, scale, undo):
            calls.append((math.floor(clock.now - t0), (scale, undo)))
            return real_fb(torch, weights, x, y, ev, scale, undo)
        m.save_checkpoint, m.restore_checkpoint, m.forward_backward_scaled = save, restore, fb
        return run_trainer_from(m, 11, clock, t0) + (calls,)

    def test_each_incident_in_its_window_only_and_logged(self):
        rows, lines, calls = self.run11()
        by = {}
        for sec, what in calls:
            by.setdefault(sec, []).append(what)
        for s in range(245, 270):  # a checkpoint after every step, the loss not scaled
            self.assertEqual(by[s].count("save"), len([w for w in by[s] if w == (1.0, False)]), s)
            self.assertTrue(by[s].count("save"), s)
        self.assertEqual({w for s in range(280, 305) for w in by[s]}, {(1024.0, False)})
        self.assertEqual([(s, w) for s, w in calls if w == "restore"], [(305, "restore")])
        self.assertEqual({w for s in range(376, 410) if s in by for w in by[s]}, {(1024.0, True)})
        saves = sorted({s for s, w in calls if w == "save"})
        self.assertEqual([s for s in saves if not 245 <= s <= 270], [225, 350])  # the normal checkpoints
        outside = [s for s in by if s < 245 or 271 <= s < 280 or 305 < s < 375]
        self.assertEqual({w for s in outside for w in by[s]} - {"save"}, {(1.0, False)})
        for want in ("trainer: checkpoint after EVERY step, no loss scale, from t0 + 245.0",
                     "trainer: checkpoint on schedule, no loss scale, from t0 + 270",
                     "trainer: checkpoint on schedule, loss scale 1024 NOT undone, from t0 + 280.0",
                     "trainer: weights restored from the checkpoint of step ",
                     "trainer: checkpoint on schedule, no loss scale, from t0 + 305.0",
                     "trainer: checkpoint on schedule, loss scale 1024 undone, from t0 + 375.0",
                     "trainer life 0: checkpoint at t0 + 350.0", "trainer life 0: eval at t0 + 357.0"):
            self.assertTrue([l for l in lines if l.startswith(want)], (want, lines))
        # the restore loads the last checkpoint the every-step hook wrote (~270 s), not the history's 225 s one
        restored = [int(l.split("of step ")[1].split(" ")[0]) for l in lines if "weights restored" in l]
        last_every = [l for l in lines if l.startswith("trainer: checkpoint on schedule, no loss scale, from t0 + 270")]
        self.assertEqual(restored, [int(last_every[0].split("(step ")[1].rstrip(")")) - 1])

    def test_slow_steps_in_the_rows(self):
        rows, _, _ = self.run11()
        step, tok = self.series(rows, "step_time_ms"), self.series(rows, "tokens_per_s")
        self.assertTrue(all(step[s] < 40 for s in range(230, 245)))
        inside = [s for s in range(247, 270) if s in step]
        self.assertTrue(all(step[s] > 600 for s in inside), inside)  # 30 ms + the save, CKPT_S
        self.assertTrue(all(tok[s] <= 2 * 8192 for s in inside))
        self.assertTrue(all(step[s] < 40 for s in range(285, 305)))  # the loss scale costs no time

    def test_scaled_backward_and_unscale(self):
        # forward_backward_scaled on the fake: the backward on loss x scale; the flat gradients divided back only
        # when undone
        m = load(11)
        clock = FakeClock(self.T0)
        with fake_gpu(m, clock, os._exit):
            torch = sys.modules["torch"]
            ev = [torch.cuda.Event() for _ in range(4)]
            w = [FakeTensor(torch) for _ in range(6)]
            divided = []
            real_cat = torch.cat

            def cat(*a, **k):
                t = real_cat(*a, **k)
                t.div_ = lambda v: divided.append(v) or t
                return t
            torch.cat = cat
            for scale, undo in ((1.0, False), (1024.0, False), (1024.0, True)):
                m.forward_backward_scaled(torch, w, FakeTensor(torch), FakeTensor(torch), ev, scale, undo)
        self.assertEqual(divided, [1024.0])


if __name__ == "__main__":
    unittest.main(verbosity=1)
