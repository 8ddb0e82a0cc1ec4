/*
 * The statistics against values worked out by hand (and checked against
 * published tables: Student's t quantiles, Wilson's interval for 8/10).
 */
#include "testutil.h"

#include "repeats.h"
#include "stats.h"

#include <math.h>
#include <string.h>

#define near(x, want, tol) assert_true(fabs((x) - (want)) < (tol))

static void test_mcnemar(void **state)
{
	(void)state;
	/* 2 * sum_{i<=min} C(n,i) / 2^n */
	near(llmops_mcnemar_exact(1, 6), 2.0 * (1 + 7) / 128, 1e-12);	      /* 0.125 */
	near(llmops_mcnemar_exact(0, 5), 2.0 / 32, 1e-12);		      /* 0.0625 */
	near(llmops_mcnemar_exact(2, 10), 2.0 * (1 + 12 + 66) / 4096, 1e-12); /* 0.0386 */
	near(llmops_mcnemar_exact(10, 2), 2.0 * (1 + 12 + 66) / 4096, 1e-12); /* symmetric */
	near(llmops_mcnemar_exact(3, 3), 1, 1e-12);
	near(llmops_mcnemar_exact(0, 0), 1, 1e-12);
	near(llmops_mcnemar_exact(0, 1), 1, 1e-12);
	/* large n: close to the continuity-corrected normal, (|b-c|-1)/sqrt(n) = 2.985 */
	double p = llmops_mcnemar_exact(500, 600);
	assert_true(p > 0.002 && p < 0.0035);
	assert_true(isnan(llmops_mcnemar_exact(-1, 2)));
}

static void test_wilson(void **state)
{
	double lo, hi;
	(void)state;
	llmops_wilson(8, 10, 1.959963984540054, &lo, &hi);
	near(lo, 0.4902, 1e-4);
	near(hi, 0.9433, 1e-4);
	llmops_wilson(0, 10, 1.959963984540054, &lo, &hi);
	near(lo, 0, 1e-12);
	near(hi, 3.841459 / 13.841459, 1e-6); /* z^2 / (n + z^2) */
	llmops_wilson(0, 0, 1.96, &lo, &hi);
	near(lo, 0, 1e-12);
	near(hi, 1, 1e-12);
}

static void test_t(void **state)
{
	(void)state;
	near(llmops_t_quantile(0.975, 1), 12.7062, 1e-3);
	near(llmops_t_quantile(0.975, 9), 2.2622, 1e-4);
	near(llmops_t_quantile(0.975, 30), 2.0423, 1e-4);
	near(llmops_t_quantile(0.975, 1e6), 1.95997, 1e-4);
	near(llmops_t_quantile(0.025, 9), -2.2622, 1e-4);
	near(llmops_t_cdf(0, 5), 0.5, 1e-12);
	near(llmops_t_cdf(2.5706, 5), 0.975, 1e-4);
	assert_true(isnan(llmops_t_quantile(1, 3)));
}

static void test_mean_ci(void **state)
{
	const double v[] = {1, 2, 3, 4, 5};
	double m, lo, hi;
	(void)state;
	/* sd 1.5811, se 0.70711, t(0.975, 4) = 2.7764 */
	assert_int_equal(llmops_mean_ci(v, 5, 0.95, &m, &lo, &hi), 0);
	near(m, 3, 1e-12);
	near(lo, 3 - 2.7764 * 0.70711, 1e-3);
	near(hi, 3 + 2.7764 * 0.70711, 1e-3);
	assert_int_equal(llmops_mean_ci(v, 1, 0.95, &m, &lo, &hi), -1);
	near(m, 1, 1e-12);
	assert_true(isnan(lo) && isnan(hi));
}

static void test_welch(void **state)
{
	const double a[] = {1, 2, 3}, b[] = {4, 5, 6}, c[] = {1, 2, 3, 4, 5};
	(void)state;
	/* equal variances and sizes: Welch = Student, t = 3.674, df = 4, p = 0.0213 */
	near(llmops_welch_p(a, 3, b, 3), 0.02131, 1e-4);
	near(llmops_welch_p(c, 5, c, 5), 1, 1e-12);
	assert_true(isnan(llmops_welch_p(a, 1, b, 3)));
}

static void test_quantile_sorted(void **state)
{
	const double v[] = {1, 2, 3, 4};
	(void)state;
	near(llmops_quantile_sorted(v, 4, 0.5), 2.5, 1e-12);
	near(llmops_quantile_sorted(v, 4, 0.95), 3.85, 1e-12);
	assert_true(isnan(llmops_quantile_sorted(v, 0, 0.5)));
}

/* selection agrees with sorting on shuffled data with repeats */
static void test_quantile_select(void **state)
{
	double a[1001], b[1001];
	unsigned x = 12345;
	(void)state;
	for (size_t n = 1; n <= 1001; n += 50) {
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			a[i] = b[i] = (double)((x >> 16) % 97);
		}
		const double qs[] = {0, 0.5, 0.95, 0.99, 1};
		for (size_t k = 0; k < 5; k++) {
			memcpy(b, a, n * sizeof(double));
			double want = llmops_quantile(b, n, qs[k]);
			memcpy(b, a, n * sizeof(double));
			near(llmops_quantile_select(b, n, qs[k]), want, 1e-12);
		}
	}
}

static void test_pass_at_k(void **state)
{
	(void)state;
	near(llmops_pass_at_k(5, 2, 2), 1 - 3.0 / 10, 1e-12);	 /* 1 - C(3,2)/C(5,2) */
	near(llmops_pass_hat_k(5, 2, 2), 1.0 / 10, 1e-12);	 /* C(2,2)/C(5,2) */
	near(llmops_pass_at_k(10, 3, 4), 1 - 35.0 / 210, 1e-12); /* C(7,4)/C(10,4) */
	near(llmops_pass_hat_k(10, 3, 2), 3.0 / 45, 1e-12);	 /* C(3,2)/C(10,2) */
	near(llmops_pass_at_k(3, 0, 1), 0, 1e-12);
	near(llmops_pass_at_k(4, 1, 4), 1, 1e-12); /* n - c < k: some repeat passes */
	near(llmops_pass_hat_k(4, 1, 4), 0, 1e-12);
	near(llmops_pass_hat_k(3, 3, 3), 1, 1e-12);
	near(llmops_pass_at_k(7, 4, 1), 4.0 / 7, 1e-12); /* k = 1: the pass fraction */
	near(llmops_pass_hat_k(7, 4, 1), 4.0 / 7, 1e-12);
	assert_true(isnan(llmops_pass_at_k(2, 1, 3)));
}

/*
 * Four cases, three repeats each, interleaved as a run records them:
 * zeta 2/3 (scores .9 .9 .3), beta 3/3, gamma 0/3, delta 1 pass, 1 fail,
 * 1 error.  N = 12, p = 1/2; deviations c_i - p n_i: .5, 1.5, -1.5, -.5,
 * so var = 4/3 * 5 / 144 = 0.0462963, n_eff = .25 / var = 5.4, design
 * effect 12 / 5.4 = 2.2222; Wilson at p = .5, n = 5.4: [0.177635, 0.822365]
 * (Wilson over 12 independent results would say [0.2538, 0.7462]).
 */
static void test_repeats(void **state)
{
	static const char *ids[] = {"zeta", "beta", "gamma", "delta"};
	static const int pass[3][4] = {{1, 1, 0, 1}, {1, 1, 0, -1}, {0, 1, 0, 0}};
	static const double score[3][4] = {{.9, 1, .1, .95}, {.9, 1, .2, NAN}, {.3, 1, .1, .2}};
	struct llmops_rep_obs obs[12];
	struct llmops_repeats r;
	struct llmops_err err = {0};
	(void)state;
	for (int rep = 0; rep < 3; rep++)
		for (int c = 0; c < 4; c++)
			obs[rep * 4 + c] =
				(struct llmops_rep_obs){ids[c], pass[rep][c], score[rep][c]};
	assert_int_equal(llmops_repeats_compute(obs, 12, &r, &err), 0);
	assert_int_equal(r.ncases, 4);
	for (int c = 0; c < 4; c++) /* in the order the run met them */
		assert_string_equal(r.cases[c].case_id, ids[c]);
	assert_int_equal(r.results, 12);
	assert_int_equal(r.passed, 6);
	assert_int_equal(r.max_runs, 3);
	near(r.rate, 0.5, 1e-12);
	near(r.n_eff, 5.4, 1e-9);
	near(r.deff, 12 / 5.4, 1e-9);
	near(r.lo, 0.177635, 1e-6);
	near(r.hi, 0.822365, 1e-6);
	assert_int_equal(r.flaky, 2);
	assert_int_equal(r.always, 1); /* beta */
	assert_int_equal(r.never, 1);  /* gamma */
	assert_int_equal(r.partial, 0);
	assert_int_equal(r.failed, 5);
	assert_int_equal(r.errors, 1);
	assert_true(r.cases[0].flaky && !r.cases[1].flaky && !r.cases[2].flaky && r.cases[3].flaky);
	near(r.cases[0].pass_fraction, 2.0 / 3, 1e-12);
	near(r.cases[0].score_mean, 0.7, 1e-12);
	near(r.cases[0].score_sd, sqrt(0.12), 1e-12);
	near(r.cases[0].score_min, 0.3, 1e-12);
	near(r.cases[0].score_max, 0.9, 1e-12);
	assert_int_equal(r.cases[3].errors, 1);
	assert_int_equal(r.cases[3].scored, 2);
	near(r.cases[3].pass_fraction, 1.0 / 3, 1e-12);
	assert_true(isnan(r.cases[1].score_sd) == 0 && r.cases[1].score_sd == 0);
	assert_int_equal(r.nks, 3);
	near(r.ks[0].pass_at_k, 0.5, 1e-12);
	near(r.ks[1].pass_at_k, (1 + 1 + 0 + 2.0 / 3) / 4, 1e-12);
	near(r.ks[1].pass_hat_k, (1.0 / 3 + 1 + 0 + 0) / 4, 1e-12);
	near(r.ks[2].pass_at_k, (1 + 1 + 0 + 1) / 4.0, 1e-12);
	near(r.ks[2].pass_hat_k, 0.25, 1e-12);
	assert_int_equal(r.ks[2].cases, 4);
	llmops_repeats_release(&r);

	/* every result passed: no spread to estimate, the interval counts the 4 cases */
	for (int i = 0; i < 12; i++)
		obs[i].passed = 1;
	assert_int_equal(llmops_repeats_compute(obs, 12, &r, &err), 0);
	near(r.n_eff, 4, 1e-12);
	double lo, hi;
	llmops_wilson(4, 4, 1.959963984540054, &lo, &hi);
	near(r.lo, lo, 1e-12);
	near(r.hi, 1, 1e-12);
	assert_int_equal(r.flaky, 0);
	llmops_repeats_release(&r);

	assert_int_equal(llmops_repeats_compute(obs, 0, &r, &err), 0);
	assert_int_equal(r.ncases, 0);
	assert_true(isnan(r.rate));
	llmops_repeats_release(&r);
}

/* Cohen's kappa against values worked by hand (rows: judge yes/no as c[1]/c[0]; columns:
   reviewer accept/reject as [1]/[0]). */
static void test_kappa(void **state)
{
	double po, k, lo, hi;
	(void)state;
	/* judge yes: 20 accepted, 5 rejected; judge no: 10 accepted, 15 rejected.  n 50,
	   po 35/50 = 0.7, pe 0.5 x 0.6 + 0.5 x 0.4 = 0.5, kappa 0.4,
	   se sqrt(0.21 / (50 x 0.25)) = 0.129615 */
	const long a[2][2] = {{15, 10}, {5, 20}};
	llmops_kappa(a, &po, &k, &lo, &hi);
	assert_true(fabs(po - 0.7) < 1e-12 && fabs(k - 0.4) < 1e-12);
	assert_true(fabs(lo - 0.145955) < 1e-5 && fabs(hi - 0.654045) < 1e-5);
	/* n 100: po 0.6, pe 0.6 x 0.7 + 0.4 x 0.3 = 0.54, kappa 0.06 / 0.46 = 0.130435,
	   se sqrt(0.24 / (100 x 0.2116)) = 0.106500 */
	const long b[2][2] = {{15, 25}, {15, 45}};
	llmops_kappa(b, &po, &k, &lo, &hi);
	assert_true(fabs(po - 0.6) < 1e-12 && fabs(k - 0.130435) < 1e-6);
	assert_true(fabs(lo - (-0.078303)) < 1e-5 && fabs(hi - 0.339173) < 1e-5);
	/* full agreement: kappa 1, no spread */
	const long c[2][2] = {{10, 0}, {0, 10}};
	llmops_kappa(c, &po, &k, &lo, &hi);
	assert_true(po == 1 && fabs(k - 1) < 1e-12 && fabs(lo - 1) < 1e-12 && hi == 1);
	/* agreement below chance: kappa negative (po 0.2, pe 0.5: -0.6) */
	const long d[2][2] = {{1, 4}, {4, 1}};
	llmops_kappa(d, &po, &k, &lo, &hi);
	assert_true(fabs(k + 0.6) < 1e-12 && lo >= -1);
	/* both always say yes: chance explains everything, kappa is undefined */
	const long e[2][2] = {{0, 0}, {0, 9}};
	llmops_kappa(e, &po, &k, &lo, &hi);
	assert_true(po == 1 && isnan(k) && isnan(lo));
	const long z[2][2] = {{0, 0}, {0, 0}};
	llmops_kappa(z, &po, &k, &lo, &hi);
	assert_true(isnan(po) && isnan(k));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcnemar),
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_t),
		cmocka_unit_test(test_mean_ci),
		cmocka_unit_test(test_welch),
		cmocka_unit_test(test_quantile_sorted),
		cmocka_unit_test(test_quantile_select),
		cmocka_unit_test(test_pass_at_k),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_kappa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
