#include "version.h"

#include "commit.h"
#include "config.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <stdio.h>

const char *llmops_version(void)
{
	return LLMOPS_VERSION_STRING;
}

const char *llmops_commit(void)
{
	return LLMOPS_COMMIT;
}

int llmops_dep_versions(struct llmops_dep_version *out, int n)
{
	static char git_version[32];
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	int major = 0, minor = 0, rev = 0, i = 0;

	git_libgit2_version(&major, &minor, &rev);
	snprintf(git_version, sizeof(git_version), "%d.%d.%d", major, minor, rev);
	const struct llmops_dep_version all[] = {
		{"libcurl", cv->version},
		{"SQLite", sqlite3_libversion()},
		{"libgit2", git_version},
		{"cJSON", cJSON_Version()},
		{"OpenSSL", OpenSSL_version(OPENSSL_VERSION_STRING)},
	};
	for (; i < n && i < (int)(sizeof(all) / sizeof(all[0])); i++)
		out[i] = all[i];
	return i;
}
