/*
 * promptref.h - naming prompts: family names, versions, NAME@VERSION
 * references and the paths of version files (prompts/NAME/vX.Y.Z.ext).
 *
 * A name is one or more '/'-separated segments of [a-z0-9][a-z0-9_-]*,
 * so it can never be absolute, contain "..", or leave prompts/.  A version
 * is exactly vMAJOR.MINOR.PATCH with no leading zeros; "latest" and
 * ranges are not versions (what runs must be reproducible).
 */
#ifndef LLMOPS_PROMPTREF_H
#define LLMOPS_PROMPTREF_H

#include "error.h"

#include <stddef.h>

#define LLMOPS_PROMPTS_DIR  "prompts"
#define LLMOPS_PARTIALS_DIR "prompts/_partials"
#define LLMOPS_LOCK_FILE    "prompts.lock"
#define LLMOPS_NAME_MAX	    200
/* The first segment of the names of judge rubrics (prompts/_judges/NAME/vX.Y.Z.txt). */
#define LLMOPS_JUDGES_DIR "_judges"

struct llmops_semver {
	unsigned long major, minor, patch;
};

/*
 * Check a prompt family name; on failure err says what is wrong and how
 * to write it.  `what` names the thing in the message ("prompt name").
 * Errors: LLMOPS_E_USAGE.
 */
int llmops_prompt_name_check(const char *name, const char *what, struct llmops_err *err);

/*
 * Parse "vMAJOR.MINOR.PATCH" (the whole of s[0..len)).  Returns 0 and
 * fills v, or -1.  llmops_version_check() is the same with a message that
 * names s and, for "latest", says why it is refused (LLMOPS_E_USAGE).
 */
int llmops_semver_parse(const char *s, size_t len, struct llmops_semver *v);
int llmops_version_check(const char *s, struct llmops_semver *v, struct llmops_err *err);
/*
 * A version as an application's tags may name it (production logs): a
 * release version, or any [A-Za-z0-9][A-Za-z0-9._+-]* of at most 64 bytes
 * ("v1", "2026-11-rc2"), never a path.  0 when s is one, else -1.
 */
int llmops_version_tag_check(const char *s);
/* <0, 0, >0 as a orders before, equal to or after b. */
int llmops_semver_cmp(const struct llmops_semver *a, const struct llmops_semver *b);
/* Write "vX.Y.Z" into out (at least 64 bytes). */
void llmops_semver_format(const struct llmops_semver *v, char *out, size_t n);

/*
 * A reference from the command line: "NAME", "NAME@VERSION", "VERSION"
 * (when allow_bare_version and it starts with 'v' and a digit), and with
 * allow_range "NAME@A..B".  Fields point into the struct's own storage.
 */
struct llmops_promptref {
	char name[LLMOPS_NAME_MAX + 1]; /* "" when only a version was given */
	char version[64];		/* "" when none was given */
	char version2[64];		/* the B of A..B, else "" */
	char buf[LLMOPS_NAME_MAX + 1];	/* scratch */
};
int llmops_promptref_parse(struct llmops_promptref *ref, const char *arg, int allow_bare_version,
			   int allow_range, struct llmops_err *err);

/*
 * Split a repository path "prompts/NAME/vX.Y.Z.txt" (or .json) into the
 * name (written to name, at least LLMOPS_NAME_MAX+1 bytes), the version
 * and the extension (without the dot).  Returns 0 for a version file,
 * -1 for any other path (partials, stray files, bad names).
 */
int llmops_version_path_split(const char *path, char *name, struct llmops_semver *v,
			      const char **ext);

/*
 * The one rule by which eval, cost and lint pair a dataset with a prompt
 * family: the dataset at path (relative to the project root) belongs to
 * name when it is evals/NAME.EXT (NAME nested or not: evals/support/reply.json
 * for support/reply), or NAME.EXT anywhere for a one-segment NAME.
 */
int llmops_dataset_pairs(const char *path, const char *name);

#endif
