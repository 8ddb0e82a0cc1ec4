#!/usr/bin/env python3
"""Generate a git repository for the prompt-store benchmark.

    gen_prompt_repo.py DIR FAMILIES VERSIONS COMMITS

FAMILIES prompt families of VERSIONS versions each (prompts/fNNNN/vX.Y.Z.txt),
added over COMMITS commits through `git fast-import`, then a last commit with
prompts.lock pinning every family's newest version, and a checkout.  Nothing
here is committed to the llmops repository: it is made at run time.
"""
import hashlib
import os
import subprocess
import sys


def main():
    root, nfam, nver, ncommits = sys.argv[1], *map(int, sys.argv[2:5])
    os.makedirs(root)
    subprocess.run(["git", "init", "-q", root], check=True)
    files = []  # (path, content) in the order they are added
    for v in range(nver):
        for f in range(nfam):
            files.append((f"prompts/f{f:04d}/v1.{v}.0.txt",
                          f"---\nmodel: gpt-4o-mini\nowner: team{f % 7}\n---\n"
                          f"Family {f} version {v}: summarise {{{{input}}}} for {{{{audience}}}}.\n"))
    per = max(1, -(-len(files) // ncommits))
    out = []
    t = 1700000000
    mark = 0
    for c in range(ncommits):
        chunk = files[c * per:(c + 1) * per]
        msg = f"commit {c}\n".encode()
        out.append(b"commit refs/heads/main\n")
        mark += 1
        out.append(f"mark :{mark}\n".encode())
        out.append(f"committer bench <bench@example.invalid> {t + c} +0000\n".encode())
        out.append(f"data {len(msg)}\n".encode() + msg)
        if c:
            out.append(f"from :{mark - 1}\n".encode())
        for path, content in chunk:
            data = content.encode()
            out.append(f"M 100644 inline {path}\n".encode())
            out.append(f"data {len(data)}\n".encode() + data + b"\n")
    # The lock: every family's newest version, pinned.
    head_marker = "0" * 40
    entries = []
    for f in range(nfam):
        path = f"prompts/f{f:04d}/v1.{nver - 1}.0.txt"
        data = (f"---\nmodel: gpt-4o-mini\nowner: team{f % 7}\n---\n"
                f"Family {f} version {nver - 1}: summarise {{{{input}}}} for {{{{audience}}}}.\n").encode()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        entries.append(f'    "f{f:04d}": {{\n      "version": "v1.{nver - 1}.0",\n'
                       f'      "path": "{path}",\n      "commit": "{head_marker}",\n'
                       f'      "blob": "{blob}",\n'
                       f'      "sha256": "{hashlib.sha256(data).hexdigest()}"\n    }}')
    lock = ('{\n  "lockfile_version": 1,\n  "prompts": {\n' + ",\n".join(entries) +
            "\n  }\n}\n").encode()
    msg = b"pin everything\n"
    mark += 1
    out.append(f"commit refs/heads/main\nmark :{mark}\n".encode())
    out.append(f"committer bench <bench@example.invalid> {t + ncommits} +0000\n".encode())
    out.append(f"data {len(msg)}\n".encode() + msg + f"from :{mark - 1}\n".encode())
    out.append(b"M 100644 inline prompts.lock\n" + f"data {len(lock)}\n".encode() + lock + b"\n")
    subprocess.run(["git", "-C", root, "fast-import", "--quiet"], input=b"".join(out),
                   check=True)
    subprocess.run(["git", "-C", root, "checkout", "-q", "-f", "main"], check=True)
    # As on a developer's machine, the files are older than the index: age
    # them and refresh it, so no entry is "racy" (which forces a re-hash).
    old = os.path.getmtime(os.path.join(root, ".git", "index")) - 60
    for d, _, names in os.walk(os.path.join(root, "prompts")):
        for n in names:
            os.utime(os.path.join(d, n), (old, old))
    subprocess.run(["git", "-C", root, "update-index", "-q", "--refresh"], check=True)


if __name__ == "__main__":
    main()
