/*
 * test_template.c - lib/template against the mustache specification's own
 * tests (tests/fixtures/mustache-spec), plus llmops's additions: errors with
 * positions, variable listing, self-including partials, missing names.
 */
#include "testutil.h"

#include "buf.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *fixture_dir(void)
{
	static char dir[4096];
	const char *root = getenv("LLMOPS_SOURCE_ROOT");

	snprintf(dir, sizeof(dir), "%s/tests/fixtures/mustache-spec", root ? root : "..");
	return dir;
}

/* Partials from a spec test's "partials" object. */
static int spec_partial(void *ud, const char *name, struct llmops_buf *src,
			struct llmops_buf *label, struct llmops_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive((const cJSON *)ud, name);

	(void)err;
	if (!cJSON_IsString(v))
		return LLMOPS_E_NOTFOUND;
	llmops_buf_adds(src, v->valuestring);
	llmops_buf_addf(label, "partial %s", name);
	return LLMOPS_OK;
}

/* The spec's expected text with HTML escaping undone (llmops escapes nothing). */
static char *unescape_html(const char *s)
{
	static const struct {
		const char *ent, *ch;
	} map[] = {{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
	struct llmops_buf b = LLMOPS_BUF_INIT;

	while (*s) {
		size_t k;

		for (k = 0; k < 4; k++) {
			size_t n = strlen(map[k].ent);

			if (!strncmp(s, map[k].ent, n)) {
				llmops_buf_adds(&b, map[k].ch);
				s += n;
				break;
			}
		}
		if (k == 4)
			llmops_buf_addch(&b, *s++);
	}
	return llmops_buf_detach(&b, NULL);
}

static void run_spec(const char *module, int expected_tests)
{
	struct llmops_buf file = LLMOPS_BUF_INIT;
	char path[4200];
	cJSON *root, *tests, *t;
	int n = 0, failed = 0;

	snprintf(path, sizeof(path), "%s/%s.json", fixture_dir(), module);
	assert_int_equal(llmops_buf_read_file(&file, path), 0);
	root = cJSON_ParseWithLength(file.data, file.len);
	assert_non_null(root);
	tests = cJSON_GetObjectItemCaseSensitive(root, "tests");
	cJSON_ArrayForEach (t, tests) {
		const char *name = cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring;
		const char *tmpl = cJSON_GetObjectItemCaseSensitive(t, "template")->valuestring;
		const char *want = cJSON_GetObjectItemCaseSensitive(t, "expected")->valuestring;
		struct llmops_render_opts opts = {
			spec_partial, cJSON_GetObjectItemCaseSensitive(t, "partials"), NULL};
		struct llmops_buf out = LLMOPS_BUF_INIT;
		struct llmops_template *tp = NULL;
		struct llmops_err err = {0};
		char *unesc = unescape_html(want);

		if (!opts.partial_ud)
			opts.partial = NULL;
		n++;
		if (llmops_template_parse(&tp, tmpl, strlen(tmpl), name, 1, 1, &err) ||
		    llmops_template_render(tp, cJSON_GetObjectItemCaseSensitive(t, "data"), &opts,
					   &out, &err)) {
			fprintf(stderr, "%s / %s: error: %s\n", module, name, err.msg);
			failed++;
		} else if (strcmp(out.data, unesc)) {
			fprintf(stderr,
				"%s / %s:\n  template %s\n  want     [%s]\n  got      [%s]\n",
				module, name, tmpl, unesc, out.data);
			failed++;
		}
		free(unesc);
		llmops_buf_release(&out);
		llmops_template_free(tp);
	}
	cJSON_Delete(root);
	llmops_buf_release(&file);
	assert_int_equal(n, expected_tests); /* the fixture is the whole module */
	assert_int_equal(failed, 0);
}

static void spec_interpolation(void **state)
{
	(void)state;
	run_spec("interpolation", 42);
}

static void spec_sections(void **state)
{
	(void)state;
	run_spec("sections", 34);
}

static void spec_inverted(void **state)
{
	(void)state;
	run_spec("inverted", 22);
}

static void spec_comments(void **state)
{
	(void)state;
	run_spec("comments", 12);
}

static void spec_delimiters(void **state)
{
	(void)state;
	run_spec("delimiters", 14);
}

static void spec_partials(void **state)
{
	(void)state;
	run_spec("partials", 12);
}

/* Render src with JSON data; returns a malloc'd string, or NULL with err set. */
static char *render(const char *src, const char *json, struct llmops_strlist *missing,
		    struct llmops_err *err)
{
	struct llmops_render_opts opts = {NULL, NULL, missing};
	struct llmops_buf out = LLMOPS_BUF_INIT;
	struct llmops_template *t;
	cJSON *data = json ? cJSON_Parse(json) : NULL;
	char *s = NULL;

	if (!llmops_template_parse(&t, src, strlen(src), "t.txt", 1, 1, err)) {
		if (!llmops_template_render(t, data, &opts, &out, err))
			s = llmops_buf_detach(&out, NULL);
		llmops_template_free(t);
	}
	llmops_buf_release(&out);
	cJSON_Delete(data);
	return s;
}

static void expect_error(const char *src, const char *msg)
{
	struct llmops_err err = {0};
	char *s = render(src, "{}", NULL, &err);

	assert_null(s);
	assert_int_equal(err.code, LLMOPS_E_INPUT);
	if (!strstr(err.msg, msg))
		fail_msg("for %s: wanted '%s' in '%s'", src, msg, err.msg);
}

static void parse_errors_name_position(void **state)
{
	(void)state;
	expect_error("hello\n  {{#items}}\n- {{.}}\n",
		     "t.txt:2:3: section 'items' is never closed");
	expect_error("{{#a}}{{#b}}{{/a}}{{/b}}",
		     "t.txt:1:13: '/a' does not close the open section");
	expect_error("{{#a}}{{#b}}{{/a}}{{/b}}", "'b' (opened at 1:7)");
	expect_error("x {{/a}}", "t.txt:1:3: 'a' closes a section that was never opened");
	expect_error("line one\nsay {{name", "t.txt:2:5: tag is never closed; expected '}}'");
	expect_error("{{{raw}}", "t.txt:1:1: '{{{' is never closed");
	expect_error("a {{ }} b", "t.txt:1:3: empty tag");
	expect_error("{{first name}}", "tag name 'first name' contains a space");
	expect_error("{{=<% % %>=}}", "malformed set-delimiter tag");
	expect_error("{{=<%>=}}", "malformed set-delimiter tag");
	/* Columns count code points, not bytes. */
	expect_error("héllo {{#x}}", "t.txt:1:7:");
	/* an empty tag whose closing delimiter starts like a sigil (found by fuzzing:
	   the name's length wrapped below zero) */
	expect_error("{{=<% !>=}}<%!>", "t.txt:1:12: empty tag");
	expect_error("{{=<% #>=}}x <%#>", "t.txt:1:14: empty tag");
}

static void position_offsets(void **state)
{
	struct llmops_template *t;
	struct llmops_err err = {0};

	(void)state;
	/* A template that starts on line 5 (after front matter) reports file lines. */
	assert_int_equal(llmops_template_parse(&t, "ok\n{{#x}}", 9, "p.txt", 5, 1, &err),
			 LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "p.txt:6:1:"));
}

static void no_html_escaping_and_values(void **state)
{
	struct llmops_err err = {0};
	char *s;

	(void)state;
	s = render("{{a}} {{b}} {{c}} {{d}} {{e}} {{f}}",
		   "{\"a\":\"<b>&\\\"x\\\"</b>\",\"b\":3,\"c\":0.5,\"d\":true,\"e\":[1,2],"
		   "\"f\":{\"k\":\"v\"}}",
		   NULL, &err);
	assert_non_null(s);
	assert_string_equal(s, "<b>&\"x\"</b> 3 0.5 true [1,2] {\"k\":\"v\"}");
	free(s);
	/* An empty string is falsey, so optional blocks disappear. */
	s = render("A{{#notes}} notes: {{notes}}{{/notes}}{{^notes}} none{{/notes}}",
		   "{\"notes\":\"\"}", NULL, &err);
	assert_string_equal(s, "A none");
	free(s);
	/* Numbers out of an integer's range print as floats, and are never cast
	   to one first (UBSan's float-cast-overflow, on in CI, catches that). */
	s = render("{{a}} {{b}} {{c}} {{d}}", "{\"a\":8.5e77,\"b\":-1e300,\"c\":1e15,\"d\":-42}",
		   NULL, &err);
	assert_non_null(s);
	assert_string_equal(s, "8.5e+77 -1e+300 1e+15 -42");
	free(s);
}

static void missing_names_are_reported(void **state)
{
	struct llmops_strlist missing = LLMOPS_STRLIST_INIT;
	struct llmops_err err = {0};
	char *s;

	(void)state;
	s = render("{{a}}{{b.c}}{{#s}}x{{/s}}{{^t}}y{{/t}}{{a}}{{> nope}}", "{\"b\":{}}", &missing,
		   &err);
	assert_string_equal(s, "y");
	free(s);
	assert_int_equal(missing.nr, 5);
	assert_string_equal(missing.items[0], "a");
	assert_string_equal(missing.items[1], "b.c");
	assert_string_equal(missing.items[2], "s");
	assert_string_equal(missing.items[3], "t");
	assert_string_equal(missing.items[4], ">nope");
	llmops_strlist_release(&missing);
}

static int self_partial(void *ud, const char *name, struct llmops_buf *src,
			struct llmops_buf *label, struct llmops_err *err)
{
	(void)ud;
	(void)err;
	if (!strcmp(name, "loop"))
		llmops_buf_adds(src, "again {{> loop}}");
	else if (!strcmp(name, "a"))
		llmops_buf_adds(src, "{{> b}}");
	else if (!strcmp(name, "b"))
		llmops_buf_adds(src, "{{#x}}{{> a}}{{/x}}");
	else if (!strcmp(name, "bad"))
		llmops_buf_adds(src, "one\n{{#open}}");
	else
		return LLMOPS_E_NOTFOUND;
	llmops_buf_addf(label, "prompts/_partials/%s.txt", name);
	return LLMOPS_OK;
}

static int render_with_partials(const char *src, const char *json, struct llmops_err *err)
{
	struct llmops_render_opts opts = {self_partial, NULL, NULL};
	struct llmops_buf out = LLMOPS_BUF_INIT;
	struct llmops_template *t;
	cJSON *data = cJSON_Parse(json);
	int rc;

	assert_int_equal(llmops_template_parse(&t, src, strlen(src), "t.txt", 1, 1, err), 0);
	rc = llmops_template_render(t, data, &opts, &out, err);
	llmops_template_free(t);
	llmops_buf_release(&out);
	cJSON_Delete(data);
	return rc;
}

static void partial_including_itself(void **state)
{
	struct llmops_err err = {0};

	(void)state;
	assert_int_equal(render_with_partials("{{> loop}}", "{}", &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "partial 'loop' includes itself"));
	assert_non_null(strstr(err.msg, "(loop > loop)"));
	/* Through a truthy scalar section the context never changes: depth limit. */
	assert_int_equal(render_with_partials("{{> a}}", "{\"x\":true}", &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "more than 64 partials deep"));
	/* Data-bounded recursion is fine (the spec's Recursion test covers output). */
	assert_int_equal(render_with_partials("{{> a}}", "{\"x\":false}", &err), 0);
	/* An error inside a partial names the partial's file and line. */
	assert_int_equal(render_with_partials("{{> bad}}", "{}", &err), LLMOPS_E_INPUT);
	assert_non_null(strstr(err.msg, "prompts/_partials/bad.txt:2:1: section 'open'"));
}

static void variables_listed(void **state)
{
	struct llmops_strlist vars = LLMOPS_STRLIST_INIT;
	struct llmops_template *t;
	struct llmops_err err = {0};
	const char *src = "{{! a comment }}Hi {{user.name}}, {{#items}}{{title}} {{.}}{{/items}}"
			  "{{^empty}}{{#nested}}{{x}}{{/nested}}{{/empty}} {{{raw}}} {{user.id}}"
			  "{{> footer}}";

	(void)state;
	assert_int_equal(llmops_template_parse(&t, src, strlen(src), "t", 1, 1, &err), 0);
	assert_int_equal(llmops_template_variables(t, &vars), 0);
	assert_int_equal(vars.nr, 5);
	assert_string_equal(vars.items[0], "user");
	assert_string_equal(vars.items[1], "items");
	assert_string_equal(vars.items[2], "empty");
	assert_string_equal(vars.items[3], "nested");
	assert_string_equal(vars.items[4], "raw");
	llmops_strlist_release(&vars);
	llmops_template_free(t);
}

/* Hostile input (issue 18): depth is capped with a position, and tags far
   down one long line get their positions without a rescan per tag. */
static void nesting_capped_with_position(void **state)
{
	struct llmops_buf src = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	char *s;

	(void)state;
	for (int i = 0; i < 60000; i++)
		llmops_buf_adds(&src, "{{#a}}");
	s = render(src.data, "{}", NULL, &err);
	assert_null(s);
	assert_int_equal(err.code, LLMOPS_E_INPUT);
	/* the 257th open tag starts at byte 256 * 6 */
	if (!strstr(err.msg, "t.txt:1:1537: sections nest more than 256 deep"))
		fail_msg("got '%s'", err.msg);
	/* 256 deep is allowed and renders */
	llmops_buf_reset(&src);
	for (int i = 0; i < 256; i++)
		llmops_buf_adds(&src, "{{#a}}");
	llmops_buf_adds(&src, "x");
	for (int i = 0; i < 256; i++)
		llmops_buf_adds(&src, "{{/a}}");
	s = render(src.data, "{\"a\": true}", NULL, &err);
	assert_non_null(s);
	assert_string_equal(s, "x");
	free(s);
	llmops_buf_release(&src);
}

/* Sections nested over lists multiply: a render has a work budget. */
static void render_budget(void **state)
{
	struct llmops_buf src = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	char *s;

	(void)state;
	for (int i = 0; i < 12; i++)
		llmops_buf_adds(&src, "{{#a}}");
	llmops_buf_adds(&src, "x");
	for (int i = 0; i < 12; i++)
		llmops_buf_adds(&src, "{{/a}}");
	s = render(src.data, "{\"a\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}", NULL, &err);
	assert_null(s);
	assert_int_equal(err.code, LLMOPS_E_INPUT);
	if (!strstr(err.msg, "the template renders too much"))
		fail_msg("got '%s'", err.msg);
	/* the same nesting over two items is 4,096 x's and fine */
	s = render(src.data, "{\"a\": [1, 2]}", NULL, &err);
	assert_non_null(s);
	assert_int_equal(strlen(s), 4096);
	free(s);
	llmops_buf_release(&src);
}

static void positions_on_a_long_line(void **state)
{
	struct llmops_buf src = LLMOPS_BUF_INIT;
	struct llmops_err err = {0};
	char *s;

	(void)state;
	for (int i = 0; i < 40000; i++)
		llmops_buf_adds(&src, "é{{a}}");
	llmops_buf_adds(&src, "\nab {{/b}}");
	s = render(src.data, "{}", NULL, &err);
	assert_null(s);
	if (!strstr(err.msg, "t.txt:2:4: 'b' closes a section that was never opened"))
		fail_msg("got '%s'", err.msg);
	llmops_buf_reset(&src);
	for (int i = 0; i < 40000; i++)
		llmops_buf_adds(&src, "é{{a}}");
	llmops_buf_adds(&src, "{{/b}}");
	s = render(src.data, "{}", NULL, &err);
	assert_null(s);
	/* columns in code points: 40000 * 6 + 1 */
	if (!strstr(err.msg, "t.txt:1:240001: 'b' closes"))
		fail_msg("got '%s'", err.msg);
	llmops_buf_release(&src);
}

static void variables_many_distinct_keep_order(void **state)
{
	struct llmops_buf src = LLMOPS_BUF_INIT;
	struct llmops_strlist vars = LLMOPS_STRLIST_INIT;
	struct llmops_template *t;
	struct llmops_err err = {0};

	(void)state;
	for (int i = 0; i < 20000; i++)
		llmops_buf_addf(&src, "{{v%d}}{{w}}{{v%d}}{{v%d}}", i, i, i / 2);
	assert_int_equal(llmops_template_parse(&t, src.data, src.len, "t", 1, 1, &err), 0);
	assert_int_equal(llmops_template_variables(t, &vars), 0);
	assert_int_equal(vars.nr, 20001);
	assert_string_equal(vars.items[0], "v0");
	assert_string_equal(vars.items[1], "w");
	assert_string_equal(vars.items[2], "v1");
	assert_string_equal(vars.items[20000], "v19999");
	assert_null(vars.items[20001]);
	llmops_strlist_release(&vars);
	llmops_template_free(t);
	llmops_buf_release(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_interpolation),
		cmocka_unit_test(spec_sections),
		cmocka_unit_test(spec_inverted),
		cmocka_unit_test(spec_comments),
		cmocka_unit_test(spec_delimiters),
		cmocka_unit_test(spec_partials),
		cmocka_unit_test(parse_errors_name_position),
		cmocka_unit_test(position_offsets),
		cmocka_unit_test(no_html_escaping_and_values),
		cmocka_unit_test(missing_names_are_reported),
		cmocka_unit_test(partial_including_itself),
		cmocka_unit_test(variables_listed),
		cmocka_unit_test(nesting_capped_with_position),
		cmocka_unit_test(positions_on_a_long_line),
		cmocka_unit_test(render_budget),
		cmocka_unit_test(variables_many_distinct_keep_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
