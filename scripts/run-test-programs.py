#!/usr/bin/env python3
"""Runs test-programs/ with a given `dast` binary, outside cargo (the CI test is
`cargo test -p dast-cli --test programs`; see test-programs/README.md for the formats).

    scripts/run-test-programs.py [--dast PATH] [--only SUBSTRING] [--lenient] [-v]

run/*.dast       `dast run FILE`: stdout must equal the `// expect:` lines; exit status 0,
                 or the `// expect-exit:` one; stderr must contain every
                 `// expect-stderr-contains:` text.
errors/*.dast    `dast run FILE` must exit with 1 and report, in order, an error at each
                 `// error-at: L:C` whose headline contains the `// error-contains:`
                 text. Diagnostics are read from the rendered stderr: a headline line
                 starting with `error` followed by a `--> FILE:L:C` line. Extra errors
                 fail the test unless --lenient.
projects/*/      `dast run` inside the project directory must print expected.txt.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TP = os.path.join(ROOT, "test-programs")
TIMEOUT = 120


def default_dast():
    for kind in ("release", "debug"):
        p = os.path.join(ROOT, "target", kind, "dast")
        if os.path.exists(p):
            return p
    return "dast"


def run(cmd, cwd=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=TIMEOUT)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "timeout after %ds" % TIMEOUT


def expectations(text):
    lines, exit_code, stderr = [], 0, []
    for line in text.split("\n"):
        m = re.search(r"// expect:(.*)$", line)
        if m:
            t = m.group(1)
            lines.append(t[1:] if t.startswith(" ") else t)
            continue
        m = re.search(r"// expect-exit: *(\d+)", line)
        if m:
            exit_code = int(m.group(1))
            continue
        m = re.search(r"// expect-stderr-contains: ?(.*)$", line)
        if m:
            stderr.append(m.group(1))
    return lines, exit_code, stderr


def check_run(dast, path, verbose):
    text = open(path, encoding="utf-8").read()
    want, want_exit, want_err = expectations(text)
    rc, out, err = run([dast, "run", path])
    problems = []
    if rc != want_exit:
        problems.append("exit status %s, expected %s" % (rc, want_exit))
    want_out = "".join(l + "\n" for l in want)
    if out != want_out:
        got = out.split("\n")
        for i, w in enumerate(want):
            g = got[i] if i < len(got) else "<missing>"
            if g != w:
                problems.append("stdout line %d: expected %r, got %r" % (i + 1, w, g))
                break
        else:
            problems.append("stdout has extra output: %r" % out[len(want_out):][:200])
    for s in want_err:
        if s not in err:
            problems.append("stderr lacks %r" % s)
    if problems and verbose:
        problems.append("stderr was: " + err[:1000])
    return problems


def diagnostics(stderr):
    """(headline, line, col) for every rendered error, in order."""
    out, head = [], None
    for line in stderr.split("\n"):
        if re.match(r"^error", line):
            head = line
            continue
        m = re.search(r"-->\s*.*?:(\d+):(\d+)", line)
        if m and head is not None:
            out.append((head.lower(), int(m.group(1)), int(m.group(2))))
            head = None
    return out


def check_errors(dast, path, lenient, verbose):
    text = open(path, encoding="utf-8").read()
    at = [tuple(map(int, m)) for m in re.findall(r"// error-at: *(\d+):(\d+)", text)]
    contains = re.findall(r"// error-contains: ?(.*)", text)
    want = list(zip(at, contains))
    rc, out, err = run([dast, "run", path])
    problems = []
    if rc != 1:
        problems.append("exit status %s, expected 1" % rc)
    got = diagnostics(err)
    i = 0
    for (l, c), s in want:
        while i < len(got) and not (got[i][1] == l and got[i][2] == c and s.lower() in got[i][0]):
            if not lenient:
                problems.append("unexpected error at %d:%d: %s" % (got[i][1], got[i][2], got[i][0]))
            i += 1
        if i == len(got):
            problems.append("missing error at %d:%d containing %r" % (l, c, s))
        else:
            i += 1
    if not lenient:
        for g in got[i:]:
            problems.append("unexpected error at %d:%d: %s" % (g[1], g[2], g[0]))
    if problems and verbose:
        problems.append("stderr was: " + err[:2000])
    return problems


def check_project(dast, path, verbose):
    want = open(os.path.join(path, "expected.txt"), encoding="utf-8").read()
    rc, out, err = run([dast, "run"], cwd=path)
    problems = []
    if rc != 0:
        problems.append("exit status %s" % rc)
    if out != want:
        problems.append("stdout differs:\n--- expected\n%s--- got\n%s" % (want, out))
    if problems and verbose:
        problems.append("stderr was: " + err[:1000])
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dast", default=default_dast())
    ap.add_argument("--only", default="")
    ap.add_argument("--lenient", action="store_true", help="allow extra compile errors")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    cases = []
    for d, kind in (("run", "run"), ("errors", "errors")):
        for f in sorted(os.listdir(os.path.join(TP, d))):
            if f.endswith(".dast"):
                cases.append((kind, os.path.join(TP, d, f)))
    for p in sorted(os.listdir(os.path.join(TP, "projects"))):
        cases.append(("project", os.path.join(TP, "projects", p)))
    failed = 0
    total = 0
    for kind, path in cases:
        name = os.path.relpath(path, TP)
        if a.only and a.only not in name:
            continue
        total += 1
        if kind == "run":
            problems = check_run(a.dast, path, a.verbose)
        elif kind == "errors":
            problems = check_errors(a.dast, path, a.lenient, a.verbose)
        else:
            problems = check_project(a.dast, path, a.verbose)
        if problems:
            failed += 1
            print("FAIL %s" % name)
            for p in problems:
                print("     " + p.replace("\n", "\n     "))
        elif a.verbose:
            print("ok   %s" % name)
    print("%d/%d passed" % (total - failed, total))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
