/*
 * bench_floor - the start-up floor for llmops: a program that links the
 * same libraries and does nothing but ask each for its version.  Dynamic
 * loading of Debian's libcurl (gnutls, OpenSSL, libssh2, krb5, ldap: about
 * 40 shared objects) dominates it; `llmops --version` cannot start faster.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <git2.h>
#include <openssl/crypto.h>
#include <sqlite3.h>

int main(void)
{
	int a, b, c;

	git_libgit2_version(&a, &b, &c);
	return !(curl_version_info(CURLVERSION_NOW) && sqlite3_libversion() && cJSON_Version() &&
		 OpenSSL_version(OPENSSL_VERSION_STRING));
}
