/*
 * scaffold_ci.c - the merge gate as a CI pipeline (`llmops init --ci
 * github|gitlab`): llmops built once per pipeline at the commit that wrote
 * the files (LLMOPS_REF, kept in the service's cache), lint as SARIF, prompt
 * verify and cost against the target branch, eval in shards compared with the
 * target branch's runs (ledger fetch, authenticated with the token the runner
 * gives), the shards merged and every dataset's run reported, ledger push on
 * the default branch.  Both services run in debian:12, so the packages named
 * are Debian 12's.  The CLI test t0037 runs every command of both files in
 * order against a local repository, shards included; .ci/run runs the build
 * step of both into a scratch prefix.
 */
#include "scaffold.h"

#include "buf.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

/*
 * The build, the same script in both services: LLMOPS_GIT at LLMOPS_REF
 * (a tag or a full commit), built for release without the tests, installed
 * into LLMOPS_PREFIX with the list of the packages holding the shared
 * libraries it runs with (what a job that only runs it installs).  Does
 * nothing when the prefix already holds that ref (restored from a cache).
 */
#define BUILD_SCRIPT(I)                                                                        \
	I "set -eu\n"                                                                          \
	I "prefix=\"${LLMOPS_PREFIX:?}\"\n"                                                      \
	I "if [ -x \"$prefix/bin/llmops\" ] && [ \"$(cat \"$prefix/ref\" 2>/dev/null)\" = "       \
	  "\"$LLMOPS_REF\" ]; then\n"                                                            \
	I "  echo \"llmops $LLMOPS_REF: built already\"; exit 0\n"                                \
	I "fi\n"                                                                               \
	I "apt-get update -qq\n"                                                               \
	I "apt-get install -y -qq --no-install-recommends " BUILD_PACKAGES "\n"                  \
	I "src=$(mktemp -d)\n"                                                                 \
	I "git -C \"$src\" init -q\n"                                                           \
	I "git -C \"$src\" fetch -q --depth 1 \"${LLMOPS_GIT:?set LLMOPS_GIT: the git URL of the "   \
	  "llmops source}\" \"$LLMOPS_REF\"\n"                                                 \
	I "git -C \"$src\" -c advice.detachedHead=false checkout -q FETCH_HEAD\n"               \
	I "meson setup --buildtype=release -Dtests=disabled --prefix=\"$prefix\" "                \
	  "\"$src/build\" \"$src\" >/dev/null\n"                                                 \
	I "meson install -C \"$src/build\" --quiet\n"                                           \
	I "for lib in $(ldd \"$prefix/bin/llmops\" | awk '$3 ~ /^\\// {print $3}'); do\n"          \
	I "  dpkg -S \"$lib\" 2>/dev/null || dpkg -S \"$(readlink -f \"$lib\")\" 2>/dev/null || "  \
	  "dpkg -S \"${lib#/usr}\"\n"                                                            \
	I "done | cut -d: -f1 | sort -u >\"$prefix/runtime-packages\"\n"                         \
	I "echo \"$LLMOPS_REF\" >\"$prefix/ref\"\n"                                              \
	I "rm -rf \"$src\"\n"                                                                    \
	I "\"$prefix/bin/llmops\" --version\n"

/* Exactly what the release build needs on Debian 12 (no cmocka: -Dtests=disabled). */
#define BUILD_PACKAGES                                                                         \
	"git ca-certificates meson ninja-build pkg-config gcc libc6-dev libcurl4-openssl-dev "  \
	"libcjson-dev libgit2-dev libsqlite3-dev libssl-dev libutf8proc-dev libpcre2-dev"

/* The steps every GitHub job of the workflow starts with: a Debian 12 container,
   git for the checkout, the whole history (for --base and --baseline), llmops. */
#define GH_RUNNER \
	"    runs-on: ubuntu-latest\n" \
	"    container: debian:12\n"
#define GH_CHECKOUT \
	"      - name: git, for the checkout\n" \
	"        run: apt-get update -qq && apt-get install -y -qq --no-install-recommends git ca-certificates\n" \
	"      - uses: actions/checkout@v4\n"
#define GH_FULL_HISTORY \
	"        with:\n" \
	"          fetch-depth: 0\n"
#define GH_INSTALL \
	"      - id: install\n" \
	"        uses: ./.github/actions/install-llmops\n"

static const char github[] =
	"# The llmops merge gate, written by `llmops init --ci github` (see llmops-init(1)).\n"
	"#\n"
	"# On a pull request: lint the prompts (SARIF, uploaded to code scanning when\n"
	"# the repository has it), check the pinned versions against the target\n"
	"# branch, put the cost change in the job summary, evaluate every dataset\n"
	"# under evals/ in 4 shards, each compared with the target branch's runs\n"
	"# (which `llmops ledger fetch` brings, authenticated by the token\n"
	"# actions/checkout configured), merge the shards into one run per dataset,\n"
	"# and report each.  On the default branch the same, then `llmops ledger\n"
	"# push`, so that pull requests have runs to compare with.\n"
	"#\n"
	"# llmops is built once (the job \"llmops\"), at LLMOPS_REF below, and kept in\n"
	"# the Actions cache under that ref: change LLMOPS_REF (a tag or a full commit)\n"
	"# to upgrade.  Set once in the repository's settings: the variable LLMOPS_GIT\n"
	"# (the git URL of llmops's source) and the secrets your providers read.\n"
	"name: llmops\n"
	"on:\n"
	"  pull_request:\n"
	"  push:\n"
	"    branches: [main, master]\n"
	"permissions:\n"
	"  contents: write\n"
	"  security-events: write\n"
	"env:\n"
	"  LLMOPS_REF: @LLMOPS_REF@\n"
	"  LLMOPS_GIT: ${{ vars.LLMOPS_GIT }}\n"
	"  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n"
	"  ANTHROPIC_API_KEY: ${{ secrets.ANTHROPIC_API_KEY }}\n"
	"  SHARDS: \"4\"\n"
	"  BASE: ${{ github.base_ref || github.event.repository.default_branch }}\n"
	"jobs:\n"
	"  llmops:\n"
	GH_RUNNER
	"    steps:\n"
	GH_CHECKOUT GH_INSTALL
	"  check:\n"
	"    needs: llmops\n"
	GH_RUNNER
	"    steps:\n"
	GH_CHECKOUT GH_FULL_HISTORY GH_INSTALL
	"      - name: Lint the prompts\n"
	"        run: llmops lint --format sarif > llmops.sarif || echo \"LLMOPS_LINT_FAILED=1\" >> \"$GITHUB_ENV\"\n"
	"      - name: Upload the findings to code scanning\n"
	"        if: always()\n"
	"        continue-on-error: true  # a repository without code scanning refuses it\n"
	"        uses: github/codeql-action/upload-sarif@v3\n"
	"        with:\n"
	"          sarif_file: llmops.sarif\n"
	"          category: llmops\n"
	"      - name: Pinned versions unchanged since the target branch\n"
	"        run: llmops prompt verify --base \"origin/$BASE\"\n"
	"      - name: Cost against the target branch\n"
	"        run: llmops cost --base \"origin/$BASE\" --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n"
	"      - name: The lint gate\n"
	"        run: test -z \"${LLMOPS_LINT_FAILED:-}\"\n"
	"  eval:\n"
	"    needs: llmops\n"
	GH_RUNNER
	"    strategy:\n"
	"      fail-fast: false\n"
	"      matrix:\n"
	"        shard: [1, 2, 3, 4]\n"
	"    steps:\n"
	GH_CHECKOUT GH_FULL_HISTORY GH_INSTALL
	"      - name: Evaluate shard ${{ matrix.shard }} against the target branch's runs\n"
	"        env:\n"
	"          SHARD: ${{ matrix.shard }}\n"
	"        run: |\n"
	"          status=0\n"
	"          for dataset in evals/*.json evals/*.jsonl evals/*.csv; do\n"
	"            [ -e \"$dataset\" ] || continue\n"
	"            llmops --ledger \"shard-$SHARD.db\" eval --dataset \"$dataset\" --shard \"$SHARD/$SHARDS\" \\\n"
	"              --baseline \"origin/$BASE\" --baseline-missing-ok --fail-on-regression --no-progress || status=1\n"
	"          done\n"
	"          exit $status\n"
	"      - uses: actions/upload-artifact@v4\n"
	"        if: always()\n"
	"        with:\n"
	"          name: llmops-shard-${{ matrix.shard }}\n"
	"          path: shard-${{ matrix.shard }}.db\n"
	"  merge:\n"
	"    needs: eval\n"
	"    if: always()\n"
	GH_RUNNER
	"    steps:\n"
	GH_CHECKOUT GH_FULL_HISTORY GH_INSTALL
	"      - uses: actions/download-artifact@v4\n"
	"        with:\n"
	"          pattern: llmops-shard-*\n"
	"          merge-multiple: true\n"
	"      - name: One run per dataset from the shards, and a report of each\n"
	"        run: |\n"
	"          llmops ledger fetch origin\n"
	"          llmops ledger merge shard-*.db\n"
	"          for dataset in evals/*.json evals/*.jsonl evals/*.csv; do\n"
	"            [ -e \"$dataset\" ] || continue\n"
	"            name=$(basename \"$dataset\")\n"
	"            llmops report --dataset \"$dataset\" -o \"llmops-report-${name%.*}.html\"\n"
	"            { echo '```'; llmops show --dataset \"$dataset\" --failed; echo '```'; } >> \"$GITHUB_STEP_SUMMARY\"\n"
	"          done\n"
	"      - uses: actions/upload-artifact@v4\n"
	"        with:\n"
	"          name: llmops-report\n"
	"          path: llmops-report-*.html\n"
	"      - name: Keep the runs with the repository\n"
	"        if: github.event_name == 'push'\n"
	"        env:\n"
	"          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n"
	"        run: |\n"
	"          git config --global credential.helper '!f() { echo username=x-access-token; echo \"password=$GITHUB_TOKEN\"; }; f'\n"
	"          llmops ledger push origin\n";

static const char github_install[] =
	"# Build llmops once per LLMOPS_REF and put it on PATH (written by `llmops init --ci github`).\n"
	"name: Install llmops\n"
	"description: llmops at LLMOPS_REF from LLMOPS_GIT, built once and then restored from the cache.\n"
	"runs:\n"
	"  using: composite\n"
	"  steps:\n"
	"    - uses: actions/cache@v4\n"
	"      with:\n"
	"        path: /opt/llmops\n"
	"        key: llmops-${{ env.LLMOPS_REF }}-debian-12-${{ runner.arch }}\n"
	"    - id: build\n"
	"      name: Build llmops (skipped when the cache had it)\n"
	"      shell: bash\n"
	"      env:\n"
	"        LLMOPS_PREFIX: /opt/llmops\n"
	"      run: |\n"
	BUILD_SCRIPT("        ")
	"    - name: Its shared libraries, and llmops on PATH\n"
	"      shell: bash\n"
	"      run: |\n"
	"        apt-get install -y -qq --no-install-recommends $(cat /opt/llmops/runtime-packages)\n"
	"        echo /opt/llmops/bin >> \"$GITHUB_PATH\"\n";

static const char gitlab[] =
	"# The llmops merge gate, written by `llmops init --ci gitlab` (see llmops-init(1)).\n"
	"#\n"
	"# In a merge request: lint the prompts (SARIF kept as an artifact), check the\n"
	"# pinned versions against the target branch, post the cost change as a\n"
	"# merge-request note (with LLMOPS_NOTE_TOKEN), evaluate every dataset under\n"
	"# evals/ in 4 parallel shards, each compared with the target branch's runs\n"
	"# (which `llmops ledger fetch` brings, authenticated with the job's\n"
	"# CI_JOB_TOKEN), merge the shards into one run per dataset and report each.\n"
	"# On the default branch the same, then `llmops ledger push`, so that merge\n"
	"# requests have runs to compare with.\n"
	"#\n"
	"# llmops is built once per pipeline (the job \"llmops\"), at LLMOPS_REF below,\n"
	"# kept in the cache under that ref and handed to the other jobs as an\n"
	"# artifact: change LLMOPS_REF (a tag or a full commit) to upgrade.  Set once\n"
	"# as CI/CD variables: LLMOPS_GIT (the git URL of llmops's source),\n"
	"# LLMOPS_PUSH_TOKEN (a project access token with write_repository, for the\n"
	"# push), optionally LLMOPS_NOTE_TOKEN (api scope, for the note), and the keys\n"
	"# your providers read (OPENAI_API_KEY, ...), masked.\n"
	"workflow:\n"
	"  rules:\n"
	"    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n"
	"    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n"
	"stages: [build, check, eval, report]\n"
	"variables:\n"
	"  LLMOPS_REF: @LLMOPS_REF@\n"
	"  SHARDS: \"4\"\n"
	"  GIT_DEPTH: \"0\"\n"
	"default:\n"
	"  image: debian:12\n"
	"  before_script:\n"
	"    - apt-get update -qq\n"
	"    - apt-get install -y -qq --no-install-recommends git ca-certificates curl $(cat .llmops/tool/runtime-packages)\n"
	"    - export PATH=\"$CI_PROJECT_DIR/.llmops/tool/bin:$PATH\"\n"
	"    - git config --global credential.helper '!f() { echo username=gitlab-ci-token; echo \"password=$CI_JOB_TOKEN\"; }; f'\n"
	"    - export BASE=\"${CI_MERGE_REQUEST_TARGET_BRANCH_NAME:-$CI_DEFAULT_BRANCH}\"\n"
	"    - git fetch -q origin \"+refs/heads/$BASE:refs/remotes/origin/$BASE\"\n"
	"llmops:\n"
	"  stage: build\n"
	"  variables:\n"
	"    LLMOPS_PREFIX: $CI_PROJECT_DIR/.llmops/tool\n"
	"  cache:\n"
	"    key: llmops-$LLMOPS_REF-debian-12\n"
	"    paths: [.llmops/tool/]\n"
	"  before_script: []\n"
	"  script:\n"
	"    - |\n"
	BUILD_SCRIPT("      ")
	"  artifacts:\n"
	"    paths: [.llmops/tool/]\n"
	"    expire_in: 1 day\n"
	"lint:\n"
	"  stage: check\n"
	"  script:\n"
	"    - llmops lint --format sarif > gl-llmops.sarif\n"
	"  artifacts:\n"
	"    when: always\n"
	"    paths: [gl-llmops.sarif]\n"
	"verify:\n"
	"  stage: check\n"
	"  script:\n"
	"    - llmops prompt verify --base \"origin/$BASE\"\n"
	"cost:\n"
	"  stage: check\n"
	"  script:\n"
	"    - llmops cost --base \"origin/$BASE\" --format markdown > llmops-cost.md\n"
	"    - cat llmops-cost.md\n"
	"    - |\n"
	"      if [ -n \"${LLMOPS_NOTE_TOKEN:-}\" ] && [ -n \"${CI_MERGE_REQUEST_IID:-}\" ]; then\n"
	"        curl -sS --fail -X POST -H \"PRIVATE-TOKEN: $LLMOPS_NOTE_TOKEN\" --data-urlencode \"body@llmops-cost.md\" \\\n"
	"          \"$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes\" >/dev/null\n"
	"      fi\n"
	"  artifacts:\n"
	"    paths: [llmops-cost.md]\n"
	"eval:\n"
	"  stage: eval\n"
	"  parallel: 4\n"
	"  script:\n"
	"    - |\n"
	"      status=0\n"
	"      for dataset in evals/*.json evals/*.jsonl evals/*.csv; do\n"
	"        [ -e \"$dataset\" ] || continue\n"
	"        llmops --ledger \"shard-$CI_NODE_INDEX.db\" eval --dataset \"$dataset\" --shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\" \\\n"
	"          --baseline \"origin/$BASE\" --baseline-missing-ok --fail-on-regression --no-progress || status=1\n"
	"      done\n"
	"      exit $status\n"
	"  artifacts:\n"
	"    when: always\n"
	"    paths: [shard-*.db]\n"
	"report:\n"
	"  stage: report\n"
	"  when: always\n"
	"  script:\n"
	"    - llmops ledger fetch origin\n"
	"    - llmops ledger merge shard-*.db\n"
	"    - |\n"
	"      for dataset in evals/*.json evals/*.jsonl evals/*.csv; do\n"
	"        [ -e \"$dataset\" ] || continue\n"
	"        name=$(basename \"$dataset\")\n"
	"        llmops report --dataset \"$dataset\" -o \"llmops-report-${name%.*}.html\"\n"
	"        llmops show --dataset \"$dataset\" --failed\n"
	"      done\n"
	"    - |\n"
	"      if [ \"${CI_COMMIT_BRANCH:-}\" = \"$CI_DEFAULT_BRANCH\" ]; then\n"
	"        git config --global credential.helper '!f() { echo username=oauth2; echo \"password=$LLMOPS_PUSH_TOKEN\"; }; f'\n"
	"        llmops ledger push \"$CI_SERVER_URL/$CI_PROJECT_PATH.git\"\n"
	"      fi\n"
	"  artifacts:\n"
	"    when: always\n"
	"    paths: [llmops-report-*.html]\n";

/* The ref the files pin: the commit this llmops was built from, else its version's tag. */
static void pinned_ref(char *out, size_t n)
{
	const char *c = llmops_commit();
	size_t hex = strspn(c, "0123456789abcdef");
	if (hex == 40)
		snprintf(out, n, "%.40s", c);
	else
		snprintf(out, n, "v%s", llmops_version());
}

/* One pipeline file, with @LLMOPS_REF@ replaced by the ref. */
static int write_pinned(const char *root, const char *rel, const char *text,
			struct llmops_scaffold_report *rep, struct llmops_err *err)
{
	struct llmops_buf b = LLMOPS_BUF_INIT;
	const char *mark = "@LLMOPS_REF@", *at;
	char ref[64];
	int rc;

	pinned_ref(ref, sizeof(ref));
	while ((at = strstr(text, mark))) {
		llmops_buf_add(&b, text, (size_t)(at - text));
		llmops_buf_adds(&b, ref);
		text = at + strlen(mark);
	}
	llmops_buf_adds(&b, text);
	rc = b.data ? llmops_scaffold_file(root, rel, b.data, rep, err)
		    : llmops_err_set(err, LLMOPS_E_NOMEM, "out of memory");
	llmops_buf_release(&b);
	return rc;
}

int llmops_scaffold_ci(const char *root, const char *kind, struct llmops_scaffold_report *rep,
		       struct llmops_err *err)
{
	int rc;
	if (!strcmp(kind, "github")) {
		if ((rc = llmops_scaffold_dir(root, ".github", rep, err)) ||
		    (rc = llmops_scaffold_dir(root, ".github/workflows", rep, err)) ||
		    (rc = llmops_scaffold_dir(root, ".github/actions", rep, err)) ||
		    (rc = llmops_scaffold_dir(root, ".github/actions/install-llmops", rep, err)) ||
		    (rc = llmops_scaffold_file(root, ".github/actions/install-llmops/action.yml",
					       github_install, rep, err)))
			return rc;
		return write_pinned(root, ".github/workflows/llmops.yml", github, rep, err);
	}
	if (!strcmp(kind, "gitlab"))
		return write_pinned(root, ".gitlab-ci.yml", gitlab, rep, err);
	return llmops_err_set(err, LLMOPS_E_USAGE, "init --ci: no pipeline for '%s'; github or gitlab",
			      kind);
}
