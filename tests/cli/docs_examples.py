#!/usr/bin/env python3
"""Runs the shell examples of the docs ('$ command' lines in code blocks, each followed by
the output it shows) and compares what they print (stdout and stderr) with the text shown.
A '$ cat FILE' example whose FILE does not exist yet writes the lines shown into it first.
Runs in a fresh directory with corpora/ linked and lexkit on PATH (also as build/lexkit).
Usage: docs_examples.py LEXKIT SRC [--setup CMD] [--server CMD] [--mask REGEX] FILE.md...
--setup: a shell command run first in the directory; --server: a `lexkit serve ... --listen
127.0.0.1:PORT` command started after it, whose PORT in the examples becomes the port it
really listens on (it is started with port 0) and which is stopped at the end; --mask: text
matching REGEX (e.g. a time) is replaced by '…' in both the shown and the printed output."""
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


def start_server(cmd, tmp, env):
    """(process, the port of `cmd`'s --listen 127.0.0.1:PORT, the port it listens on)."""
    m = re.search(r"--listen 127\.0\.0\.1:(\d+)", cmd)
    proc = subprocess.Popen(["bash", "-c", "exec " + cmd.replace(m.group(0), "--listen 127.0.0.1:0")],
                            cwd=tmp, env=env, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        got = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
        if got:
            return proc, m.group(1), got.group(1)
    raise SystemExit("server did not start: " + cmd)


def main():
    args = sys.argv[1:]
    lexkit, src = os.path.abspath(args.pop(0)), os.path.abspath(args.pop(0))
    setup = server = mask = None
    while args and args[0] in ("--setup", "--server", "--mask"):
        opt, val = args.pop(0), args.pop(0)
        setup, server, mask = (val if opt == "--setup" else setup, val if opt == "--server" else server,
                               val if opt == "--mask" else mask)
    files = args
    failed = ran = 0
    for f in files:
        with tempfile.TemporaryDirectory() as tmp:
            os.symlink(os.path.join(src, "corpora"), os.path.join(tmp, "corpora"))
            os.makedirs(os.path.join(tmp, "build", "bin"))
            os.symlink(lexkit, os.path.join(tmp, "build", "lexkit"))
            os.symlink(lexkit, os.path.join(tmp, "build", "bin", "lexkit"))
            env = dict(os.environ, PATH=os.path.join(tmp, "build", "bin") + ":" + os.environ["PATH"])
            if setup:
                subprocess.run(["bash", "-c", setup], cwd=tmp, env=env, check=True)
            proc = None
            if server:
                proc, port, real = start_server(server, tmp, env)
            try:
                r, d = run_file(f, src, tmp, env, (port, real) if proc else None, mask)
            finally:
                if proc:
                    proc.terminate()
                    proc.wait(timeout=30)
            ran, failed = ran + r, failed + d
    print(f"docs examples: {ran} run, {failed} differ")
    return 1 if failed else 0


def run_file(f, src, tmp, env, ports, mask):
    """Runs the examples of f; (examples run, examples whose output differs)."""
    ran = failed = 0
    for n, cmd, expect in blocks(os.path.join(src, f)):
        cm = re.fullmatch(r"cat (\S+)", cmd)
        if cm and not os.path.exists(os.path.join(tmp, cm.group(1))):
            with open(os.path.join(tmp, cm.group(1)), "w", encoding="utf-8") as fh:
                fh.write("".join(e + "\n" for e in expect))
        cmd_run = re.sub(r"\s+#\s.*$", "", cmd)  # a trailing comment
        if ports:
            cmd_run = cmd_run.replace("127.0.0.1:" + ports[0], "127.0.0.1:" + ports[1])
        p = subprocess.run(["bash", "-c", cmd_run], cwd=tmp, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
        got = p.stdout.decode("utf-8", "replace").rstrip("\n").split("\n")
        got = [g.rstrip() for g in got] if p.stdout else []
        want = [e.rstrip() for e in expect]
        if mask:
            got, want = ([re.sub(mask, "…", x) for x in v] for v in (got, want))
        ran += 1
        if got != want:
            failed += 1
            print(f"{f}:{n}: $ {cmd}\n  shown:\n" + "".join(f"    {w}\n" for w in want) +
                  "  printed:\n" + "".join(f"    {g}\n" for g in got))
    return ran, failed


if __name__ == "__main__":
    sys.exit(main())
