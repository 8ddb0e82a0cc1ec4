#!/usr/bin/env python3
"""Run the build step of the pipelines `llmops init --ci` writes, as their
services would, into scratch prefixes: a recipe that cannot build llmops
fails CI (.ci/run calls this).

    pipeline_install.py LLMOPS SOURCE_REPO SCRATCH

LLMOPS is the binary that writes the files (its commit is what they pin);
SOURCE_REPO is the clone it was built from, given to the recipe as
LLMOPS_GIT (file://).  For each service: the files are written into a fresh
git repository, the build script is taken from them (GitHub: the step "build"
of .github/actions/install-llmops/action.yml; GitLab: the job "llmops") and
run with bash and the environment the file sets; the installed llmops must
name the pinned commit, list the packages it runs with, and a second run of
the script must find it built (what a cache hit does).  The packages the
recipe installs must provide every pkg-config dependency of meson.build.
"""
import os
import re
import subprocess
import sys

import yaml


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def main():
    llmops, source, scratch = (os.path.abspath(a) for a in sys.argv[1:4])
    os.makedirs(scratch, exist_ok=True)
    proj = os.path.join(scratch, "project")
    sh(["git", "init", "-q", proj])
    sh([llmops, "-C", proj, "init", "--ci", "github"])
    sh([llmops, "-C", proj, "init", "--ci", "gitlab"])
    action = yaml.safe_load(open(os.path.join(proj, ".github/actions/install-llmops/action.yml")))
    workflow = yaml.safe_load(open(os.path.join(proj, ".github/workflows/llmops.yml")))
    gitlab = yaml.safe_load(open(os.path.join(proj, ".gitlab-ci.yml")))
    build = [s for s in action["runs"]["steps"] if s.get("id") == "build"][0]
    recipes = [
        ("github", build["run"], workflow["env"]["LLMOPS_REF"], dict(build["env"])),
        ("gitlab", "\n".join(gitlab["llmops"]["script"]), gitlab["variables"]["LLMOPS_REF"],
         dict(gitlab["llmops"]["variables"])),
    ]
    failed = False
    for name, script, ref, env_file in recipes:
        home = os.path.join(scratch, name)
        os.makedirs(home, exist_ok=True)
        env = dict(os.environ, LLMOPS_GIT="file://" + source, LLMOPS_REF=str(ref),
                   CI_PROJECT_DIR=home, HOME=home)
        for k, v in env_file.items():
            env[k] = os.path.expandvars(str(v).replace("$CI_PROJECT_DIR", home))
        # the GitHub recipe installs into /opt/llmops: here into the scratch directory
        if env["LLMOPS_PREFIX"].startswith("/opt/"):
            env["LLMOPS_PREFIX"] = os.path.join(home, "opt-llmops")
        prefix = env["LLMOPS_PREFIX"]
        r = subprocess.run(["bash", "-c", script], env=env, text=True, capture_output=True,
                           cwd=home)
        if r.returncode:
            print(r.stdout + r.stderr)
            print("pipeline-install: %s: the recipe's build step fails (%d)" % (name, r.returncode))
            failed = True
            continue
        version = sh([os.path.join(prefix, "bin", "llmops"), "--version"]).splitlines()[0]
        pkgs = open(os.path.join(prefix, "runtime-packages")).read().split()
        again = subprocess.run(["bash", "-c", script], env=env, text=True, capture_output=True)
        checks = [
            ("the installed llmops names the pinned commit %s" % ref, str(ref) in version),
            ("it lists the packages it runs with", "libgit2-1.5" in pkgs and "libcurl4" in pkgs),
            ("a second run finds it built (a cache hit)",
             again.returncode == 0 and "built already" in again.stdout),
            ("its man pages are installed",
             os.path.exists(os.path.join(prefix, "share/man/man1/llmops-eval.1"))),
        ]
        for what, ok in checks:
            print("pipeline-install: %s: %s: %s" % (name, what, "ok" if ok else "FAILED"))
            failed = failed or not ok
    # every pkg-config dependency of the build is in a package the recipe installs
    line = re.search(r"apt-get install -y -qq --no-install-recommends ([^\n]*)",
                     recipes[0][1]).group(1).split()
    meson = open(os.path.join(source, "meson.build")).read()
    for dep in sorted(set(re.findall(r"dependency\('([^']+)'", meson)) - {"threads", "cmocka"}):
        pc = sh(["pkg-config", "--variable=pcfiledir", dep]).strip() + "/" + dep + ".pc"
        owner = subprocess.run(["dpkg", "-S", pc], text=True, capture_output=True).stdout
        owner = owner.split(":")[0] if owner else "?"
        ok = owner in line
        print("pipeline-install: pkg-config %s comes from %s: %s" % (dep, owner,
              "in the recipe" if ok else "NOT in the recipe"))
        failed = failed or not ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
