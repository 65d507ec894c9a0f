#!/usr/bin/env python3
"""Runs the shell examples of the docs ('$ command' lines in code blocks, each followed by
the output it shows) and compares what they print (stdout and stderr) with the text shown.
A '$ cat FILE' example whose FILE does not exist yet writes the lines shown into it first.
Runs in a fresh directory with corpora/ linked and lexkit on PATH (also as build/lexkit).
Usage: docs_examples.py LEXKIT SRC FILE.md..."""
import os
import re
import subprocess
import sys
import tempfile


def blocks(path):
    """(line number, command, expected output lines) for each example of a Markdown file."""
    out, fence, cur = [], False, None
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines, 1):
        if line.lstrip().startswith("```"):
            fence = not fence
            cur = None
            continue
        indent = len(line) - len(line.lstrip(" "))
        code = fence or indent >= 4
        if not code or not line.strip():
            cur = None
            continue
        m = re.match(r"\s*\$ (.*)", line)
        if m:
            cur = [i, m.group(1), [], indent]
            out.append(cur)
        elif cur is not None and indent >= cur[3]:
            cur[2].append(line[cur[3]:])
        else:
            cur = None
    return [(n, c, e) for n, c, e, _ in out]


def main():
    lexkit, src, files = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3:]
    failed = ran = 0
    for f in files:
        with tempfile.TemporaryDirectory() as tmp:
            os.symlink(os.path.join(src, "corpora"), os.path.join(tmp, "corpora"))
            os.makedirs(os.path.join(tmp, "build", "bin"))
            os.symlink(lexkit, os.path.join(tmp, "build", "lexkit"))
            os.symlink(lexkit, os.path.join(tmp, "build", "bin", "lexkit"))
            env = dict(os.environ, PATH=os.path.join(tmp, "build", "bin") + ":" + os.environ["PATH"])
            for n, cmd, expect in blocks(os.path.join(src, f)):
                cm = re.fullmatch(r"cat (\S+)", cmd)
                if cm and not os.path.exists(os.path.join(tmp, cm.group(1))):
                    with open(os.path.join(tmp, cm.group(1)), "w", encoding="utf-8") as fh:
                        fh.write("".join(e + "\n" for e in expect))
                cmd_run = re.sub(r"\s+#\s.*$", "", cmd)  # a trailing comment
                p = subprocess.run(["bash", "-c", cmd_run], cwd=tmp, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=120)
                got = p.stdout.decode("utf-8", "replace").rstrip("\n").split("\n")
                got = [g.rstrip() for g in got] if p.stdout else []
                want = [e.rstrip() for e in expect]
                ran += 1
                if got != want:
                    failed += 1
                    print(f"{f}:{n}: $ {cmd}\n  shown:\n" + "".join(f"    {w}\n" for w in want) +
                          "  printed:\n" + "".join(f"    {g}\n" for g in got))
    print(f"docs examples: {ran} run, {failed} differ")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
