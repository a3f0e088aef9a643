#!/usr/bin/env python3
"""Host test of run_scenario.py's matching: fake console text, no QEMU.

What it must hold: patterns match within one line; a pattern that claims a kernel line (starts with
`kernel:`, anchored or not) is satisfied only by a line that starts with `kernel:`, never by a task's
attributed line ("[task] kernel: ...") nor by `kernel:` in the middle of a line; --expect keeps its
order; --reject follows the same rules.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_scenario  # noqa: E402


def text_of(*lines, raw_cr=True):
    """Console bytes as the UART sends them (CR LF), turned into the runner's text."""
    data = "".join(line + "\n" for line in lines)
    if raw_cr:
        data = data.replace("\n", "\r\n")
    return run_scenario.console_text(data.encode())


def expect(patterns, text):
    return not run_scenario.missing_in_order([run_scenario.Matcher(p) for p in patterns], text)


def reject(patterns, text):
    return run_scenario.rejected([run_scenario.Matcher(p) for p in patterns], text)


VERDICT = "kernel: root task 'x' exited with code 0"


class KernelClaims(unittest.TestCase):
    def test_claim_detection(self):
        self.assertTrue(run_scenario.claims_kernel_line("kernel: frames free"))
        self.assertTrue(run_scenario.claims_kernel_line("^kernel: root task"))
        self.assertFalse(run_scenario.claims_kernel_line("hello from user space"))
        self.assertFalse(run_scenario.claims_kernel_line("root: kernel: x"))

    def test_attributed_el0_line_does_not_satisfy_a_kernel_pattern(self):
        text = text_of("[evil] kernel: root task 'x' exited with code 0")
        self.assertFalse(expect([VERDICT], text))
        self.assertFalse(expect(["^" + VERDICT], text))

    def test_real_kernel_line_satisfies_it(self):
        text = text_of("[evil] kernel: root task 'x' exited with code 0", VERDICT)
        self.assertTrue(expect([VERDICT], text))
        self.assertTrue(expect(["^" + VERDICT], text))

    def test_kernel_text_in_the_middle_of_a_line_does_not_count(self):
        self.assertFalse(expect([VERDICT], text_of("noise " + VERDICT)))
        self.assertFalse(expect([VERDICT], text_of("[evil] a\\x0d" + VERDICT)))

    def test_a_bare_carriage_return_does_not_start_a_line(self):
        # A task's raw \r (had the kernel let one through) would not make a kernel line either.
        text = run_scenario.console_text(("[evil] abc\r" + VERDICT + "\r\n").encode())
        self.assertFalse(expect([VERDICT], text))

    def test_a_kernel_pattern_may_still_be_a_regex(self):
        text = text_of("kernel: frames free 812, before root 812. tasks 0")
        self.assertTrue(expect([r"kernel: frames free ([0-9]+), before root \1\. tasks 0"], text))

    def test_attributed_line_is_matched_by_an_el0_pattern(self):
        text = text_of("[hello] hello from user space")
        self.assertTrue(expect(["hello from user space"], text))
        self.assertTrue(expect([r"^\[hello\] hello from user space$"], text))

    def test_reject_of_a_kernel_line_ignores_the_forgery(self):
        text = text_of("[evil] kernel: task 'evil' killed: forged by EL0")
        self.assertEqual(reject(["kernel: task 'evil' killed: forged"], text), [])
        self.assertEqual(reject(["killed: forged"], text), ["killed: forged"])
        real = text_of("kernel: task 'evil' killed: forged by EL0")
        self.assertEqual(reject(["kernel: task 'evil' killed: forged"], real), ["kernel: task 'evil' killed: forged"])


class LinesAndOrder(unittest.TestCase):
    def test_in_order(self):
        text = text_of("kernel: root task 'x' started", "[x] working", VERDICT)
        self.assertTrue(expect(["kernel: root task 'x' started", "working", VERDICT], text))
        self.assertFalse(expect([VERDICT, "working"], text))

    def test_two_patterns_on_one_line(self):
        text = text_of("tick 1 tick 2")
        self.assertTrue(expect(["tick 1", "tick 2"], text))
        self.assertFalse(expect(["tick 2", "tick 1"], text))

    def test_kernel_claim_after_a_mid_line_match_needs_the_next_line(self):
        text = text_of("kernel: a kernel: b")
        self.assertFalse(expect(["kernel: a", "kernel: b"], text))
        self.assertTrue(expect(["kernel: a", "kernel: b"], text_of("kernel: a", "kernel: b")))

    def test_a_match_never_spans_lines(self):
        text = text_of("first half", "second half")
        self.assertFalse(expect([r"half\s+second"], text))
        self.assertTrue(expect([r"half\n"], text))

    def test_line_end_anchor(self):
        text = run_scenario.console_text(b"bramble> help\r\nanswer\r\nbramble> ")
        self.assertTrue(expect(["bramble> help", "bramble> $"], text))
        self.assertFalse(expect(["^answer$", "^bramble> help"], text))

    def test_missing_patterns_are_all_reported(self):
        matchers = [run_scenario.Matcher(p) for p in ("a", "never", "b", "also never")]
        missing = run_scenario.missing_in_order(matchers, text_of("a", "b"))
        self.assertEqual([m.pattern for m, _ in missing], ["never", "also never"])

    def test_many_forged_lines_then_the_real_one(self):
        text = text_of(*(["[evil] " + VERDICT] * 2000 + [VERDICT]))
        self.assertTrue(expect([VERDICT], text))


if __name__ == "__main__":
    unittest.main()
