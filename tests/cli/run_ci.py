#!/usr/bin/env python3
"""Run a CI file `llmops init --ci` wrote, job by job, against the repository
in the current directory, the way its CI service would (a test helper).

    run_ci.py github|gitlab FILE EVENT

EVENT is "push" (the default branch) or "pr" (a pull/merge request into
main).  GitHub: jobs in file order, each matrix entry in turn, steps run with
bash -eo pipefail; `uses:` steps are the service's own (checkout, artifacts,
SARIF upload: here the files are already in place), the step with id
"install", the job "llmops" and the apt-get steps build or install llmops,
which the tests have built (.ci/pipeline_install.py runs that build): all
are skipped.
${{ }} expressions are evaluated for what the files use.  GitLab: stages in
order, `parallel: N` as N runs with CI_NODE_INDEX/CI_NODE_TOTAL,
before_script (without the lines that install llmops; the job "llmops" that
builds it is skipped) and script in one
shell.  Prints "job NAME: ok|failed" a line each and every command's output;
exits 1 when a job failed.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml


def run(script, env, label):
    r = subprocess.run(["bash", "-eo", "pipefail", "-c", script], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(r.stdout)
    print("job %s: %s" % (label, "ok" if r.returncode == 0 else "failed (%d)" % r.returncode))
    return r.returncode == 0


def github(doc, event):
    tmp = tempfile.mkdtemp()
    summary = os.path.join(tmp, "summary.md")

    def expr(text, matrix):
        def one(m):
            e = m.group(1).strip()
            if e == "matrix.shard":
                return str(matrix)
            if e.startswith("secrets.") or e.startswith("vars."):
                return os.environ.get(e.split(".", 1)[1], "")
            if e == "github.base_ref || github.event.repository.default_branch":
                return "main"
            raise SystemExit("run_ci: an expression this helper does not know: " + e)
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text))

    def condition(cond, failed):
        if cond is None:
            return not failed
        if cond == "always()":
            return True
        if cond == "github.event_name == 'push'":
            return not failed and event == "push"
        raise SystemExit("run_ci: a condition this helper does not know: " + cond)

    ok_all = True
    for name, job in doc["jobs"].items():
        if name == "llmops":
            continue
        shards = job.get("strategy", {}).get("matrix", {}).get("shard", [None])
        for shard in shards:
            env = dict(os.environ)
            env.update({k: expr(v, shard) for k, v in doc.get("env", {}).items()})
            genv = os.path.join(tmp, "env-%s-%s" % (name, shard))
            open(genv, "w").close()
            env.update(GITHUB_ENV=genv, GITHUB_STEP_SUMMARY=summary, RUNNER_TEMP=tmp,
                       GITHUB_EVENT_NAME="push" if event == "push" else "pull_request")
            failed = False
            for step in job["steps"]:
                if "uses" in step or step.get("id") == "install" or "apt-get" in step["run"]:
                    continue
                if not condition(step.get("if"), failed):
                    continue
                senv = dict(env)
                for line in open(genv):
                    if "=" in line:
                        k, v = line.rstrip("\n").split("=", 1)
                        senv[k] = v
                senv.update({k: expr(v, shard) for k, v in step.get("env", {}).items()})
                label = "%s%s / %s" % (name, "" if shard is None else "[%s]" % shard,
                                       expr(step.get("name", "run"), shard))
                if not run(expr(step["run"], shard), senv, label):
                    failed = True
            ok_all = ok_all and not failed
    print("summary:", open(summary).read() if os.path.exists(summary) else "")
    return ok_all


INSTALL = re.compile(r"apt-get|\.llmops/tool")


def gitlab(doc, event):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in doc.get("variables", {}).items()})
    env.update(CI_DEFAULT_BRANCH="main")
    if event == "push":
        env.update(CI_COMMIT_BRANCH="main", CI_PIPELINE_SOURCE="push")
    else:
        env.update(CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main",
                   CI_PIPELINE_SOURCE="merge_request_event", CI_MERGE_REQUEST_IID="1")
    before = [l for l in doc["default"]["before_script"] if not INSTALL.search(l)]
    reserved = {"workflow", "stages", "variables", "default"}
    jobs = [(n, j) for n, j in doc.items() if n not in reserved and n != "llmops"]
    failed = False
    for stage in doc["stages"]:
        stage_failed = False
        for name, job in jobs:
            if job["stage"] != stage or (failed and job.get("when") != "always"):
                continue
            n = int(job.get("parallel", 1))
            for i in range(1, n + 1):
                jenv = dict(env)
                if "parallel" in job:
                    jenv.update(CI_NODE_INDEX=str(i), CI_NODE_TOTAL=str(n))
                script = "\n".join(before + list(job["script"]))
                if not run(script, jenv, "%s%s" % (name, " %d/%d" % (i, n) if n > 1 else "")):
                    stage_failed = True
        failed = failed or stage_failed
    return not failed


def main():
    kind, path, event = sys.argv[1], sys.argv[2], sys.argv[3]
    doc = yaml.safe_load(open(path))
    ok = github(doc, event) if kind == "github" else gitlab(doc, event)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
