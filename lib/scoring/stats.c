/*
 * stats.c - intervals, quantiles and the tests runs are compared with (see
 * stats.h).
 */
#include "stats.h"

#include <math.h>
#include <stdlib.h>

void llmops_wilson(long k, long n, double z, double *lo, double *hi)
{
	llmops_wilson_p(n > 0 ? (double)k / (double)n : 0, (double)n, z, lo, hi);
}

void llmops_wilson_p(double p, double n, double z, double *lo, double *hi)
{
	if (!(n > 0)) {
		*lo = 0;
		*hi = 1;
		return;
	}
	double z2 = z * z;
	double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	double half = z / (1 + z2 / n) * sqrt(p * (1 - p) / n + z2 / (4 * n * n));
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void llmops_sort_doubles(double *v, size_t n)
{
	if (v && n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

double llmops_quantile(double *v, size_t n, double q)
{
	if (!n || !v)
		return NAN;
	llmops_sort_doubles(v, n);
	return llmops_quantile_sorted(v, n, q);
}

double llmops_quantile_sorted(const double *v, size_t n, double q)
{
	if (!n || !v)
		return NAN;
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]);
}

double llmops_mcnemar_exact(long b, long c)
{
	long n = b + c, k = b < c ? b : c;
	double sum = 0, lchoose_n = lgamma((double)n + 1);

	if (b < 0 || c < 0)
		return NAN;
	if (n == 0)
		return 1;
	/* P(X <= k) for X ~ Binomial(n, 1/2), term by term in logs (n may be large) */
	for (long i = 0; i <= k; i++)
		sum += exp(lchoose_n - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) -
			   (double)n * M_LN2);
	sum *= 2;
	return sum > 1 ? 1 : sum;
}

/*
 * The continued fraction of the regularized incomplete beta function
 * I_x(a, b), evaluated by the modified Lentz method (valid, and quick to
 * converge, for x < (a + 1) / (a + b + 2)).
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, num, delta;
		/* even step */
		num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		h *= d * c;
		/* odd step */
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		if (fabs(c) < tiny)
			c = tiny;
		delta = d * c;
		h *= delta;
		if (fabs(delta - 1) < 1e-15)
			break;
	}
	return h;
}

/* I_x(a, b), the regularized incomplete beta function. */
static double beta_inc(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double llmops_t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	/* P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	double tail = 0.5 * beta_inc(df / 2, 0.5, df / (df + t * t));
	return t >= 0 ? 1 - tail : tail;
}

double llmops_t_quantile(double p, double df)
{
	double lo = -1e6, hi = 1e6;

	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	for (int i = 0; i < 200 && hi - lo > 1e-12 * (1 + fabs(lo)); i++) {
		double mid = (lo + hi) / 2;
		if (llmops_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

int llmops_mean_ci(const double *v, size_t n, double level, double *mean, double *lo, double *hi)
{
	double sum = 0, ss = 0, m, half;

	*mean = *lo = *hi = NAN;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	m = sum / (double)n;
	*mean = m;
	if (n < 2)
		return -1;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	half = llmops_t_quantile(0.5 + level / 2, (double)(n - 1)) * sqrt(ss / (double)(n - 1)) /
	       sqrt((double)n);
	*lo = m - half;
	*hi = m + half;
	return 0;
}

double llmops_welch_p(const double *a, size_t na, const double *b, size_t nb)
{
	double ma = 0, mb = 0, va = 0, vb = 0, se2, t, df;

	if (na < 2 || nb < 2)
		return NAN;
	for (size_t i = 0; i < na; i++)
		ma += a[i];
	for (size_t i = 0; i < nb; i++)
		mb += b[i];
	ma /= (double)na;
	mb /= (double)nb;
	for (size_t i = 0; i < na; i++)
		va += (a[i] - ma) * (a[i] - ma);
	for (size_t i = 0; i < nb; i++)
		vb += (b[i] - mb) * (b[i] - mb);
	va /= (double)(na - 1) * (double)na; /* the squared standard errors */
	vb /= (double)(nb - 1) * (double)nb;
	se2 = va + vb;
	if (se2 <= 0)
		return ma == mb ? 1 : 0;
	t = (mb - ma) / sqrt(se2);
	/* Welch-Satterthwaite degrees of freedom */
	df = se2 * se2 / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
	return 2 * llmops_t_cdf(-fabs(t), df);
}

/* The k-th smallest of v[0..n) (0-based), moving v around (Hoare's selection). */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		double pivot = v[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}

double llmops_quantile_select(double *v, size_t n, double q)
{
	if (!n || !v)
		return NAN;
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	double a = select_kth(v, n, lo);
	if (lo + 1 >= n || h == (double)lo)
		return a;
	/* the next order statistic is the smallest of what lies above lo */
	double b = v[lo + 1];
	for (size_t i = lo + 2; i < n; i++)
		if (v[i] < b)
			b = v[i];
	return a + (h - (double)lo) * (b - a);
}

void llmops_kappa(const long c[2][2], double *po, double *kappa, double *lo, double *hi)
{
	double n = (double)(c[0][0] + c[0][1] + c[1][0] + c[1][1]);
	*po = *kappa = *lo = *hi = NAN;
	if (n <= 0)
		return;
	double a1 = (double)(c[1][0] + c[1][1]) / n, b1 = (double)(c[0][1] + c[1][1]) / n;
	double pe = a1 * b1 + (1 - a1) * (1 - b1);
	*po = (double)(c[0][0] + c[1][1]) / n;
	if (pe >= 1 - 1e-12)
		return;
	*kappa = (*po - pe) / (1 - pe);
	double se = sqrt(*po * (1 - *po) / (n * (1 - pe) * (1 - pe)));
	*lo = *kappa - 1.959963984540054 * se;
	*hi = *kappa + 1.959963984540054 * se;
	if (*lo < -1)
		*lo = -1;
	if (*hi > 1)
		*hi = 1;
}

double llmops_two_prop_p(double k1, double n1, double k2, double n2)
{
	if (n1 <= 0 || n2 <= 0)
		return NAN;
	double p = (k1 + k2) / (n1 + n2), se = sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
	if (se <= 0)
		return k1 / n1 == k2 / n2 ? 1 : 0;
	double z = fabs(k1 / n1 - k2 / n2) / se;
	return erfc(z / M_SQRT2);
}
