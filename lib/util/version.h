/*
 * version.h - the version of llmops and of the libraries it runs with.
 */
#ifndef LLMOPS_VERSION_H
#define LLMOPS_VERSION_H

/* llmops's own version (static string). */
const char *llmops_version(void);

/*
 * The commit llmops was built from (static string): 40 hex digits, with
 * "-dirty" when the tree had uncommitted changes, or "unknown" for a build
 * outside git without the .dist-commit file of `meson dist`.
 */
const char *llmops_commit(void);

struct llmops_dep_version {
	const char *name;    /* "libcurl", "SQLite", ... (static) */
	const char *version; /* as reported at run time (static or lib-owned) */
};

/*
 * Versions of the libraries linked at run time (not at build time), in
 * a fixed order.  Returns the number of entries written to out (at most n).
 * The strings are static or owned by the libraries; never free them.
 */
int llmops_dep_versions(struct llmops_dep_version *out, int n);

#endif
